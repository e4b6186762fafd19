import { EventEmitter } from 'node:events'
import { basename, extname } from 'node:path'
import { API, type ApiHandlers, type ApiMethod, type ComputeChoice, type StatsFilter } from '../shared/api-schemas'
import type { AppStatus, QueueState, WorkbenchEvent } from '../shared/api'
import { NotFoundError, UserError } from '../shared/errors'
import { PAPER_NETWORK, alphaCount } from '../shared/network'
import type { ClusterStatus, ComputeState, FinalAlphaQuery, FinalAlphaRow, GroupedSeries, RunDetail, SweepRow } from '../shared/results'
import { formatIssues } from '../shared/validation'
import { finalAlphaHistograms, finalAlphaVsLambda, initialVsFinal, meanTrajectories } from './analysis'
import { collectCollapse, collectFits, collectRunCollapse, collectSurvival, statisticRows } from './reports/collect'
import { renderReport } from './reports/html'
import { availableOfficial, listBundledDatasets, cacheState, loadDataset } from './data'
import { parseRedisUrl, type RedisTarget } from './cluster/connection'
import { queuePrefix } from './cluster/protocol'
import { RemoteExecutor } from './cluster/remote-executor'
import { measureStepMs } from './engine/step-probe'
import { chooseEngine, type EnginePreference } from './engine/select'
import { exportSweepCsv, exportSweepJson, openStore, type Store } from './store'
import { importCsvOffThread } from './store/csv-import-thread'
import { SweepRunner } from './sweep/runner'
import { queueSweep } from './sweep/queue'
import { versions } from './versions'

export interface ServiceOptions {
  dbPath: string
  cacheDir: string
  workers?: number
  engine?: EnginePreference
}

/** Progress events are merged per run and sent at most this often. */
const PROGRESS_FLUSH_MS = 100
/** How often the service looks for other processes' writes (PRAGMA data_version); views follow within a second. */
const EXTERNAL_POLL_MS = 250
/** Most runs one statistics call will read histories for. */
const MAX_TRAJECTORY_RUNS = 2000

/** A run's progress not yet sent: the run-progress event it will become, less its tag and id. */
type PendingProgress = Omit<Extract<WorkbenchEvent, { type: 'run-progress' }>, 'type' | 'runId'>

/**
 * The back end behind the UI: one object serves the API contract to every
 * transport (Electron IPC, local HTTP). `call` is the only way in: it
 * validates the arguments with the contract's schemas (src/shared/api-schemas.ts),
 * then runs the method's handler on the parsed values.
 */
export class WorkbenchService {
  readonly events = new EventEmitter<{ event: [WorkbenchEvent] }>()
  private readonly store: Store
  private runner: SweepRunner
  private readonly pending = new Map<number, PendingProgress>()
  private readonly handlers: ApiHandlers = this.makeHandlers()
  private flushTimer: NodeJS.Timeout | null = null
  private watchTimer: NodeJS.Timeout | null = null
  private dataVersion = -1
  private closed = false
  private status: Promise<Omit<AppStatus, 'queue' | 'trainableDatasets' | 'stepMs' | 'compute'> & { probeMs: number | null }> | null = null
  private compute: ComputeState = { kind: 'local' }
  /** The cluster's executor while training on one (the runner owns and closes it). */
  private cluster: RemoteExecutor | null = null
  /** Compute switches, one at a time. */
  private switching: Promise<unknown> = Promise.resolve()

  constructor(private readonly opts: ServiceOptions) {
    this.store = openStore(opts.dbPath, { create: true })
    this.runner = this.localRunner()
    this.wireRunnerEvents()
  }

  private localRunner(): SweepRunner {
    return new SweepRunner({ store: this.store, cacheDir: this.opts.cacheDir, workers: this.opts.workers, engine: this.opts.engine })
  }

