import { CliError } from './cli/args'
import { DOCTOR_HELP, doctor } from './cli/doctor'
import { TRAIN_HELP, train } from './cli/train'
import { BENCH_HELP, bench } from './cli/bench'

type Command = (argv: string[]) => Promise<number>

const COMMANDS: Record<string, { run: Command; help: string }> = {
  doctor: { run: doctor, help: DOCTOR_HELP },
  train: { run: train, help: TRAIN_HELP },
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
    console.error(`unknown command '${name}'\n\n${usage()}`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help)
    return 0
  }
  try {
    return await command.run(rest)
  } catch (err) {
    if (err instanceof CliError) {
      console.error(`error: ${err.message}`)
      return err.exitCode
    }
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`)
    return 1
  }
}
