import { cpus } from 'node:os'
import { parseRedisUrl, type RedisTarget } from '../cluster/connection'
import { queuePrefix } from '../cluster/protocol'
import { RemoteExecutor } from '../cluster/remote-executor'
import { loadDataset } from '../data'
import type { RunExecutor } from '../sweep/executor'
import { runCount, type SweepSpec } from '../../shared/sweep-spec'
import { defaultDatasetCacheDir } from '../paths'
import { SweepRunner } from '../sweep/runner'
import { queueSweep } from '../sweep/queue'
import { presetDatasetNote, presetSpec, readSpecFile, parseSpec } from '../sweep/spec'
import { CliError, numberFlag, oneOf, parseCommand } from './args'
import { DB_FLAG, openDb } from './db'
import { ProgressBar } from './progress'
import { ENGINE_PREFERENCES } from '../../shared/constants'

export const SWEEP_HELP = `sweep (--preset paper|original-code | --spec FILE | --resume) [options]
  Queues a sweep and trains it on all cores with a live progress bar. Ctrl-C
  stops cleanly; \`sweep --resume\` continues (interrupted runs go on from their last
  checkpoint, stored with every chunk of 64 steps).
  --datasets a,b     datasets to run on (overrides the spec's)
  --name NAME        the sweep's name
  --workers N        training threads (default: ${cpus().length}, the number of cores)
  --sweep ID         with --resume: only this sweep (default: the whole queue)
  --force-reset      with --resume: also restart runs another live process seems
                     to own (after a crash its PID may belong to someone else)
  --engine auto|native|tfjs
  --redis URL        train on cluster workers (\`alpha-wb worker\`) through this Redis
                     instead of local threads: redis://[:PASSWORD@]HOST:PORT or rediss://… (TLS)
  --db PATH          database file (default: the app's, or $ALPHA_WB_DB)`

function specFrom(values: { preset?: string; spec?: string; datasets?: string; name?: string }): SweepSpec {
  if (values.preset && values.spec) throw new CliError('give either --preset or --spec, not both')
  let spec = values.preset ? presetSpec(values.preset) : readSpecFile(values.spec!)
  const note = values.preset && !values.datasets ? presetDatasetNote(values.preset) : null
  if (note) console.error(note)
  const overrides: Record<string, unknown> = {}
  if (values.datasets) overrides.datasets = values.datasets.split(',').map((d) => d.trim()).filter(Boolean)
  if (values.name) overrides.name = values.name
  if (Object.keys(overrides).length) spec = parseSpec({ ...spec, ...overrides }, values.spec ?? `preset ${values.preset}`)
  return spec
}

export async function sweep(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    ...DB_FLAG,
    preset: { type: 'string' },
    spec: { type: 'string' },
    resume: { type: 'boolean' },
    'force-reset': { type: 'boolean' },
    sweep: { type: 'string' },
    datasets: { type: 'string' },
    name: { type: 'string' },
    workers: { type: 'string' },
    engine: { type: 'string' },
    redis: { type: 'string' }
  })
  if (!values.preset && !values.spec && !values.resume) throw new CliError('sweep needs --preset NAME, --spec FILE or --resume')
  if (values['force-reset'] && !values.resume) throw new CliError('--force-reset goes with --resume')
  const workers = numberFlag('workers', values.workers, cpus().length, { min: 1, max: 64, integer: true })
  const engine = oneOf('engine', values.engine, ENGINE_PREFERENCES, 'auto')
  // A bad URL or spec is a UserError: the CLI prints its message and exits 2.
  const redis: RedisTarget | undefined = values.redis === undefined ? undefined : parseRedisUrl(values.redis)
  const spec: SweepSpec | null = values.resume ? null : specFrom(values)
  const cacheDir = defaultDatasetCacheDir()
  const { store, path } = openDb(values.db, { create: true })
  let sweepId = values.sweep === undefined ? undefined : numberFlag('sweep', values.sweep, 0, { min: 1, integer: true })
  try {
    if (spec) {
      const queued = await queueSweep(store, spec, { cacheDir })
      sweepId = queued.sweep.id
      console.error(`queued sweep #${sweepId} '${queued.sweep.name}': ${runCount(spec)} runs, ${queued.sweep.progress.stepsPlanned.toLocaleString('en')} steps (db ${path})`)
      for (const note of queued.notes) console.error(`note: ${note}`)
    }
    // Checked before Redis is reached: nothing to close on this way out.
    if (sweepId !== undefined && !store.getSweep(sweepId)) throw new CliError(`no sweep #${sweepId} in the database`)
    const executor = redis ? await clusterExecutor(redis, path, cacheDir) : undefined
    return await runQueue(store, { sweepId, workers, engine, cacheDir, executor, forceReset: values['force-reset'] ?? false })
  } finally {
    store.close()
  }
}

