import { EventEmitter } from 'node:events'
import type { EngineInfo, RunDetail } from '../../shared/results'
import type { Store } from '../store'
import type { EnginePreference } from '../engine/select'
import type { TfjsBackendName } from '../engine/tfjs-backend'
import type { TrainedEpoch, TrainedChunk, TrainCheckpoint, TrainOutcome } from '../engine/trainer'
import type { RunStartInfo } from '../engine/worker-protocol'
import { versions } from '../versions'
import { LocalExecutor, type Execution, type RunExecutor } from './executor'

export interface RunnerOptions {
  store: Store
  cacheDir: string
  /** Parallel training threads of the default local executor; default: one per core. */
  workers?: number
  engine?: EnginePreference
  tfjsBackend?: TfjsBackendName
  /** Only train this sweep's runs (default: the whole queue, oldest first). */
  sweepId?: number
  /** Where runs train; default: this machine's worker threads (LocalExecutor). */
  executor?: RunExecutor
}

export interface RunProgressEvent {
  runId: number
  sweepId: number
  step: number
  totalSteps: number
  /** Recorded rows of this chunk (steps and α, row-major). */
  chunk: TrainedChunk
}

export interface RunnerEvents {
  'run-started': [run: RunDetail, info: RunStartInfo]
  'run-progress': [event: RunProgressEvent]
  'run-epoch': [runId: number, metrics: TrainedEpoch]
  'run-finished': [runId: number, outcome: TrainOutcome]
  'run-failed': [runId: number, error: string]
  /** A run was stopped: 'cancelled' for good, or 'requeued' to train again later (pause, shutdown). */
  'run-stopped': [runId: number, how: 'cancelled' | 'requeued']
  /** Nothing queued and nothing training. */
  idle: []
}

type StopIntent = 'cancel' | 'requeue'

/**
 * Trains queued runs through an executor (this machine's worker threads, or
 * remote workers) and does all the bookkeeping: claims runs, writes every
 * chunk of α history to the store as it arrives, and marks a run done only
 * with its last rows (or, when the executor hands back the whole history, by
 * storing that in the same transaction).
 */
export class SweepRunner extends EventEmitter<RunnerEvents> {
  readonly executor: RunExecutor
  private readonly running = new Map<number, RunDetail>()
  private readonly stopIntents = new Map<number, StopIntent>()
  private engineInfo = new Map<number, EngineInfo>()
  private stopping = false
  private stopped: Promise<void> | null = null
  private filling = false

  constructor(private readonly opts: RunnerOptions) {
    super()
    this.executor =
      opts.executor ?? new LocalExecutor({ cacheDir: opts.cacheDir, workers: opts.workers, engine: opts.engine, tfjsBackend: opts.tfjsBackend })
    this.executor.onCapacity?.(() => this.kick())
  }

  /** How many runs train at once (threads, or runs in flight on the cluster). */
  get workerCount(): number {
    return this.executor.capacity
  }

  /** Runs currently training. */
  get active(): RunDetail[] {
    return [...this.running.values()]
  }

  get busy(): boolean {
    return this.running.size > 0
  }

  /** Restarts runs a crashed process left half-trained, then starts training. */
  start(): number[] {
    const reset = this.opts.store.resetInterrupted({ sweepId: this.opts.sweepId })
    this.kick()
    return reset
  }

  /** Claims queued runs while the executor has room; call after queueing or resuming. */
  kick(): void {
    if (this.stopping || this.filling) return
    this.filling = true
    try {
      while (this.running.size < this.executor.capacity) {
        const run = this.opts.store.claimNextRun({ sweepId: this.opts.sweepId })
        if (!run) break
        this.train(run)
      }
    } finally {
      this.filling = false
    }
    if (!this.busy) this.emit('idle')
  }

  /** Resolves when the queue is empty and nothing is training. */
  whenIdle(): Promise<void> {
    if (!this.busy) return Promise.resolve()
    return new Promise((resolve) => this.once('idle', resolve))
  }

