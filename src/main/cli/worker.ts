import { cpus } from 'node:os'
import { join } from 'node:path'
import { ClusterWorker } from '../cluster/worker'
import { parseRedisUrl } from '../cluster/connection'
import { defaultDatasetCacheDir } from '../paths'
import { CliError, numberFlag, oneOf, parseCommand } from './args'
import { ENGINE_PREFERENCES } from '../../shared/constants'

export const WORKER_HELP = `worker --redis redis://HOST:PORT [options]
  Trains runs of cluster sweeps: takes run jobs from every coordinator using
  this Redis, trains each on this machine and reports back. Stateless: stop
  it any time (Ctrl-C finishes the runs in hand; a second Ctrl-C or a kill
  hands them to another worker). Anyone who can reach the Redis can submit
  work: keep it on a private network or behind a tunnel.
  --redis URL          redis://[:PASSWORD@]HOST:PORT[/DB], or rediss://… for TLS
  --concurrency N      runs trained at once (default: ${cpus().length}, the number of cores)
  --engine auto|native|tfjs
  --lock-duration MS   how long a silent worker keeps its runs before another takes them (default 30000)`

export async function worker(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    redis: { type: 'string' },
    concurrency: { type: 'string' },
    engine: { type: 'string' },
    'lock-duration': { type: 'string' }
  })
  if (!values.redis) throw new CliError('worker needs --redis redis://HOST:PORT')
  const target = parseRedisUrl(values.redis)
  const concurrency = numberFlag('concurrency', values.concurrency, cpus().length, { min: 1, max: 256, integer: true })
  const engine = oneOf('engine', values.engine, ENGINE_PREFERENCES, 'auto')
  const lockDurationMs = numberFlag('lock-duration', values['lock-duration'], 30_000, { min: 500, max: 3_600_000, integer: true })
  const cluster = new ClusterWorker({
    redis: target,
    concurrency,
    engine,
    lockDurationMs,
    cacheDir: join(defaultDatasetCacheDir(), 'by-hash')
  })
  const report = await cluster.start()
  console.log(
    `worker ${report.id} on ${target.display}: engine ${report.engine}, ISA ${report.isa}, ` +
      `${report.stepsPerSecond} steps/s per thread (${report.stepMs} ms per batch-64 step of the paper network) × ${concurrency}`
  )
  let stops = 0
  await new Promise<void>((resolve) => {
    const onSignal = (): void => {
      stops++
      if (stops === 1) {
        console.error('stopping: finishing the runs in hand (Ctrl-C again to hand them to another worker)…')
        void cluster.close(true).then(resolve)
      } else {
        // Their jobs stall and BullMQ hands them to another worker.
        process.exit(130)
      }
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
  return 0
}
