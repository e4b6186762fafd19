import { CliError } from './cli/args'
import { UserError } from '../shared/errors'
import { echo, safeMessage } from '../shared/echo'

type Command = (argv: string[]) => Promise<number>

/**
 * Each command's module is loaded only when that command runs: `runs` or
 * `stats` then never pay for TF.js, BullMQ or the HTTP server at start-up
 * (`runs` started in 2.5 s through tsx with every command loaded, 0.65 s now, on a 2-core VM).
 */
const COMMANDS: Record<string, () => Promise<{ run: Command; help: string }>> = {
  doctor: () => import('./cli/doctor').then((m) => ({ run: m.doctor, help: m.DOCTOR_HELP })),
  train: () => import('./cli/train').then((m) => ({ run: m.train, help: m.TRAIN_HELP })),
  sweep: () => import('./cli/sweep').then((m) => ({ run: m.sweep, help: m.SWEEP_HELP })),
  worker: () => import('./cli/worker').then((m) => ({ run: m.worker, help: m.WORKER_HELP })),
  runs: () => import('./cli/runs').then((m) => ({ run: m.runs, help: m.RUNS_HELP })),
  'run-edit': () => import('./cli/run-manage').then((m) => ({ run: m.runEdit, help: m.RUN_EDIT_HELP })),
  'run-delete': () => import('./cli/run-manage').then((m) => ({ run: m.runDelete, help: m.RUN_DELETE_HELP })),
  'run-retry': () => import('./cli/run-manage').then((m) => ({ run: m.runRetry, help: m.RUN_RETRY_HELP })),
  stats: () => import('./cli/stats').then((m) => ({ run: m.stats, help: m.STATS_HELP })),
  survival: () => import('./cli/survival').then((m) => ({ run: m.survival, help: m.SURVIVAL_HELP })),
  report: () => import('./cli/report').then((m) => ({ run: m.report, help: m.REPORT_HELP })),
  export: () => import('./cli/interchange').then((m) => ({ run: m.exportCommand, help: m.EXPORT_HELP })),
  import: () => import('./cli/interchange').then((m) => ({ run: m.importCommand, help: m.IMPORT_HELP })),
  'import-idx': () => import('./cli/import-idx').then((m) => ({ run: m.importIdxCommand, help: m.IMPORT_IDX_HELP })),
  serve: () => import('./cli/serve').then((m) => ({ run: m.serve, help: m.SERVE_HELP })),
  bench: () => import('./cli/bench').then((m) => ({ run: m.bench, help: m.BENCH_HELP }))
}

async function usage(): Promise<string> {
  const helps = await Promise.all(Object.values(COMMANDS).map(async (load) => (await load()).help))
  return ['usage: alpha-wb <command> [options]   (npm run cli -- <command> …)', '', ...helps, ''].join('\n')
}

/** The headless entry point; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(await usage())
    return name ? 0 : 2
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined
  if (!load) {
    console.error(`unknown command '${echo(name)}'\n\n${await usage()}`)
    return 2
  }
  const command = await load()
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
