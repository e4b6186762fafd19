/**
 * `alpha-wb serve` without a built UI, for tests that need the server in a
 * process of its own (fuzzing, killing): node --import tsx serve-fixture.ts
 * DB STATIC_DIR TOKEN WORKERS. Prints "serving URL" when it listens; SIGINT or
 * SIGTERM stops it cleanly like the CLI.
 */
import { join } from 'node:path'
import { serve } from '../../src/main/server'
import { WorkbenchService } from '../../src/main/service'

const [db, staticDir, token, workers] = process.argv.slice(2)
const service = new WorkbenchService({ dbPath: db, cacheDir: join(process.env.ALPHA_WB_HOME ?? staticDir, 'datasets'), workers: Number(workers ?? 1) })
const running = await serve({ service, staticDir, port: 0, token: token === '-' ? null : token })
service.start()
console.log(`serving ${running.openUrl} pid ${process.pid}`)
const stop = (): void => {
  void running
    .close()
    .then(() => service.close())
    .finally(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
