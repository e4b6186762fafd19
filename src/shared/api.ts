import type {
  AlphaHistogram,
  AlphaInitFinalPair,
  AlphaPoint,
  AlphaSeries,
  CollapseRow,
  DatasetRow,
  EpochMetrics,
  MeanTrajectory,
  RunDetail,
  RunPage,
  SweepRow
} from './results'
import type { SweepSpecInput } from './sweep-spec'
import type { HistoryQuery, RunListQuery, StatsQuery } from './api-schemas'

export type { HistoryQuery, RunListQuery, StatsQuery }

/**
 * The contract between the UI and the back end. One service object implements
 * it; Electron IPC (preload) and the local HTTP server (browser mode) both
 * carry it unchanged. Arguments are validated with the schemas below where
 * they arrive, whatever the transport (api-schemas.ts). This module has no
 * runtime dependencies, so the sandboxed preload can import it.
 */

export interface EngineStatus {
  /** 'native' or 'tfjs': what trains the paper's network here. */
  engine: string
  /** Native instruction set, or TF.js backend name. */
  backend: string
  /** TF.js backend chosen at start-up (used where the native kernel does not apply). */
  tfjsBackend: string
  notes: string[]
}

export interface QueueState {
  workers: number
  /** Runs training now. */
  running: number
  queued: number
}

export interface AppStatus {
  engine: EngineStatus
  versions: Record<string, string | boolean | null>
  dbPath: string
  queue: QueueState
  /**
   * Measured milliseconds per batch-64 training step on one worker (from the
   * most recent finished runs, else a short probe at start-up); null until known.
   */
  stepMs: number | null
  /** Base dataset names a sweep can use (bundled and imported). */
  trainableDatasets: string[]
}

/** Every call of the contract, by name (transports build their proxies from this list). */
export const API_METHODS = [
  'getStatus',
  'queueSweep',
  'listSweeps',
  'pauseSweep',
  'resumeSweep',
  'cancelSweep',
  'deleteSweep',
  'listDatasets',
  'listRuns',
  'getRun',
  'getAlphaHistory',
  'getEpochMetrics',
  'rerun',
  'cancelRun',
  'getCollapseStats',
  'getHistograms',
  'getFinalAlphaPoints',
  'getInitFinalPairs',
  'getMeanTrajectories',
  'importCsv',
  'exportSweep'
] as const satisfies readonly (keyof WorkbenchApi)[]
export type ApiMethod = (typeof API_METHODS)[number]

export interface CsvImportSummary {
  dataset: string
  sweepId: number
  runs: number
  records: number
  skipped: number
}

export interface ExportedFile {
  fileName: string
  mime: string
  text: string
}

export interface WorkbenchApi {
  getStatus(): Promise<AppStatus>
  /** Validates the spec (field-named errors), expands it and queues its runs. */
  queueSweep(spec: SweepSpecInput): Promise<SweepRow>
  listSweeps(): Promise<SweepRow[]>
  pauseSweep(id: number): Promise<SweepRow>
  resumeSweep(id: number): Promise<SweepRow>
  cancelSweep(id: number): Promise<SweepRow>
  deleteSweep(id: number): Promise<void>
  /** Datasets that have runs in the database (one per base × subsample × seed, and imported CSVs). */
  listDatasets(): Promise<DatasetRow[]>
  listRuns(q: RunListQuery): Promise<RunPage>
  getRun(id: number): Promise<RunDetail>
  getAlphaHistory(runIds: number[], q?: HistoryQuery): Promise<AlphaSeries[]>
  getEpochMetrics(runId: number): Promise<EpochMetrics[]>
  /** Queues a new one-run sweep with the run's exact config. */
  rerun(runId: number): Promise<SweepRow>
  cancelRun(runId: number): Promise<void>
  getCollapseStats(q: StatsQuery): Promise<CollapseRow[]>
  getHistograms(q: StatsQuery & { bins?: number }): Promise<AlphaHistogram[]>
  getFinalAlphaPoints(q: StatsQuery): Promise<AlphaPoint[]>
  getInitFinalPairs(q: StatsQuery): Promise<AlphaInitFinalPair[]>
  getMeanTrajectories(q: StatsQuery & { maxPoints?: number }): Promise<MeanTrajectory[]>
  /** Imports one of the original study's CSV files as a dataset. */
  importCsv(file: { fileName: string; text: string; name?: string }): Promise<CsvImportSummary>
  /** A sweep as the original CSV format (one file per dataset) or as JSON. */
  exportSweep(id: number, format: 'csv' | 'json'): Promise<ExportedFile[]>
}

/** Live events pushed to the UI. */
export type WorkbenchEvent =
  | { type: 'run-started'; runId: number; sweepId: number; engine: string; backend: string; totalSteps: number }
  | {
      type: 'run-progress'
      runId: number
      sweepId: number
      step: number
      totalSteps: number
      /** Recorded steps in this chunk and α row-major [steps.length × nAlpha]. */
      steps: number[]
      alphas: number[]
      nAlpha: number
      loss: number | null
    }
  | { type: 'run-epoch'; runId: number; sweepId: number; epoch: number; trainLoss: number; testLoss: number; testAccuracy: number }
  | { type: 'run-finished'; runId: number; sweepId: number; finalAlpha: number[]; testAccuracy: number | null }
  | { type: 'run-failed'; runId: number; sweepId: number; error: string }
  /** A run stopped before its end: cancelled for good, or requeued (pause, shutdown) to train again. */
  | { type: 'run-stopped'; runId: number; sweepId: number; how: 'cancelled' | 'requeued' }
  | { type: 'sweep-changed'; sweep: SweepRow }
  | { type: 'queue-changed'; queue: QueueState }

export type EventListener = (event: WorkbenchEvent) => void

/** What the UI holds: the calls plus a subscription to live events. */
export interface WorkbenchClient extends WorkbenchApi {
  /** Returns an unsubscribe function. */
  onEvent(listener: EventListener): () => void
}

/** An error the back end reports for a bad call: a message naming the problem. */
export interface ApiErrorBody {
  error: string
}
