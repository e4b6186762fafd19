import { echo } from '../../shared/echo'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UserError } from '../../shared/errors'

/** A bad command line: printed without a stack trace, exit code 2 unless the command says otherwise. */
export class CliError extends UserError {
  constructor(
    message: string,
    readonly exitCode = 2
  ) {
    super(message)
  }
}

type Options = NonNullable<ParseArgsConfig['options']>
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: boolean; strict: true }>>

export function parseCommand<O extends Options>(argv: string[], options: O, allowPositionals = false): Parsed<O> {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true })
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err))
  }
}

/** A number flag with a clear message naming the flag when it is not a number or out of range. */
export function numberFlag(name: string, raw: string | undefined, fallback: number, check?: { min?: number; max?: number; integer?: boolean }): number {
  if (raw === undefined) return fallback
  const v = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(v)) throw new CliError(`--${name} must be a number, got '${echo(raw)}'`)
  if (check?.integer && !Number.isInteger(v)) throw new CliError(`--${name} must be a whole number, got ${echo(raw)}`)
  if (check?.min !== undefined && v < check.min) throw new CliError(`--${name} must be ≥ ${check.min}, got ${echo(raw)}`)
  if (check?.max !== undefined && v > check.max) throw new CliError(`--${name} must be ≤ ${check.max}, got ${echo(raw)}`)
  return v
}

export function oneOf<T extends string>(name: string, raw: string | undefined, allowed: readonly T[], fallback: T): T {
  if (raw === undefined) return fallback
  if (!(allowed as readonly string[]).includes(raw)) throw new CliError(`--${name} must be one of ${allowed.join(', ')}; got '${echo(raw)}'`)
  return raw as T
}
