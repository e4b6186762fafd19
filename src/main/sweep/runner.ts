import { EventEmitter } from 'node:events'
import { cpus } from 'node:os'
import type { EngineInfo, RunDetail } from '../../shared/results'
import type { Store } from '../store'
import type { EnginePreference } from '../engine/select'
import type { TfjsBackendName } from '../engine/tfjs-backend'
import type { EpochMetrics, HistoryChunk, TrainOutcome } from '../engine/trainer'
import { TrainWorker } from '../engine/worker-client'
import type { RunStartInfo } from '../engine/worker-protocol'
import { versions } from '../versions'

export interface RunnerOptions {
  store: Store
  cacheDir: string
  /** Parallel training threads; default: one per core. */
  workers?: number
  engine?: EnginePreference
  tfjsBackend?: TfjsBackendName
  /** Only train this sweep's runs (default: the whole queue, oldest first). */
  sweepId?: number
}

export interface RunProgressEvent {
  runId: number
  sweepId: number
  step: number
  totalSteps: number
  /** Recorded rows of this chunk (steps and α, row-major). */
  chunk: HistoryChunk
}

export interface RunnerEvents {
  'run-started': [run: RunDetail, info: RunStartInfo]
  'run-progress': [event: RunProgressEvent]
  'run-epoch': [runId: number, metrics: EpochMetrics]
  'run-finished': [runId: number, outcome: TrainOutcome]
  'run-failed': [runId: number, error: string]
  /** A run was stopped: 'cancelled' for good, or 'requeued' to train again later (pause, shutdown). */
  'run-stopped': [runId: number, how: 'cancelled' | 'requeued']
  /** Nothing queued and nothing training. */
  idle: []
}

type StopIntent = 'cancel' | 'requeue'

interface Slot {
  worker: TrainWorker
  run: RunDetail | null
  sweepId: number | null
}

/**
 * Trains queued runs on a pool of worker threads (one run per thread, one
 * thread per core by default) and writes every chunk of α history to the
 * store as it arrives; a run is marked done only with its last rows.
 */
export class SweepRunner extends EventEmitter<RunnerEvents> {
  private readonly slots: Slot[]
  private readonly stopIntents = new Map<number, StopIntent>()
  private engineInfo = new Map<number, EngineInfo>()
  private stopping = false
  private stopped: Promise<void> | null = null
  private filling = false

  constructor(private readonly opts: RunnerOptions) {
    super()
    const n = Math.max(1, opts.workers ?? cpus().length)
    this.slots = Array.from({ length: n }, () => ({
      worker: new TrainWorker({ cacheDir: opts.cacheDir, engine: opts.engine, tfjsBackend: opts.tfjsBackend }),
      run: null,
      sweepId: null
    }))
  }

  get workerCount(): number {
    return this.slots.length
  }

  /** Runs currently training, by slot. */
  get active(): RunDetail[] {
    return this.slots.flatMap((s) => (s.run ? [s.run] : []))
  }

  get busy(): boolean {
    return this.slots.some((s) => s.run)
  }

  /** Restarts runs a crashed process left half-trained, then starts training. */
  start(): number[] {
    const reset = this.opts.store.resetInterrupted({ sweepId: this.opts.sweepId })
    this.kick()
    return reset
  }

  /** Looks for queued runs for every idle thread; call after queueing or resuming. */
  kick(): void {
    if (this.stopping || this.filling) return
    this.filling = true
    try {
      for (const slot of this.slots) {
        if (slot.run) continue
        const run = this.opts.store.claimNextRun({ sweepId: this.opts.sweepId })
        if (!run) break
        this.train(slot, run)
      }
    } finally {
      this.filling = false
    }
    if (!this.busy) this.emit('idle')
  }

  /** Resolves when the queue is empty and every thread is idle. */
  whenIdle(): Promise<void> {
    if (!this.busy) return Promise.resolve()
    return new Promise((resolve) => this.once('idle', resolve))
  }

