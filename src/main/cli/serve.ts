import { cpus } from 'node:os'
import { join } from 'node:path'
import { defaultDatasetCacheDir, defaultDbPath, projectRoot } from '../paths'
import { serve as startServer } from '../server'
import { WorkbenchService } from '../service'
import { numberFlag, oneOf, parseCommand } from './args'

export const SERVE_HELP = `serve [--port N] [--db PATH] [--workers N] [--engine auto|native|tfjs]
  Browser mode: the same UI and API on http://127.0.0.1:PORT/ (loopback only;
  default port 5317, 0 = any free port). Prints the URL to open. Ctrl-C stops
  cleanly (running runs go back to the queue).`

export async function serve(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    port: { type: 'string' },
    db: { type: 'string' },
    workers: { type: 'string' },
    engine: { type: 'string' }
  })
  const port = numberFlag('port', values.port, 5317, { min: 0, max: 65535, integer: true })
  const workers = numberFlag('workers', values.workers, cpus().length, { min: 1, max: 64, integer: true })
  const engine = oneOf('engine', values.engine, ['auto', 'native', 'tfjs'] as const, 'auto')
  const service = new WorkbenchService({ dbPath: values.db ?? defaultDbPath(), cacheDir: defaultDatasetCacheDir(), workers, engine })
  const running = await startServer({ service, staticDir: join(projectRoot(), 'out', 'renderer'), port }).catch(async (err: unknown) => {
    await service.close()
    throw err
  })
  service.start()
  console.log(`α-Workbench is serving ${running.url} (database ${service.dbPath}; Ctrl-C to stop)`)
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
