/**
 * The one base class of errors meant for the user: bad input of a known kind
 * (a bad argument, an unknown id, a malformed file). The message names the
 * problem and is shown as is, without a stack trace. `status` is the HTTP
 * status the browser transport answers with; the CLI exits with 2 (or the
 * subclass's own exit code). Anything else thrown is a bug: 500, exit 1.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly status: number = 400
  ) {
    super(message)
    this.name = new.target.name
  }
}

/** The thing asked for (a run, a sweep, a method) does not exist: HTTP 404. */
export class NotFoundError extends UserError {
  constructor(message: string) {
    super(message, 404)
  }
}