  private train(slot: Slot, run: RunDetail): void {
    slot.run = run
    slot.sweepId = run.sweepId
    const { store } = this.opts
    if (!run.config) {
      store.failRun(run.id, 'run has no training config (imported runs cannot be trained)')
      this.settle(slot)
      return
    }
    const handlers = {
      onStarted: (info: RunStartInfo) => {
        this.engineInfo.set(run.id, { engine: info.engine, backend: info.backend, versions: stringVersions() })
        this.emit('run-started', run, info)
      },
      onChunk: (chunk: HistoryChunk, totalSteps: number) => {
        if (this.stopIntents.has(run.id)) return
        store.appendHistory(run.id, chunk)
        const step = chunk.steps.length ? chunk.steps[chunk.steps.length - 1] : 0
        this.emit('run-progress', { runId: run.id, sweepId: run.sweepId, step, totalSteps, chunk })
      },
      onEpoch: (metrics: EpochMetrics) => {
        if (this.stopIntents.has(run.id)) return
        store.addEpochMetrics(run.id, [metrics])
        this.emit('run-epoch', run.id, metrics)
      }
    }
    slot.worker
      .run(run.id, run.config, handlers)
      .then((outcome) => this.finish(run, outcome))
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err)
        if (this.stopIntents.get(run.id) === 'requeue') store.requeueRun(run.id)
        else store.failRun(run.id, message, this.engineInfo.get(run.id))
        this.emit('run-failed', run.id, message)
      })
      .finally(() => {
        this.stopIntents.delete(run.id)
        this.engineInfo.delete(run.id)
        this.settle(slot)
      })
  }

  private finish(run: RunDetail, outcome: TrainOutcome): void {
    const { store } = this.opts
    const intent = this.stopIntents.get(run.id)
    if (outcome.cancelled || intent) {
      if (intent === 'cancel') store.cancelRun(run.id)
      else store.requeueRun(run.id)
      this.emit('run-stopped', run.id, intent === 'cancel' ? 'cancelled' : 'requeued')
      return
    }
    const last = outcome.epochs.at(-1)
    store.finishRun(run.id, { finalAlpha: outcome.finalAlpha, testAccuracy: last?.testAccuracy ?? null, engine: this.engineInfo.get(run.id) })
    this.emit('run-finished', run.id, outcome)
  }

  private settle(slot: Slot): void {
    slot.run = null
    slot.sweepId = null
    this.kick()
  }

  private stopRuns(pred: (s: Slot) => boolean, intent: StopIntent): void {
    for (const s of this.slots) {
      if (s.run && pred(s)) {
        this.stopIntents.set(s.run.id, intent)
        s.worker.cancel(s.run.id)
      }
    }
  }

  /** Pauses a sweep: its queued runs wait, its running runs stop and go back to the queue. */
  pauseSweep(sweepId: number): void {
    this.opts.store.pauseSweep(sweepId)
    this.stopRuns((s) => s.sweepId === sweepId, 'requeue')
  }

  resumeSweep(sweepId: number): void {
    this.opts.store.resumeSweep(sweepId)
    this.kick()
  }

  /** Cancels a sweep: queued runs are cancelled, running ones stop; finished runs are kept. */
  cancelSweep(sweepId: number): void {
    const running = new Set(this.opts.store.cancelSweep(sweepId))
    this.stopRuns((s) => s.run !== null && running.has(s.run.id), 'cancel')
  }

  cancelRun(runId: number): void {
    const slot = this.slots.find((s) => s.run?.id === runId)
    if (slot) this.stopRuns((s) => s === slot, 'cancel')
    else this.opts.store.cancelRun(runId)
  }

  /**
   * Stops cleanly (Ctrl-C, app quit): running runs stop at their next chunk
   * and go back to the queue with their partial history removed, so a later
   * start trains them again from the beginning.
   */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true
      this.stopRuns(() => true, 'requeue')
      await this.whenIdleOrSettled()
      await Promise.all(this.slots.map((s) => s.worker.close()))
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
