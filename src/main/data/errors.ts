import { UserError } from '../../shared/errors'

/**
 * Any problem with a dataset's files or its cache. `file` is the path at fault
 * (when there is one) so the CLI and UI can show exactly what to fix.
 */
export class DatasetError extends UserError {
  constructor(
    readonly file: string | undefined,
    readonly problem: string
  ) {
    super(file === undefined ? problem : `${file}: ${problem}`)
  }
}
