import { UserError } from '../../shared/errors'

/** Every error the store raises on purpose: the message is meant for the user as is (404 for an unknown id). */
export class StoreError extends UserError {}

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
