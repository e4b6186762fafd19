import type { ApiMethod, WorkbenchApi } from './api-schemas'
import type { QueueState, SweepRow } from './results'

/**
 * The zod-free half of the API contract: the list of call names and the live
 * events. The sandboxed preload and the UI import this module; its only
 * imports are types, so it has no runtime dependencies. The calls themselves,
 * their argument schemas and result types, are defined once in api-schemas.ts.
 */
export type {
  ApiArgs,
  ApiHandlers,
  ApiMethod,
  ApiParams,
  ApiResult,
  AnalysisQuery,
  HistoryQuery,
  RunListFilter,
  RunListQuery,
  StatsFilter,
  StatsQuery,
  WorkbenchApi
} from './api-schemas'
export type { AppStatus, ClusterStatus, ClusterWorkerInfo, ComputeState, CsvImportSummary, EngineStatus, ExportedFile, QueueState } from './results'

/**
 * Every call of the contract, by name: transports build their proxies from
 * this list. A test checks it equals the keys of `API` (api-schemas.ts); the
 * compiler checks it names only and every method.
 */
export const API_METHODS = [
  'getStatus',
  'setCompute',
  'getCluster',
  'queueSweep',
  'listSweeps',
  'pauseSweep',
  'resumeSweep',
  'cancelSweep',
  'deleteSweep',
  'renameSweep',
  'listDatasets',
  'listRuns',
  'getRun',
  'getAlphaHistory',
  'getEpochMetrics',
  'rerun',
  'cancelRun',
  'editRun',
  'listRunTags',
  'deleteRun',
  'retryRun',
  'getCollapseStats',
  'getHistograms',
  'getFinalAlphaPoints',
  'getInitFinalPairs',
  'getMeanTrajectories',
  'getDoseFits',
  'getSurvival',
  'getRunCollapse',
  'getReport',
  'importCsv',
  'exportSweep'
] as const satisfies readonly ApiMethod[]

// Compile-time: a method of the contract missing from API_METHODS makes this `true` fail to type.
type Unlisted = Exclude<ApiMethod, (typeof API_METHODS)[number]>
const everyMethodListed: [Unlisted] extends [never] ? true : { missing: Unlisted } = true
void everyMethodListed

/** Live events pushed to the UI. */
export type WorkbenchEvent =
  | {
      type: 'run-started'
      runId: number
      sweepId: number
      engine: string
      backend: string
      totalSteps: number
      lambda?: number
      dataset?: string
      /** The step it continues from (a checkpoint's after pause, Ctrl-C or a crash); 0 = from the start. */
      resumedAt?: number
    }
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
  /**
   * Stored data changed in a way no other event describes: another process
   * (the CLI, a second app) wrote to the database, or a CSV was imported, a
   * sweep or run deleted, a run renamed or tagged. Every view re-reads what it shows.
   */
  | { type: 'data-changed'; source: 'other-process' | 'import' | 'delete' | 'edit' }

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