/** Connects to Redis (or says why it cannot) and returns the executor that queues runs as BullMQ jobs. */
async function clusterExecutor(redis: RedisTarget, dbPath: string, cacheDir: string): Promise<RemoteExecutor> {
  const executor = new RemoteExecutor({ redis, prefix: queuePrefix(dbPath), loadDataset: (name) => loadDataset(name, { cacheDir }) })
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CliError(`cannot reach Redis at ${redis.display} within 15 s`, 1)), 15_000)
  })
  try {
    await Promise.race([executor.ready(), timeout])
  } catch (err) {
    await executor.close()
    throw err
  } finally {
    clearTimeout(timer)
  }
  console.error(`training on the cluster at ${redis.display} (queue ${queuePrefix(dbPath)})`)
  return executor
}

async function runQueue(
  store: ReturnType<typeof openDb>['store'],
  opts: { sweepId?: number; workers: number; engine: 'auto' | 'native' | 'tfjs'; cacheDir: string; executor?: RunExecutor; forceReset: boolean }
): Promise<number> {
  const progressOf = (): { planned: number; done: number } => {
    const sweeps = opts.sweepId !== undefined ? [store.getSweep(opts.sweepId)] : store.listSweeps()
    let planned = 0
    let done = 0
    for (const s of sweeps) {
      if (!s || s.status === 'cancelled') continue
      planned += s.progress.stepsPlanned
      done += s.progress.stepsDone
    }
    return { planned, done }
  }
  let runner: SweepRunner
  try {
    runner = new SweepRunner({ store, cacheDir: opts.cacheDir, workers: opts.workers, engine: opts.engine, sweepId: opts.sweepId, executor: opts.executor })
  } catch (err) {
    // The runner owns (and closes) the executor only once it exists.
    await opts.executor?.close()
    throw err
  }
  // From here on the runner holds worker threads: every way out (errors included) stops it, or the process would idle forever.
  let fault: Error | null = null
  let onStopSignal: () => void = () => {}
  const stopSignal = new Promise<void>((resolve) => (onStopSignal = resolve))
  runner.on('fault', (err) => {
    fault ??= err
    onStopSignal()
  })
  let interrupted = false
  const onSigint = (): void => {
    if (interrupted) return
    interrupted = true
    console.error('stopping: running runs go back to the queue at their last checkpoint…')
    onStopSignal()
  }
  process.on('SIGINT', onSigint)
  process.on('SIGTERM', onSigint)
  const bar = new ProgressBar('sweep')
  let finished = 0
  let failed = 0
  const started = Date.now()
  try {
    if (opts.forceReset) console.error('--force-reset: restarting every running run, even those another process seems to own')
    const reset = runner.start({ forceReset: opts.forceReset })
    if (reset.length) console.error(`resuming ${reset.length} run(s) interrupted earlier from their last checkpoint: ${reset.join(', ')}`)
    let engineLabel = ''
    const base = progressOf()
    const redraw = (): void => {
      const p = progressOf()
      bar.update(p.done - base.done, p.planned - base.done, `${finished} done${failed ? `, ${failed} failed` : ''} ${engineLabel}`)
    }
    let lastDraw = 0
    runner.on('run-started', (_run, info) => {
      engineLabel = opts.executor ? `[${info.engine}/${info.backend}, ${runner.executor.label}]` : `[${info.engine}/${info.backend} × ${runner.workerCount}]`
    })
    runner.on('run-progress', () => {
      const now = Date.now()
      if (now - lastDraw > 200) {
        lastDraw = now
        redraw()
      }
    })
    runner.on('run-finished', () => {
      finished++
      redraw()
    })
    runner.on('run-failed', (id, error) => {
      failed++
      bar.finish()
      console.error(`run ${id} failed: ${error}`)
    })
    runner.on('stalled', (message) => {
      bar.finish()
      console.error(`paused: ${message}`)
    })
    runner.on('resumed', () => console.error('the database takes writes again: training resumed'))
    if (!fault) await Promise.race([runner.whenIdle(), stopSignal])
    bar.finish()
    if (!fault) redraw()
  } finally {
    process.off('SIGINT', onSigint)
    process.off('SIGTERM', onSigint)
    bar.finish()
    await runner.stop()
  }
  if (fault) throw fault as Error
  const seconds = (Date.now() - started) / 1000
  if (interrupted) {
    console.error(`stopped after ${seconds.toFixed(1)} s; ${finished} run(s) finished. Continue with: sweep --resume${opts.sweepId ? ` --sweep ${opts.sweepId}` : ''}`)
    return 130
  }
  console.error(`${finished} run(s) finished${failed ? `, ${failed} failed` : ''} in ${seconds.toFixed(1)} s${opts.sweepId ? `; see \`stats --sweep ${opts.sweepId}\`` : ''}`)
  return failed ? 1 : 0
}