  /**
   * Switches where runs train. Runs training now stop at their checkpoint and
   * go back to the queue; the new runner takes the queue from there. A Redis
   * that cannot be reached leaves the app on its current compute.
   */
  private switchCompute(choice: ComputeChoice): Promise<ComputeState> {
    const next = this.switching.then(async (): Promise<ComputeState> => {
      if (choice.kind === 'local') {
        if (this.compute.kind === 'local') return this.compute
        await this.replaceRunner(this.localRunner(), null, { kind: 'local' })
        return this.compute
      }
      const target: RedisTarget = parseRedisUrl(choice.url)
      if (this.compute.kind === 'cluster' && this.compute.url === target.display) return this.compute
      const executor = new RemoteExecutor({
        redis: target,
        prefix: queuePrefix(this.opts.dbPath),
        loadDataset: (name) => loadDataset(name, { cacheDir: this.opts.cacheDir })
      })
      let timer: NodeJS.Timeout | undefined
      try {
        await Promise.race([
          executor.ready(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new UserError(`cannot reach Redis at ${target.display} within 10 s`)), 10_000)
          })
        ])
      } catch (err) {
        await executor.close()
        throw err instanceof UserError ? err : new UserError(`cannot use Redis at ${target.display}: ${err instanceof Error ? err.message : String(err)}`)
      } finally {
        clearTimeout(timer)
      }
      const runner = new SweepRunner({ store: this.store, cacheDir: this.opts.cacheDir, executor })
      await this.replaceRunner(runner, executor, { kind: 'cluster', url: target.display })
      return this.compute
    })
    this.switching = next.catch(() => {})
    return next
  }

  private async replaceRunner(runner: SweepRunner, cluster: RemoteExecutor | null, compute: ComputeState): Promise<void> {
    const old = this.runner
    await old.stop()
    old.removeAllListeners()
    this.runner = runner
    this.cluster = cluster
    this.compute = compute
    this.wireRunnerEvents()
    this.runner.start()
    setImmediate(() => {
      if (!this.closed) this.emitEvent({ type: 'queue-changed', queue: this.queueState() })
    })
  }

  private async clusterStatus(): Promise<ClusterStatus> {
    const workers = this.cluster ? await this.cluster.workers().catch(() => []) : []
    return { compute: this.compute, workers }
  }

  /** Restarts interrupted runs and starts training whatever is queued. */
  start(): void {
    this.runner.start()
    this.dataVersion = this.store.dataVersion()
    this.watchTimer = setInterval(() => this.checkExternalWrites(), EXTERNAL_POLL_MS)
    this.watchTimer.unref()
  }

  /**
   * Another process (the CLI, a second app window's server) wrote to the
   * database: tell every view to re-read, report each sweep and the queue
   * afresh, and look for newly queued runs to train.
   */
  checkExternalWrites(): boolean {
    if (this.closed) return false
    const v = this.store.dataVersion()
    if (v === this.dataVersion) return false
    this.dataVersion = v
    for (const sweep of this.store.listSweeps()) this.emitEvent({ type: 'sweep-changed', sweep })
    this.emitEvent({ type: 'queue-changed', queue: this.queueState() })
    this.emitEvent({ type: 'data-changed', source: 'other-process' })
    this.runner.kick()
    return true
  }

  async close(): Promise<void> {
    if (this.watchTimer) clearInterval(this.watchTimer)
    this.watchTimer = null
    await this.runner.stop()
    this.flushProgress()
    this.closed = true
    this.store.close()
  }

  get dbPath(): string {
    return this.opts.dbPath
  }

  /**
   * Validates `args` (the JSON array of arguments) against the method's schema,
   * then runs it. Bad arguments and unknown ids throw a UserError (carrying its
   * HTTP status) whose message names the problem; anything else is a bug.
   */
  async call(method: string, args: unknown): Promise<unknown> {
    if (!Object.hasOwn(API, method)) throw new NotFoundError(`unknown method '${method}'`)
    const schema = API[method as ApiMethod].args
    const parsed = schema.safeParse(Array.isArray(args) ? args : [])
    if (!parsed.success) {
      // Paths start with the argument's index; name the fields, not the tuple slot.
      const issues = parsed.error.issues.map((i) => ({ ...i, path: schema.def.items.length === 1 ? i.path.slice(1) : i.path }))
      throw new UserError(`${method}: ${formatIssues(issues)}`)
    }
    const handler = this.handlers[method as ApiMethod] as (...a: unknown[]) => Promise<unknown>
    return handler(...(parsed.data as unknown[]))
  }

  private emitEvent(event: WorkbenchEvent): void {
    this.events.emit('event', event)
  }

  private wireRunnerEvents(): void {
    const r = this.runner
    r.on('run-started', (run, info) => {
      this.emitEvent({
        type: 'run-started',
        runId: run.id,
        sweepId: run.sweepId,
        engine: info.engine,
        backend: info.backend,
        totalSteps: info.totalSteps,
        lambda: run.lambda,
        dataset: run.dataset,
        resumedAt: info.resumedAt ?? 0
      })
      this.sweepChanged(run.sweepId)
    })
    r.on('run-progress', (e) => {
      const nAlpha = e.chunk.alphas.length / Math.max(1, e.chunk.steps.length)
      const p = this.pending.get(e.runId) ?? { sweepId: e.sweepId, step: 0, totalSteps: e.totalSteps, steps: [], alphas: [], nAlpha, loss: null }
      p.step = e.step
      p.steps.push(...e.chunk.steps)
      p.alphas.push(...e.chunk.alphas)
      const losses = e.chunk.losses
      p.loss = losses.length ? losses[losses.length - 1] : p.loss
      this.pending.set(e.runId, p)
      this.flushTimer ??= setTimeout(() => this.flushProgress(), PROGRESS_FLUSH_MS)
    })
    r.on('run-epoch', (runId, m) => {
      const sweepId = this.pending.get(runId)?.sweepId ?? this.store.getRun(runId)?.sweepId ?? 0
      this.emitEvent({ type: 'run-epoch', runId, sweepId, epoch: m.epoch, trainLoss: m.trainLoss, testLoss: m.testLoss, testAccuracy: m.testAccuracy })
    })
    r.on('run-finished', (runId) => this.runEnded(runId))
    // The database refused writes (disk full, locked): training waits and resumes by itself.
    r.on('stalled', (message) => console.error(`warning: ${message}`))
    r.on('resumed', () => console.error('the database takes writes again: training resumed'))
    r.on('fault', (err) => console.error(`error: training stopped: ${err.message}`))
    r.on('run-failed', (runId, error) => this.runEnded(runId, error))
    r.on('run-stopped', (runId, how) => {
      const run = this.store.getRun(runId)
      if (run) this.emitEvent({ type: 'run-stopped', runId, sweepId: run.sweepId, how })
      this.runEnded(runId)
    })
  }

  private flushProgress(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = null
    for (const [runId, p] of this.pending) {
      this.emitEvent({ type: 'run-progress', runId, ...p })
    }
    this.pending.clear()
  }

  private runEnded(runId: number, error?: string): void {
    this.flushProgress()
    const run = this.store.getRun(runId)
    if (!run) return
    if (error !== undefined) this.emitEvent({ type: 'run-failed', runId, sweepId: run.sweepId, error })
    else if (run.status === 'done') {
      this.emitEvent({ type: 'run-finished', runId, sweepId: run.sweepId, finalAlpha: run.finalAlpha ?? [], testAccuracy: run.testAccuracy })
    }
    this.sweepChanged(run.sweepId)
  }

  private sweepChanged(sweepId: number): void {
    const sweep = this.store.getSweep(sweepId)
    if (sweep) this.emitEvent({ type: 'sweep-changed', sweep })
    // After the current callbacks: a run that just ended has then left its worker slot.
    setImmediate(() => {
      if (!this.closed) this.emitEvent({ type: 'queue-changed', queue: this.queueState() })
    })
  }

  private queueState(): QueueState {
    let queued = 0
    let paused = 0
    for (const s of this.store.listSweeps()) {
      if (s.status === 'queued' || s.status === 'running') queued += s.progress.queued
      else if (s.status === 'paused') paused += s.progress.queued
    }
    return { workers: this.runner.workerCount, running: this.runner.active.length, queued, paused }
  }

  private requireSweep(id: number): SweepRow {
    const sweep = this.store.getSweep(id)
    if (!sweep) throw new NotFoundError(`no sweep #${id}`)
    return sweep
  }

  private requireRun(id: number): RunDetail {
    const run = this.store.getRun(id)
    if (!run) throw new NotFoundError(`no run #${id}`)
    return run
  }

  /** ms per step measured on finished runs here (training + evaluation), else a short probe. */
  private recentStepMs(): number | null {
    const recent = this.store.listRuns({ status: 'done', orderBy: 'finishedAt', descending: true, limit: 20 }).runs
    // Short runs are dominated by start-up (dataset load, thread start): they would mislead.
    const timed = recent.filter((r) => !r.imported && r.startedAt && r.finishedAt && (r.stepsPlanned ?? 0) >= 500)
    if (timed.length === 0) return null
    const ms = timed.reduce((s, r) => s + (r.finishedAt! - r.startedAt!) / r.stepsPlanned!, 0) / timed.length
    return Math.round(ms * 1000) / 1000
  }

  private async appStatus(): Promise<AppStatus> {
    this.status ??= (async () => {
      // TF.js loads on first need (the status bar's first call), not when the service is constructed.
      const { initTfjs } = await import('./engine/tfjs-backend')
      const tfjs = await initTfjs()
      const choice = await chooseEngine(this.opts.engine ?? 'auto', PAPER_NETWORK)
      return {
        engine: { engine: choice.kind, backend: choice.backend, tfjsBackend: tfjs.active, notes: choice.notes },
        versions: { ...versions() },
        dbPath: this.opts.dbPath,
        probeMs: await measureStepMs(choice)
      }
    })()
    const { probeMs, ...base } = await this.status
    const imported = cacheState(this.opts.cacheDir).map((c) => c.name)
    return {
      ...base,
      compute: this.compute,
      queue: this.queueState(),
      stepMs: this.recentStepMs() ?? probeMs,
      trainableDatasets: [...new Set([...listBundledDatasets(), ...availableOfficial(), ...imported])]
    }
  }

  /** Runs a sweep control, then answers with the sweep as it is now. */
  private control(id: number, action: (id: number) => void): SweepRow {
    this.requireSweep(id)
    action(id)
    this.sweepChanged(id)
    return this.requireSweep(id)
  }

  /** The statistics' filter, each named sweep checked to exist (404 otherwise). */
  private statsFilter(q: StatsFilter): FinalAlphaQuery {
    for (const id of [...(q.sweepId === undefined ? [] : [q.sweepId]), ...(q.sweepIds ?? [])]) this.requireSweep(id)
    return { sweepId: q.sweepId, sweepIds: q.sweepIds?.length ? q.sweepIds : undefined, datasets: q.datasets?.length ? q.datasets : undefined }
  }

  /** The finished runs a statistic reads, each experiment once. */
  private finalAlphas(q: StatsFilter): FinalAlphaRow[] {
    return statisticRows(this.store, this.statsFilter(q)).rows
  }

  /** The contract's calls. Each receives its arguments already parsed by `call` (defaults filled in). */
  private makeHandlers(): ApiHandlers {
    return {
      getStatus: async () => this.appStatus(),
      setCompute: async (choice) => this.switchCompute(choice),
      getCluster: async () => this.clusterStatus(),

      queueSweep: async (spec) => {
        const { sweep, notes } = await queueSweep(this.store, spec, { cacheDir: this.opts.cacheDir })
        this.runner.kick()
        this.sweepChanged(sweep.id)
        return { ...(this.store.getSweep(sweep.id) ?? sweep), ...(notes.length ? { notes } : {}) }
      },

      listSweeps: async () => this.store.listSweeps(),
      pauseSweep: async (id) => this.control(id, (i) => this.runner.pauseSweep(i)),
      resumeSweep: async (id) => this.control(id, (i) => this.runner.resumeSweep(i)),
      cancelSweep: async (id) => this.control(id, (i) => this.runner.cancelSweep(i)),

      deleteSweep: async (id) => {
        this.requireSweep(id)
        this.store.deleteSweep(id)
        this.emitEvent({ type: 'queue-changed', queue: this.queueState() })
        this.emitEvent({ type: 'data-changed', source: 'delete' })
      },

      renameSweep: async (id, name) => {
        this.requireSweep(id)
        this.store.renameSweep(id, name)
        this.sweepChanged(id)
        // Run lists show sweep names too.
        this.emitEvent({ type: 'data-changed', source: 'edit' })
        return this.requireSweep(id)
      },

      listDatasets: async () => this.store.listDatasets(),
      listRuns: async (query) => this.store.listRuns(query),
      getRun: async (id) => this.requireRun(id),
      getAlphaHistory: async (runIds, q) => this.store.getAlphaHistory(runIds, q),

      getEpochMetrics: async (runId) => {
        this.requireRun(runId)
        return this.store.getEpochMetrics(runId)
      },

      rerun: async (runId) => {
        const run = this.requireRun(runId)
        if (!run.config) throw new UserError(`run #${runId} was imported from a CSV and has no training config to re-run`)
        const { sweep } = this.store.createSweep({ name: `re-run of #${runId}`, spec: { rerunOf: runId, config: run.config } }, [
          {
            datasetId: run.datasetId,
            lambda: run.lambda,
            runIndex: run.runIndex,
            seeds: run.seeds,
            config: run.config,
            stepsPlanned: run.stepsPlanned,
            alphaCount: alphaCount(run.config.network),
            alphaInit: run.alphaInit
          }
        ])
        this.runner.kick()
        this.sweepChanged(sweep.id)
        return this.requireSweep(sweep.id)
      },

      cancelRun: async (runId) => {
        const run = this.requireRun(runId)
        this.runner.cancelRun(runId)
        this.sweepChanged(run.sweepId)
      },

      editRun: async (runId, edit) => {
        this.requireRun(runId)
        this.store.editRun(runId, edit)
        this.emitEvent({ type: 'data-changed', source: 'edit' })
        return this.requireRun(runId)
      },

      listRunTags: async () => this.store.listTags(),

      deleteRun: async (runId) => {
        const run = this.requireRun(runId)
        // Refused while it trains (cancel it first), by the store, inside the delete's transaction.
        this.store.deleteRun(runId)
        this.sweepChanged(run.sweepId)
        this.emitEvent({ type: 'data-changed', source: 'delete' })
      },

      retryRun: async (runId) => {
        const run = this.requireRun(runId)
        this.store.retryRun(runId)
        this.sweepChanged(run.sweepId)
        this.runner.kick()
        return this.requireRun(runId)
      },

      getCollapseStats: async (q) => collectCollapse(this.store, { ...this.statsFilter(q), threshold: q.threshold, pool: q.pool }),
      getHistograms: async (q) => finalAlphaHistograms(this.finalAlphas(q), { bins: q.bins, threshold: q.threshold > 0 && q.threshold < 1 ? q.threshold : undefined }),
      getFinalAlphaPoints: async (q) => finalAlphaVsLambda(this.finalAlphas(q)),
      getInitFinalPairs: async (q) => initialVsFinal(this.finalAlphas(q)),

      getDoseFits: async (q) => collectFits(this.store, { ...this.statsFilter(q), threshold: q.threshold, pool: q.pool }),
      getSurvival: async (q) => collectSurvival(this.store, { ...this.statsFilter(q), threshold: q.threshold, pool: q.pool }),
      getRunCollapse: async (q) => collectRunCollapse(this.store, { ...this.statsFilter(q), threshold: q.threshold, pool: q.pool }),
      getReport: async (q) => {
        const filter = this.statsFilter(q)
        if (this.store.listFinalAlphasLean(filter).length === 0) throw new UserError('no finished runs match: nothing to report')
        const html = renderReport(this.store, { ...filter, threshold: q.threshold, pool: q.pool })
        return { fileName: `alpha-workbench-report${q.sweepId !== undefined ? `-sweep-${q.sweepId}` : ''}.html`, mime: 'text/html', text: html }
      },

      getMeanTrajectories: async (q) => {
        const rows = this.finalAlphas(q).slice(0, MAX_TRAJECTORY_RUNS)
        const byId = new Map(rows.map((r) => [r.runId, r]))
        const series = rows.length ? this.store.getAlphaHistory(rows.map((r) => r.runId), { maxPoints: q.maxPoints }) : []
        const grouped: GroupedSeries[] = series.map((s) => ({ dataset: byId.get(s.runId)!.dataset, lambda: byId.get(s.runId)!.lambda, series: s }))
        return meanTrajectories(grouped)
      },

      importCsv: async (file) => {
        const dataset = file.name ?? basename(file.fileName, extname(file.fileName))
        // Parsed and written on a worker thread: a 200 MB file must not freeze the UI, the API or training.
        const r = await importCsvOffThread(this.store, file.text, { datasetName: dataset, fileName: file.fileName })
        // The thread wrote through its own connection, so data_version moved; it is our own write, and the
        // data-changed sent below also covers any other process's write that landed meanwhile.
        if (this.dataVersion !== -1) this.dataVersion = this.store.dataVersion()
        this.sweepChanged(r.sweepId)
        this.emitEvent({ type: 'data-changed', source: 'import' })
        return { dataset, sweepId: r.sweepId, runs: r.runIds.length, records: r.records, skipped: r.skipped }
      },

      exportSweep: async (id, format) => {
        const sweep = this.requireSweep(id)
        const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_')
        if (format === 'json') {
          return [{ fileName: `sweep-${id}-${safe(sweep.name)}.json`, mime: 'application/json', text: JSON.stringify(exportSweepJson(this.store, id)) }]
        }
        return exportSweepCsv(this.store, id).map((f) => ({ fileName: `${safe(f.dataset)}.csv`, mime: 'text/csv', text: f.csv }))
      }
    }
  }
}
