import { z } from 'zod'
import {
  RUN_ORDER_FIELDS,
  RUN_STATUSES,
  type AlphaHistogram,
  type AlphaInitFinalPair,
  type AlphaPoint,
  type AlphaSeries,
  type AppStatus,
  type ClusterStatus,
  type ComputeState,
  type CollapseRow,
  type CsvImportSummary,
  type DatasetRow,
  type EpochMetrics,
  type ExportedFile,
  type FitsResult,
  type MeanTrajectory,
  type RunCollapseRow,
  type RunDetail,
  type RunPage,
  type SweepRow,
  type TagCount,
  type SurvivalResult
} from './results'
import { COLLAPSE_THRESHOLD } from './constants'
import { RunEditSchema, SweepNameSchema, TagSchema } from './run-labels'
import { SweepSpecSchema } from './sweep-spec'

/**
 * The API contract between the UI and the back end, in one place: each entry
 * of `API` is one call, with the zod schema of its arguments and (as a type)
 * what it resolves to. Everything else is derived from it: the client's method
 * signatures (`WorkbenchApi`, the schemas' input types), the back end's handler
 * signatures (`ApiHandlers`, the parsed output types), and the check that
 * `API_METHODS` (api.ts, the zod-free list the sandboxed preload uses) names
 * exactly these calls. To add a call, add one entry here and its name there.
 */

const id = z.number().int().min(1)
const threshold = z.number().min(0).max(1)
/** At most this many sweeps or datasets in one filter (each its own chip in the UI). */
const MAX_FILTER_ITEMS = 500
const sweepIds = z.array(id).max(MAX_FILTER_ITEMS)
const datasetNames = z.array(z.string().max(200)).max(MAX_FILTER_ITEMS)

export const RunListQuerySchema = z.object({
  sweepId: id.optional(),
  /** Several sweeps: runs of any of them (with sweepId, if both are given). */
  sweepIds: sweepIds.optional(),
  /** Dataset names (exact). */
  datasets: datasetNames.optional(),
  status: z.array(z.enum(RUN_STATUSES)).optional(),
  lambdaMin: z.number().optional(),
  lambdaMax: z.number().optional(),
  /** Only runs whose final α_i are all within [finalAlphaMin, finalAlphaMax]. */
  finalAlphaMin: z.number().min(0).max(1).optional(),
  finalAlphaMax: z.number().min(0).max(1).optional(),
  /** The parallel-coordinates brush: the mean of a run's final α, the mean of its initial α, its test accuracy (all inclusive; a run without the value is out). */
  finalAlphaMeanMin: z.number().min(0).max(1).optional(),
  finalAlphaMeanMax: z.number().min(0).max(1).optional(),
  alphaInitMeanMin: z.number().min(0).max(1).optional(),
  alphaInitMeanMax: z.number().min(0).max(1).optional(),
  testAccuracyMin: z.number().min(0).max(1).optional(),
  testAccuracyMax: z.number().min(0).max(1).optional(),
  /** Runs carrying any of these tags (exact). */
  tags: z.array(TagSchema).max(MAX_FILTER_ITEMS).optional(),
  /** Free text matched against run id, sweep name, dataset, λ, status, engine, run name and tags. */
  search: z.string().max(200).optional(),
  orderBy: z.enum(RUN_ORDER_FIELDS).optional(),
  descending: z.boolean().optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0)
})
/** A page of runs as the UI asks for it. */
export type RunListQuery = z.input<typeof RunListQuerySchema>
/** The same, validated: limit and offset filled in. */
export type RunListFilter = z.output<typeof RunListQuerySchema>
export type RunListOrder = NonNullable<RunListFilter['orderBy']>

export const StatsQuerySchema = z.object({
  sweepId: id.optional(),
  /** Several sweeps: runs of any of them (with sweepId, if both are given). */
  sweepIds: sweepIds.optional(),
  datasets: datasetNames.optional(),
  threshold: threshold.default(COLLAPSE_THRESHOLD)
})
export type StatsQuery = z.input<typeof StatsQuerySchema>
export type StatsFilter = z.output<typeof StatsQuerySchema>

/** The collapse table, fits, survival and report: a stats query, optionally pooling every selected dataset. */
export const AnalysisQuerySchema = StatsQuerySchema.extend({ pool: z.boolean().default(false) })
export type AnalysisQuery = z.input<typeof AnalysisQuerySchema>

export const HistogramQuerySchema = StatsQuerySchema.extend({ bins: z.number().int().min(2).max(100).default(10) })
export const TrajectoryQuerySchema = StatsQuerySchema.extend({ maxPoints: z.number().int().min(2).max(5000).default(300) })

export const HistoryQuerySchema = z.object({
  /** Keep at most this many records per run, evenly spaced, always the first and the last. */
  maxPoints: z.number().int().min(2).max(100_000).optional(),
  /** Only records with step > afterStep (live charts fetch what is new). */
  afterStep: z.number().int().min(0).optional()
})
export type HistoryQuery = z.input<typeof HistoryQuerySchema>

export const CsvFileSchema = z.object({
  fileName: z.string().min(1).max(500),
  text: z.string().max(200_000_000),
  /** Dataset name; default: the file name without its extension. */
  name: z.string().min(1).max(200).optional()
})

/** Where sweeps train: this machine, or the cluster workers of a Redis (redis:// or rediss:// URL, checked by the back end). */
export const ComputeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }),
  z.object({ kind: z.literal('cluster'), url: z.string().min(1).max(2000) })
])
export type ComputeChoice = z.input<typeof ComputeSchema>

declare const RESULT: unique symbol

