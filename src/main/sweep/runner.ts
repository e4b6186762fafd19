import { EventEmitter } from 'node:events'
import type { EngineInfo, RunDetail } from '../../shared/results'
import { RunGoneError, type Store } from '../store'
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
  /** How often a runner the database stalled (disk full, locked) tries again; default 5 s. */
  stallRetryMs?: number
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
  /** The last run in training ended (queued runs may remain): what stop() waits for. */
  drained: []
  /**
   * The database refused writes for a while (disk full, locked past the busy
   * timeout): training is paused with this message and resumes by itself once a
   * write succeeds again ('resumed').
   */
  stalled: [message: string]
  resumed: []
  /** A fault that stops this runner (a corrupt file, say): the caller should stop it and report. */
  fault: [error: Error]
}

/**
 * cancel / requeue: asked for here. abandon: the run was taken from this
 * process elsewhere (cancelled from the app while a CLI trains it, reset by
 * `--force-reset`), so nothing more is written for it.
 */
type StopIntent = 'cancel' | 'requeue' | 'abandon'

/** How often a stalled runner tries the database again. */
const STALL_RETRY_MS = 5_000

function sqliteCode(e: unknown): string {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : ''
}

/** Write failures that go away by themselves: a full disk, a lock held past the busy timeout. */
export function isTransientWriteError(e: unknown): boolean {
  const code = sqliteCode(e)
  return code === 'SQLITE_FULL' || code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code === 'SQLITE_IOERR_WRITE' || /ENOSPC|disk is full|database is locked/i.test(e instanceof Error ? e.message : '')
}

