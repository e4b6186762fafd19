import { cpus } from 'node:os'
import { join } from 'node:path'
import { defaultDatasetCacheDir, defaultDbPath, projectRoot } from '../paths'
import { newToken, serve as startServer } from '../server'
import { WorkbenchService } from '../service'
import { CliError, numberFlag, oneOf, parseCommand } from './args'
import { ENGINE_PREFERENCES } from '../../shared/constants'

export const SERVE_HELP = `serve [--port N] [--db PATH] [--workers N] [--engine auto|native|tfjs] [--token T | --no-auth]
  Browser mode: the same UI and API on http://127.0.0.1:PORT/ (loopback only;
  default port 5317, 0 = any free port). Prints the URL to open, with a fresh
  random access token (?token=…); the first load swaps it for a session cookie,
  and every API or event request without it gets 401. Ctrl-C stops cleanly
  (running runs go back to the queue).
  --token T   use this token instead of a random one (or set $ALPHA_WB_TOKEN,
              which other users cannot read in the process list)
  --no-auth   no token at all: anyone on this machine can use the server`

export async function serve(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    port: { type: 'string' },
    db: { type: 'string' },
    workers: { type: 'string' },
    engine: { type: 'string' },
    token: { type: 'string' },
    'no-auth': { type: 'boolean' }
  })
  const port = numberFlag('port', values.port, 5317, { min: 0, max: 65535, integer: true })
  const workers = numberFlag('workers', values.workers, cpus().length, { min: 1, max: 64, integer: true })
  const engine = oneOf('engine', values.engine, ENGINE_PREFERENCES, 'auto')
  const token = accessToken(values.token ?? process.env.ALPHA_WB_TOKEN, values['no-auth'] ?? false)
  const service = new WorkbenchService({ dbPath: values.db ?? defaultDbPath(), cacheDir: defaultDatasetCacheDir(), workers, engine })
  const running = await startServer({ service, staticDir: join(projectRoot(), 'out', 'renderer'), port, token }).catch(async (err: unknown) => {
    await service.close()
    throw err
  })
  try {
    service.start()
  } catch (err) {
    await running.close()
    await service.close()
    throw err
  }
  if (token === null) {
    console.error('warning: --no-auth: anyone who can reach 127.0.0.1 on this machine (every local user, every page in a browser that guesses the port) can read, queue and delete sweeps')
  }
  console.log(`α-Workbench is serving ${running.openUrl} (database ${service.dbPath}; Ctrl-C to stop)`)
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      console.error('stopping…')
      void running
        .close()
        .then(() => service.close())
        .finally(resolve)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  return 0
}

/** The token to require: the given one, a fresh random one, or none with --no-auth. */
function accessToken(given: string | undefined, noAuth: boolean): string | null {
  if (noAuth) {
    if (given !== undefined) throw new CliError('give either --token or --no-auth, not both')
    return null
  }
  if (given === undefined) return newToken()
  if (!/^[\x21-\x7e]{16,256}$/.test(given)) throw new CliError('--token must be 16 to 256 printable ASCII characters without spaces')
  return given
}