/** One call of the contract: its argument schema, and (a type only) what it resolves to. */
export interface ApiMethodSpec<A extends z.ZodTuple = z.ZodTuple, R = unknown> {
  readonly args: A
  readonly [RESULT]?: R
}

type Items = readonly [] | readonly [z.ZodType, ...z.ZodType[]]

/** `args(schema…).returns<R>()`: a call taking these arguments (a trailing `.optional()` may be left out) and resolving to R. */
function args<const T extends Items>(...items: T): { returns<R>(): ApiMethodSpec<z.ZodTuple<T, null>, R> } {
  const tuple = z.tuple(items as unknown as [z.ZodType]) as unknown as z.ZodTuple<T, null>
  return { returns: () => ({ args: tuple }) }
}

/** Every call of the contract, by name. */
export const API = {
  getStatus: args().returns<AppStatus>(),
  /** Training from now on: this machine's threads, or cluster workers through Redis (runs training locally go back to the queue first). */
  setCompute: args(ComputeSchema).returns<ComputeState>(),
  /** The compute in use and, for a cluster, its connected workers (host, engine, ISA, concurrency, runs done, last heartbeat). */
  getCluster: args().returns<ClusterStatus>(),
  /** Validates the spec (field-named errors), expands it and queues its runs. */
  queueSweep: args(SweepSpecSchema).returns<SweepRow>(),
  listSweeps: args().returns<SweepRow[]>(),
  pauseSweep: args(id).returns<SweepRow>(),
  /** A paused sweep goes on; a cancelled one requeues its cancelled runs (done runs kept). */
  resumeSweep: args(id).returns<SweepRow>(),
  cancelSweep: args(id).returns<SweepRow>(),
  deleteSweep: args(id).returns<void>(),
  renameSweep: args(id, SweepNameSchema).returns<SweepRow>(),
  /** Datasets that have runs in the database (one per base × subsample × seed, and imported CSVs). */
  listDatasets: args().returns<DatasetRow[]>(),
  listRuns: args(RunListQuerySchema).returns<RunPage>(),
  getRun: args(id).returns<RunDetail>(),
  getAlphaHistory: args(z.array(id).min(1).max(200), HistoryQuerySchema.optional()).returns<AlphaSeries[]>(),
  getEpochMetrics: args(id).returns<EpochMetrics[]>(),
  /** Queues a new one-run sweep with the run's exact config. */
  rerun: args(id).returns<SweepRow>(),
  cancelRun: args(id).returns<void>(),
  /** Sets a run's display name, notes and/or tags (empty name or notes clear them). */
  editRun: args(id, RunEditSchema).returns<RunDetail>(),
  /** Every tag in use, with how many runs carry it (the runs list's tag filter). */
  listRunTags: args().returns<TagCount[]>(),
  /** Deletes one run and its history; refused while it trains. */
  deleteRun: args(id).returns<void>(),
  /** Puts a failed or cancelled run back in the queue (same id, config and seeds), from its checkpoint if it has one. */
  retryRun: args(id).returns<RunDetail>(),
  /** `pool`: also rows pooling every selected dataset (dataset "pooled"). */
  getCollapseStats: args(AnalysisQuerySchema).returns<CollapseRow[]>(),
  getHistograms: args(HistogramQuerySchema).returns<AlphaHistogram[]>(),
  getFinalAlphaPoints: args(StatsQuerySchema).returns<AlphaPoint[]>(),
  getInitFinalPairs: args(StatsQuerySchema).returns<AlphaInitFinalPair[]>(),
  getMeanTrajectories: args(TrajectoryQuerySchema).returns<MeanTrajectory[]>(),
  /** Logistic fits of collapse on λ (per dataset, per α_i, pooled), the α_init × λ fit, the tests. */
  getDoseFits: args(AnalysisQuerySchema).returns<FitsResult>(),
  /** Kaplan–Meier curves of time to collapse and the log-rank tests. */
  getSurvival: args(AnalysisQuerySchema).returns<SurvivalResult>(),
  /** Runs with any / all α collapsed, per dataset and λ (pooled rows when pooled). */
  getRunCollapse: args(AnalysisQuerySchema).returns<RunCollapseRow[]>(),
  /** The self-contained HTML report of the selection (the CLI's `report`). */
  getReport: args(AnalysisQuerySchema).returns<ExportedFile>(),
  /** Imports one of the original study's CSV files as a dataset. */
  importCsv: args(CsvFileSchema).returns<CsvImportSummary>(),
  /** A sweep as the original CSV format (one file per dataset) or as JSON. */
  exportSweep: args(id, z.enum(['csv', 'json'])).returns<ExportedFile[]>()
} as const satisfies Record<string, ApiMethodSpec>

export type ApiContract = typeof API
export type ApiMethod = keyof ApiContract
/** What a caller passes to a method (optional fields and defaults may be left out). */
export type ApiParams<M extends ApiMethod> = z.input<ApiContract[M]['args']>
/** What the method's handler receives: the arguments after validation (defaults filled in). */
export type ApiArgs<M extends ApiMethod> = z.output<ApiContract[M]['args']>
export type ApiResult<M extends ApiMethod> = ApiContract[M] extends ApiMethodSpec<z.ZodTuple, infer R> ? R : never

/** The calls as a client sees them (Electron preload, HTTP client, test doubles). */
export type WorkbenchApi = { [M in ApiMethod]: (...args: ApiParams<M>) => Promise<ApiResult<M>> }

/** The calls as the back end implements them: called only after `API[M].args` has parsed the arguments. */
export type ApiHandlers = { [M in ApiMethod]: (...args: ApiArgs<M>) => Promise<ApiResult<M>> }
