import type { Worker } from 'node:worker_threads'
import type { TrainConfig } from '../../shared/config'
import { startWorker } from './worker-entry'
import type { EnginePreference } from './select'
import type { TfjsBackendName } from './tfjs-backend'
import type { TrainedEpoch, TrainedChunk, TrainCheckpoint, TrainOutcome } from './trainer'
import type { DatasetFile, FromWorker, RunStartInfo, ToWorker, TrainWorkerData } from './worker-protocol'

export interface RunHandlers {
  onStarted?(info: RunStartInfo): void
  onChunk?(chunk: TrainedChunk, totalSteps: number, checkpoint?: TrainCheckpoint): void
  onEpoch?(metrics: TrainedEpoch, checkpoint?: TrainCheckpoint): void
}

export interface TrainWorkerOptions {
  cacheDir: string
  engine?: EnginePreference
  tfjsBackend?: TfjsBackendName
}

interface Pending {
  handlers: RunHandlers
  resolve(outcome: TrainOutcome): void
  reject(err: Error): void
}

/**
 * One training thread, off the caller's event loop. Runs sent to it train one
 * after another; `cancel` stops a run between chunks of steps.
 */
export class TrainWorker {
  private readonly worker: Worker
  /** Holds the id of the run to cancel; -1 = none (run ids start at 1, but 0 must not match either). */
  private readonly cancelFlag = new SharedArrayBuffer(4)
  private readonly pending = new Map<number, Pending>()
  private exited = false

  constructor(opts: TrainWorkerOptions) {
    Atomics.store(new Int32Array(this.cancelFlag), 0, -1)
    const workerData: TrainWorkerData = {
      cacheDir: opts.cacheDir,
      engine: opts.engine ?? 'auto',
      tfjsBackend: opts.tfjsBackend,
      cancelFlag: this.cancelFlag
    }
    this.worker = startWorker(import.meta.url, 'train-worker', { workerData })
    this.worker.on('message', (msg: FromWorker) => this.dispatch(msg))
    this.worker.on('error', (err) => this.failAll(err))
    this.worker.on('exit', (code) => {
      this.exited = true
      this.failAll(new Error(`training worker exited (code ${code})`))
    })
  }

  private dispatch(msg: FromWorker): void {
    const p = this.pending.get(msg.runId)
    if (!p) return
    switch (msg.type) {
      case 'started':
        p.handlers.onStarted?.(msg)
        break
      case 'chunk':
        p.handlers.onChunk?.(msg.chunk, msg.totalSteps, msg.checkpoint)
        break
      case 'epoch':
        p.handlers.onEpoch?.(msg.metrics, msg.checkpoint)
        break
      case 'done':
        this.pending.delete(msg.runId)
        p.resolve(msg.outcome)
        break
      case 'error':
        this.pending.delete(msg.runId)
        p.reject(new Error(msg.message))
        break
    }
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err)
    this.pending.clear()
  }

  get busy(): boolean {
    return this.pending.size > 0
  }

  /**
   * Trains a run from step 0, or from `resume` (a checkpoint stored earlier);
   * `datasetFile` gives its dataset as a verified cache file instead of by name.
   */
  run(runId: number, config: TrainConfig, handlers: RunHandlers = {}, resume?: TrainCheckpoint, datasetFile?: DatasetFile): Promise<TrainOutcome> {
    if (this.exited) return Promise.reject(new Error('training worker has exited'))
    if (this.pending.has(runId)) return Promise.reject(new Error(`run ${runId} is already training`))
    // A run cancelled earlier (pause, Ctrl-C) and now trained again must not see its old cancel request.
    Atomics.compareExchange(new Int32Array(this.cancelFlag), 0, runId, -1)
    return new Promise<TrainOutcome>((resolve, reject) => {
      this.pending.set(runId, { handlers, resolve, reject })
      this.post({ type: 'train', runId, config, resume, datasetFile })
    })
  }

  /** Asks the worker to stop `runId` at its next chunk boundary; its promise resolves with cancelled = true. */
  cancel(runId: number): void {
    Atomics.store(new Int32Array(this.cancelFlag), 0, runId)
  }

  private post(msg: ToWorker): void {
    this.worker.postMessage(msg)
  }

  async close(): Promise<void> {
    if (this.exited) return
    await this.worker.terminate()
  }
}