/** The run is no longer this process's (cancelled, reset or deleted elsewhere). */
function isGoneError(e: unknown): boolean {
  return e instanceof RunGoneError
}

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
  /** Why training is paused by the database, or null. */
  private stall: string | null = null
  private stallTimer: NodeJS.Timeout | null = null
  /** Runs stopped by a stall whose requeue could not be written yet. */
  private readonly pendingRequeue = new Set<number>()

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

  /**
   * Restarts runs a crashed process left half-trained, then starts training.
   * `forceReset` also takes runs whose owner looks alive (sweep --resume --force-reset).
   */
  start(opts: { forceReset?: boolean } = {}): number[] {
    const reset = this.opts.store.resetInterrupted({ sweepId: this.opts.sweepId, all: opts.forceReset })
    this.kick()
    return reset
  }

  /** Why the database paused training (disk full, locked), or null while it trains normally. */
  get stalled(): string | null {
    return this.stall
  }

  /** Claims queued runs while the executor has room; call after queueing or resuming. Never throws. */
  kick(): void {
    if (this.stopping || this.filling || this.stall) return
    this.filling = true
    try {
      while (this.running.size < this.executor.capacity) {
        const run = this.opts.store.claimNextRun({ sweepId: this.opts.sweepId })
        if (!run) break
        this.train(run)
      }
    } catch (err) {
      this.storeFailed(err)
    } finally {
      this.filling = false
    }
    if (!this.busy && !this.stall) this.emit('idle')
  }

  /**
   * A store write failed outside any one run's bookkeeping. Transient
   * (full, busy): stall and retry. Anything else: a fault the owner must act on.
   */
  private storeFailed(err: unknown): void {
    if (isTransientWriteError(err)) return this.enterStall(err)
    const error = err instanceof Error ? err : new Error(String(err))
    if (this.listenerCount('fault') > 0) this.emit('fault', error)
    else console.error(`training stopped: ${error.message}`)
  }

  private enterStall(err: unknown): void {
    const reason = err instanceof Error ? err.message : String(err)
    if (!this.stall) {
      this.stall = `database ${this.opts.store.path} refused a write (${reason}): training is paused and resumes by itself once writes succeed again (free some disk space, or end the other process's long write)`
      this.emit('stalled', this.stall)
    }
    // Everything training stops and goes back to the queue (as soon as that can be written).
    for (const run of this.running.values()) this.pendingRequeue.add(run.id)
    this.stopRuns(() => true, 'requeue')
    this.stallTimer ??= setTimeout(() => this.retryStall(), this.opts.stallRetryMs ?? STALL_RETRY_MS)
  }

  private retryStall(): void {
    this.stallTimer = null
    if (this.stopping) return
    try {
      for (const id of this.pendingRequeue) {
        if (this.running.has(id)) continue
        this.requeueIfMine(id)
        this.pendingRequeue.delete(id)
      }
      if (this.pendingRequeue.size === 0) {
        // A write that proves the file takes writes again, then back to training.
        this.opts.store.resetInterrupted({ sweepId: this.opts.sweepId })
        this.stall = null
        this.emit('resumed')
        this.kick()
        return
      }
    } catch (err) {
      if (!isTransientWriteError(err)) return this.storeFailed(err)
    }
    this.stallTimer = setTimeout(() => this.retryStall(), this.opts.stallRetryMs ?? STALL_RETRY_MS)
  }

  private requeueIfMine(runId: number): void {
    try {
      this.opts.store.requeueRun(runId)
    } catch (err) {
      if (!isGoneError(err)) throw err
    }
  }

  /**
   * The run's bookkeeping failed. Gone elsewhere: stop quietly. Transient:
   * stall. Otherwise the run fails with the store's message. Never throws: it
   * runs in the executor's message handlers, where a throw would be uncaught.
   */
  private runWriteFailed(run: RunDetail, err: unknown): void {
    if (isGoneError(err)) {
      this.stopIntents.set(run.id, 'abandon')
      this.executor.cancel(run.id)
    } else if (isTransientWriteError(err)) {
      this.enterStall(err)
    } else {
      this.stopIntents.set(run.id, 'abandon')
      this.executor.cancel(run.id)
      this.guard(run, () => this.opts.store.failRun(run.id, `storing its results failed: ${err instanceof Error ? err.message : String(err)}`))
    }
  }

  /** Runs a store write for `run`; a failure goes to runWriteFailed. Returns whether it succeeded. */
  private guard(run: RunDetail, write: () => void): boolean {
    try {
      write()
      return true
    } catch (err) {
      if (this.stopIntents.get(run.id) === 'abandon' && !isTransientWriteError(err)) {
        if (!isGoneError(err)) console.error(`run ${run.id}: ${err instanceof Error ? err.message : String(err)}`)
        return false
      }
      this.runWriteFailed(run, err)
      return false
    }
  }

  /** Resolves when the queue is empty and nothing is training. */
  whenIdle(): Promise<void> {
    if (!this.busy && !this.stall) return Promise.resolve()
    return new Promise((resolve) => this.once('idle', resolve))
  }

  private train(run: RunDetail): void {
    const { store } = this.opts
    if (!run.config) {
      this.guard(run, () => store.failRun(run.id, 'run has no training config (imported runs cannot be trained)'))
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
        if (!this.guard(run, () => store.appendHistory(run.id, chunk, checkpoint))) return
        const step = chunk.steps.length ? chunk.steps[chunk.steps.length - 1] : 0
        this.emit('run-progress', { runId: run.id, sweepId: run.sweepId, step, totalSteps, chunk })
      },
      onEpoch: (metrics: TrainedEpoch, checkpoint?: TrainCheckpoint) => {
        if (this.stopIntents.has(run.id)) return
        if (this.guard(run, () => store.addEpochMetrics(run.id, [metrics], checkpoint))) this.emit('run-epoch', run.id, metrics)
      },
      onRestart: () => {
        if (!this.stopIntents.has(run.id)) this.guard(run, () => store.restartRun(run.id))
      }
    }
    const resume = store.getCheckpoint(run.id) ?? undefined
    this.executor
      .execute({ id: run.id, sweepId: run.sweepId, config: run.config, resume }, handlers)
      .then(
        (execution) => this.finish(run, execution),
        (err: unknown) => {
          const message = err instanceof Error ? err.message : String(err)
          const intent = this.stopIntents.get(run.id)
          if (intent === 'abandon') return this.emitStopped(run.id)
          if (intent === 'requeue') {
            // Stopped on purpose (pause, stall, shutdown) and failing on the way out: back in the queue, not failed.
            if (this.guard(run, () => this.requeueIfMine(run.id))) this.pendingRequeue.delete(run.id)
            return this.emit('run-stopped', run.id, 'requeued')
          }
          this.guard(run, () => store.failRun(run.id, message, this.engineInfo.get(run.id)))
          this.emit('run-failed', run.id, message)
        }
      )
      .catch((err: unknown) => console.error(`run ${run.id}: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.stopIntents.delete(run.id)
        this.engineInfo.delete(run.id)
        this.running.delete(run.id)
        this.executor.release?.(run.id)
        if (this.running.size === 0) this.emit('drained')
        this.kick()
      })
  }

  private finish(run: RunDetail, execution: Execution): void {
    const { store } = this.opts
    const { outcome } = execution
    const intent = this.stopIntents.get(run.id)
    if (intent === 'abandon') return this.emitStopped(run.id)
    if (outcome.cancelled || intent) {
      if (intent === 'cancel') {
        if (!this.guard(run, () => store.cancelRun(run.id))) return
      } else if (this.guard(run, () => this.requeueIfMine(run.id))) this.pendingRequeue.delete(run.id)
      this.emit('run-stopped', run.id, intent === 'cancel' ? 'cancelled' : 'requeued')
      return
    }
    const last = outcome.epochs.at(-1)
    const diverged = divergence(outcome)
    const result = {
      finalAlpha: outcome.finalAlpha,
      testAccuracy: last?.testAccuracy ?? null,
      engine: this.engineInfo.get(run.id),
      worker: execution.worker,
      ...(diverged ? { diverged } : {})
    }
    const stored = this.guard(run, () => {
      if (execution.history) store.finishRun(run.id, result, undefined, { history: execution.history, epochs: outcome.epochs })
      else store.finishRun(run.id, result)
    })
    if (stored) this.emit('run-finished', run.id, outcome)
    else if (this.stopIntents.get(run.id) === 'abandon') this.emitStopped(run.id)
  }

  /** A run taken elsewhere: tell listeners how it ended up (cancelled there, or back in the queue). */
  private emitStopped(runId: number): void {
    let status: string | undefined
    try {
      status = this.opts.store.getRun(runId)?.status
    } catch {
      status = undefined
    }
    this.emit('run-stopped', runId, status === 'queued' ? 'requeued' : 'cancelled')
  }

  private stopRuns(pred: (run: RunDetail) => boolean, intent: StopIntent): void {
    for (const run of this.running.values()) {
      if (pred(run) && this.stopIntents.get(run.id) !== 'abandon') {
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
      if (this.stallTimer) clearTimeout(this.stallTimer)
      this.stallTimer = null
      this.stopRuns(() => true, 'requeue')
      await this.whenDrained()
      await this.executor.close()
    })()
    return this.stopped
  }

  /** Resolves once nothing is training (queued runs may remain). */
  private whenDrained(): Promise<void> {
    if (!this.busy) return Promise.resolve()
    return new Promise((resolve) => this.once('drained', resolve))
  }
}

/** A loss this large means training blew up (cross-entropy over 10 classes starts near 2.3). */
export const DIVERGED_LOSS = 1e6

/** Why a finished run counts as diverged (a non-finite or exploded loss, a non-finite α), or null. */
export function divergence(outcome: TrainOutcome): string | null {
  for (const e of outcome.epochs) {
    for (const [what, v] of [
      ['train loss', e.trainLoss],
      ['test loss', e.testLoss]
    ] as const) {
      if (v !== null && !(Math.abs(v) < DIVERGED_LOSS)) return `diverged: ${what} ${Number.isFinite(v) ? v.toExponential(2) : v} after epoch ${e.epoch}`
    }
  }
  const bad = outcome.finalAlpha.find((a) => !Number.isFinite(a))
  if (bad !== undefined) return `diverged: final α ${bad}`
  return null
}

/** Versions stored with each run: what actually trained it (Electron only when it is the host). */
function stringVersions(): Record<string, string> {
  const v = versions()
  const out: Record<string, string> = {}
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string' && (k !== 'electron' || v.electronRunning)) out[k] = val
  return out
}
