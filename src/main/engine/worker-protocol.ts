import type { TrainConfig } from '../../shared/config'
import type { EnginePreference } from './select'
import type { TfjsBackendName } from './tfjs-backend'
import type { TrainedEpoch, TrainedChunk, TrainCheckpoint, TrainOutcome } from './trainer'
import type { EngineKind } from './types'

export interface TrainWorkerData {
  cacheDir: string
  engine: EnginePreference
  tfjsBackend?: TfjsBackendName
  /** Int32Array[1] over shared memory: holds the id of the run to cancel. */
  cancelFlag: SharedArrayBuffer
}

export interface RunStartInfo {
  engine: EngineKind
  backend: string
  notes: string[]
  datasetHash: string
  trainCount: number
  testCount: number
  totalSteps: number
  /** The step it continues from (a checkpoint's); absent or 0 = from the start. */
  resumedAt?: number
}

/** A dataset given as a verified cache file (a cluster worker's copy fetched by content hash) instead of by name. */
export interface DatasetFile {
  file: string
  /** sha256 the file's contents must have. */
  hash: string
}

/**
 * The only message a training thread takes (the client ends the thread with
 * terminate(), WorkerClient.close). `resume`: continue from this checkpoint
 * instead of step 0; `datasetFile`: the dataset, by content hash.
 */
export type ToWorker = { type: 'train'; runId: number; config: TrainConfig; resume?: TrainCheckpoint; datasetFile?: DatasetFile }

export type FromWorker =
  | ({ type: 'started'; runId: number } & RunStartInfo)
  | { type: 'chunk'; runId: number; chunk: TrainedChunk; totalSteps: number; checkpoint?: TrainCheckpoint }
  | { type: 'epoch'; runId: number; metrics: TrainedEpoch; checkpoint?: TrainCheckpoint }
  | { type: 'done'; runId: number; outcome: TrainOutcome }
  | { type: 'error'; runId: number; message: string }
