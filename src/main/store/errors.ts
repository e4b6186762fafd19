/** Every error the store raises on purpose: the message is meant for the user as is. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StoreError'
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
    this.name = 'CsvFormatError'
  }
}
