import { CliError } from './cli/args'
import { DOCTOR_HELP, doctor } from './cli/doctor'
import { TRAIN_HELP, train } from './cli/train'
import { BENCH_HELP, bench } from './cli/bench'
import { SERVE_HELP, serve } from './cli/serve'
import { IMPORT_IDX_HELP, importIdxCommand } from './cli/import-idx'
import { SWEEP_HELP, sweep } from './cli/sweep'
import { WORKER_HELP, worker } from './cli/worker'
import { RUNS_HELP, runs } from './cli/runs'
import { RUN_DELETE_HELP, RUN_EDIT_HELP, RUN_RETRY_HELP, runDelete, runEdit, runRetry } from './cli/run-manage'
import { STATS_HELP, stats } from './cli/stats'
import { SURVIVAL_HELP, survival } from './cli/survival'
import { REPORT_HELP, report } from './cli/report'
import { EXPORT_HELP, IMPORT_HELP, exportCommand, importCommand } from './cli/interchange'
import { UserError } from '../shared/errors'
import { echo, safeMessage } from '../shared/echo'

type Command = (argv: string[]) => Promise<number>

const COMMANDS: Record<string, { run: Command; help: string }> = {
  doctor: { run: doctor, help: DOCTOR_HELP },
  train: { run: train, help: TRAIN_HELP },
  sweep: { run: sweep, help: SWEEP_HELP },
  worker: { run: worker, help: WORKER_HELP },
  runs: { run: runs, help: RUNS_HELP },
  'run-edit': { run: runEdit, help: RUN_EDIT_HELP },
  'run-delete': { run: runDelete, help: RUN_DELETE_HELP },
  'run-retry': { run: runRetry, help: RUN_RETRY_HELP },
  stats: { run: stats, help: STATS_HELP },
  survival: { run: survival, help: SURVIVAL_HELP },
  report: { run: report, help: REPORT_HELP },
  export: { run: exportCommand, help: EXPORT_HELP },
  import: { run: importCommand, help: IMPORT_HELP },
  'import-idx': { run: importIdxCommand, help: IMPORT_IDX_HELP },
  serve: { run: serve, help: SERVE_HELP },
  bench: { run: bench, help: BENCH_HELP }
}

function usage(): string {
  return ['usage: alpha-wb <command> [options]   (npm run cli -- <command> …)', '', ...Object.values(COMMANDS).map((c) => c.help), ''].join('\n')
}

/** The headless entry point; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(usage())
    return name ? 0 : 2
  }
  const command = COMMANDS[name]
  if (!command) {
    console.error(`unknown command '${echo(name)}'\n\n${usage()}`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help)
    return 0
  }
  try {
    return await command.run(rest)
  } catch (err) {
    // Bad input of a known kind: the message names the problem; no stack trace.
    // Messages quote input (flags, file lines, names): cut and escaped so it cannot flood or drive the terminal.
    if (err instanceof UserError) {
      console.error(`error: ${safeMessage(err.message)}`)
      return err instanceof CliError ? err.exitCode : 2
    }
    console.error(`error: ${safeMessage(err instanceof Error ? err.message : String(err))}`)
    return 1
  }
}
