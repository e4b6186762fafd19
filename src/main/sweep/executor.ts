/**
 * Where a claimed run trains. The sweep runner owns the bookkeeping (claims,
 * SQLite writes, "done only with its full history", events); an executor only
 * trains: on this machine's worker threads (LocalExecutor) or on remote
 * workers through BullMQ (cluster/remote-executor.ts). So the rest of the app
 * does not care where a run trains.
 */
import { cpus, hostname } from 'node:os'
import type { TrainConfig } from '../../shared/config'
import type { EnginePreference } from '../engine/select'
import type { TfjsBackendName } from '../engine/tfjs-backend'
import type { TrainedEpoch, TrainedChunk, TrainCheckpoint, TrainOutcome } from '../engine/trainer'
import { TrainWorker } from '../engine/worker-client'
import type { RunStartInfo } from '../engine/worker-protocol'

/** What an executor needs to know of a claimed run. */
export interface ExecRun {
  id: number
  sweepId: number
  config: TrainConfig
  /**
   * Where the run stopped last time (pause, Ctrl-C, a crash): continue from
   * here; the store holds its history up to this step. An executor that cannot
   * continue from it must call onRestart before delivering any chunk.
   */
  resume?: TrainCheckpoint
}

export interface ExecHandlers {
  onStarted?(info: RunStartInfo): void
  /** A chunk of history that continues what was delivered before for this run. */
  onChunk?(chunk: TrainedChunk, totalSteps: number, checkpoint?: TrainCheckpoint): void
  onEpoch?(metrics: TrainedEpoch, checkpoint?: TrainCheckpoint): void
  /** The run started over (e.g. a remote worker died and another took it): drop what was delivered. */
  onRestart?(): void
}

export interface Execution {
  outcome: TrainOutcome
  /**
   * The run's whole recorded history, when the executor could not guarantee
   * delivering every chunk live (remote); the runner then stores this instead
   * of what arrived through onChunk, in the transaction that marks it done.
   */
  history?: TrainedChunk
  /** Which worker trained it ("host/pid" for a remote worker, "local@host" here). */
  worker: string
}

export interface RunExecutor {
  /** How many runs the runner may hand over at once (may change; `onCapacity` tells). */
  readonly capacity: number
  /** "N threads" / "cluster at redis://host:port": for labels. */
  readonly label: string
  execute(run: ExecRun, handlers: ExecHandlers): Promise<Execution>
  /** Stops a run at its next chunk; its execute() resolves with outcome.cancelled. */
  cancel(runId: number): void
  /** The runner has recorded how the run ended; the executor may forget it (a remote job is removed). */
  release?(runId: number): void
  /** Called by the runner so the executor can ask for more runs when its capacity grows. */
  onCapacity?(listener: () => void): void
  close(): Promise<void>
}

export interface LocalExecutorOptions {
  cacheDir: string
  /** Parallel training threads; default: one per core. */
  workers?: number
  engine?: EnginePreference
  tfjsBackend?: TfjsBackendName
}

/** Trains on this machine: one run per worker thread, one thread per core by default. */
export class LocalExecutor implements RunExecutor {
  private readonly threads: { worker: TrainWorker; runId: number | null }[]
  private readonly worker = `local@${hostname()}`

  constructor(opts: LocalExecutorOptions) {
    const n = Math.max(1, opts.workers ?? cpus().length)
    this.threads = Array.from({ length: n }, () => ({
      worker: new TrainWorker({ cacheDir: opts.cacheDir, engine: opts.engine, tfjsBackend: opts.tfjsBackend }),
      runId: null
    }))
  }

  get capacity(): number {
    return this.threads.length
  }

  get label(): string {
    return `${this.threads.length} thread${this.threads.length === 1 ? '' : 's'}`
  }

  async execute(run: ExecRun, handlers: ExecHandlers): Promise<Execution> {
    const thread = this.threads.find((t) => t.runId === null)
    if (!thread) throw new Error(`no idle training thread for run ${run.id} (all ${this.threads.length} busy)`)
    thread.runId = run.id
    try {
      const outcome = await thread.worker.run(run.id, run.config, handlers, run.resume)
      return { outcome, worker: this.worker }
    } finally {
      thread.runId = null
    }
  }

  cancel(runId: number): void {
    this.threads.find((t) => t.runId === runId)?.worker.cancel(runId)
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.close()))
  }
}
