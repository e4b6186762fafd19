import { UserError } from '../../shared/errors'

/** Every error the store raises on purpose: the message is meant for the user as is (400 unless it says otherwise; 404 for an unknown id). */
export class StoreError extends UserError {}

/**
 * A write for a run that is no longer this process's to write: deleted, or no
 * longer running (cancelled from the app while a CLI trains it, reset by
 * `--force-reset`). The runner stops such a run quietly.
 */
export class RunGoneError extends StoreError {
  constructor(
    readonly runId: number,
    message: string,
    status?: number
  ) {
    super(message, status)
  }
}

/** A malformed CSV: names the file, the 1-based line and the problem. */
export class CsvFormatError extends StoreError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string
  ) {
    super(`${file}:${line}: ${problem}`)
  }
}