  private train(run: RunDetail): void {
    const { store } = this.opts
    if (!run.config) {
      store.failRun(run.id, 'run has no training config (imported runs cannot be trained)')
      return
    }
    this.running.set(run.id, run)
    const handlers = {
      onStarted: (info: RunStartInfo) => {
        this.engineInfo.set(run.id, { engine: info.engine, backend: info.backend, versions: stringVersions() })
        this.emit('run-started', run, info)
      },
      onChunk: (chunk: TrainedChunk, totalSteps: number, checkpoint?: TrainCheckpoint) => {
        if (this.stopIntents.has(run.id)) return
        store.appendHistory(run.id, chunk, checkpoint)
        const step = chunk.steps.length ? chunk.steps[chunk.steps.length - 1] : 0
        this.emit('run-progress', { runId: run.id, sweepId: run.sweepId, step, totalSteps, chunk })
      },
      onEpoch: (metrics: TrainedEpoch, checkpoint?: TrainCheckpoint) => {
        if (this.stopIntents.has(run.id)) return
        store.addEpochMetrics(run.id, [metrics], checkpoint)
        this.emit('run-epoch', run.id, metrics)
      },
      onRestart: () => {
        if (!this.stopIntents.has(run.id)) store.restartRun(run.id)
      }
    }
    const resume = store.getCheckpoint(run.id) ?? undefined
    this.executor
      .execute({ id: run.id, sweepId: run.sweepId, config: run.config, resume }, handlers)
      .then((execution) => this.finish(run, execution))
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err)
        if (this.stopIntents.get(run.id) === 'requeue') store.requeueRun(run.id)
        else store.failRun(run.id, message, this.engineInfo.get(run.id))
        this.emit('run-failed', run.id, message)
      })
      .finally(() => {
        this.stopIntents.delete(run.id)
        this.engineInfo.delete(run.id)
        this.running.delete(run.id)
        this.executor.release?.(run.id)
        this.kick()
      })
  }

  private finish(run: RunDetail, execution: Execution): void {
    const { store } = this.opts
    const { outcome } = execution
    const intent = this.stopIntents.get(run.id)
    if (outcome.cancelled || intent) {
      if (intent === 'cancel') store.cancelRun(run.id)
      else store.requeueRun(run.id)
      this.emit('run-stopped', run.id, intent === 'cancel' ? 'cancelled' : 'requeued')
      return
    }
    const last = outcome.epochs.at(-1)
    const result = { finalAlpha: outcome.finalAlpha, testAccuracy: last?.testAccuracy ?? null, engine: this.engineInfo.get(run.id), worker: execution.worker }
    if (execution.history) store.finishRun(run.id, result, undefined, { history: execution.history, epochs: outcome.epochs })
    else store.finishRun(run.id, result)
    this.emit('run-finished', run.id, outcome)
  }

  private stopRuns(pred: (run: RunDetail) => boolean, intent: StopIntent): void {
    for (const run of this.running.values()) {
      if (pred(run)) {
        this.stopIntents.set(run.id, intent)
        this.executor.cancel(run.id)
      }
    }
  }

  /** Pauses a sweep: its queued runs wait, its running runs stop at their checkpoint and go back to the queue. */
  pauseSweep(sweepId: number): void {
    this.opts.store.pauseSweep(sweepId)
    this.stopRuns((r) => r.sweepId === sweepId, 'requeue')
  }

  resumeSweep(sweepId: number): void {
    this.opts.store.resumeSweep(sweepId)
    this.kick()
  }

  /** Cancels a sweep: queued runs are cancelled, running ones stop; finished runs are kept. */
  cancelSweep(sweepId: number): void {
    const running = new Set(this.opts.store.cancelSweep(sweepId))
    this.stopRuns((r) => running.has(r.id), 'cancel')
  }

  cancelRun(runId: number): void {
    if (this.running.has(runId)) this.stopRuns((r) => r.id === runId, 'cancel')
    else this.opts.store.cancelRun(runId)
  }

  /**
   * Stops cleanly (Ctrl-C, app quit): running runs stop at their next chunk
   * and go back to the queue at their last checkpoint (stored with their last
   * chunk), so a later start continues them from there.
   */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true
      this.stopRuns(() => true, 'requeue')
      await this.whenIdleOrSettled()
      await this.executor.close()
    })()
    return this.stopped
  }

  private whenIdleOrSettled(): Promise<void> {
    if (!this.busy) return Promise.resolve()
    return new Promise((resolve) => {
      const check = (): void => {
        if (!this.busy) resolve()
        else setTimeout(check, 10)
      }
      check()
    })
  }
}

/** Versions stored with each run: what actually trained it (Electron only when it is the host). */
function stringVersions(): Record<string, string> {
  const v = versions()
  const out: Record<string, string> = {}
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string' && (k !== 'electron' || v.electronRunning)) out[k] = val
  return out
}
