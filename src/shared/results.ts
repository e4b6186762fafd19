/**
 * Rows the store returns and the analysis computes, shared by the Node side
 * and the UI. Pure TypeScript: plain numbers and arrays only, so every value
 * survives JSON (HTTP transport) as well as structured clone (Electron IPC).
 * Timestamps are milliseconds since the Unix epoch.
 */
import type { Seeds, TrainConfig } from './config'

export const DATASET_SOURCES = ['bundled', 'idx', 'imported-csv'] as const
export type DatasetSource = (typeof DATASET_SOURCES)[number]

export const SWEEP_STATUSES = ['queued', 'running', 'paused', 'done', 'cancelled', 'failed'] as const
export type SweepStatus = (typeof SWEEP_STATUSES)[number]

export const RUN_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled', 'diverged'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

export interface DatasetRow {
  id: number
  name: string
  source: DatasetSource
  /** Hash of the images and labels the runs trained on; null when unknown (imported CSV). */
  contentHash: string | null
  trainCount: number | null
  testCount: number | null
  /** How the training set was drawn (size, seed, …); free-form JSON. */
  subsample: unknown
  createdAt: number
}

export interface NewDataset {
  name: string
  source: DatasetSource
  contentHash?: string | null
  trainCount?: number | null
  testCount?: number | null
  subsample?: unknown
}

/** Counts of a sweep's runs by status, and its steps planned/done. */
export interface SweepProgress {
  total: number
  queued: number
  running: number
  done: number
  failed: number
  cancelled: number
  /** Trained to the end but a loss or α went non-finite (or exploded): kept out of the statistics. */
  diverged: number
  stepsPlanned: number
  stepsDone: number
}

export interface SweepRow {
  id: number
  name: string
  /** The sweep spec as given to createSweep (the sweep layer validates it). */
  spec: unknown
  status: SweepStatus
  createdAt: number
  finishedAt: number | null
  progress: SweepProgress
  /** Only in queueSweep's answer: how the spec was applied, when the user should know (a subsample capped to a training set). */
  notes?: string[]
}

export interface NewSweep {
  name: string
  spec: unknown
  /** Default 'queued'; an import is created 'done'. */
  status?: SweepStatus
}

/** Which engine trained a run: kind ('tfjs' | 'native'), concrete backend and library versions. */
export interface EngineInfo {
  engine: string
  backend: string
  versions: Record<string, string>
}

export interface NewRun {
  datasetId: number
  lambda: number
  /** Index of the run within its (sweep, dataset, λ): the original CSV's `iteration`. */
  runIndex: number
  seeds: Seeds | null
  /** Full training config; null only for imported runs. */
  config: TrainConfig | null
  /** Total SGD steps; the run can only be marked done once its history reaches this step. */
  stepsPlanned: number | null
  alphaCount: number
  alphaInit: number[] | null
}

/** A run without its config: what lists and tables need. */
export interface RunSummary {
  id: number
  sweepId: number
  datasetId: number
  dataset: string
  lambda: number
  runIndex: number
  status: RunStatus
  error: string | null
  engine: EngineInfo | null
  createdAt: number
  startedAt: number | null
  finishedAt: number | null
  stepsPlanned: number | null
  /** Last step recorded in the α history (the history's progress). */
  stepsDone: number
  alphaCount: number
  alphaInit: number[] | null
  finalAlpha: number[] | null
  testAccuracy: number | null
  imported: boolean
  /** How many times the run was claimed (more than 1 after an interrupted attempt). */
  attempts: number
  /** Which worker trained it: "host/pid" of a cluster worker, "local@host" for this machine; null if not trained here. */
  worker: string | null
  /** The display name a researcher gave it; null: shown as #id. */
  name: string | null
  /** Its tags, in the order given (shared/run-labels.ts). */
  tags: string[]
}

export interface RunDetail extends RunSummary {
  seeds: Seeds | null
  config: TrainConfig | null
  /** Free-text notes; null when none. */
  notes: string | null
}

/** A tag in use and how many runs carry it. */
export interface TagCount {
  tag: string
  runs: number
}

/** What a list of runs can be sorted by. */
export const RUN_ORDER_FIELDS = ['id', 'lambda', 'status', 'createdAt', 'finishedAt', 'testAccuracy', 'dataset', 'finalAlpha0', 'finalAlpha1', 'finalAlpha2', 'sweepId'] as const

export interface RunPage {
  /** Runs matching the filter, ignoring limit/offset. */
  total: number
  runs: RunSummary[]
}

/**
 * A slice of one run's α history, as the engine produces it. `step` is the
 * number of SGD steps completed when α was recorded (0 = before training).
 */
export interface HistoryChunk {
  /** Strictly increasing, each greater than every step already stored for the run. */
  steps: ArrayLike<number>
  /** Epoch (0-based) of each record; null when unknown (imported runs). */
  epochs: ArrayLike<number> | null
  /** Row-major [record][α index]: steps.length × alphaCount values. */
  alphas: ArrayLike<number>
  /** Batch loss (CE + penalty) of each record; null when unknown. NaN is stored as is. */
  losses: ArrayLike<number> | null
}

/** One run's α history, column-wise for charts. */
export interface AlphaSeries {
  runId: number
  steps: number[]
  epochs: (number | null)[]
  /** alphas[i][k]: α_i at steps[k]. */
  alphas: number[][]
  /** Batch loss at steps[k]; null when unknown or not finite. */
  losses: (number | null)[]
}

export interface EpochMetrics {
  epoch: number
  trainLoss: number | null
  testLoss: number | null
  /** 0..1 */
  testAccuracy: number | null
}

export interface RunResult {
  finalAlpha: number[]
  /** 0..1 */
  testAccuracy: number | null
  engine?: EngineInfo
  /** Which worker trained it (see RunSummary.worker). */
  worker?: string
  /** Set when training diverged (why, e.g. "test loss NaN after epoch 2"): the run is stored as 'diverged', not 'done'. */
  diverged?: string
}

/** Initial and final α of one finished run: the input of every collapse statistic. */
export interface FinalAlphaRow {
  runId: number
  sweepId: number
  dataset: string
  lambda: number
  /** Null when not known. Imported runs: the first recorded row. */
  alphaInit: number[] | null
  finalAlpha: number[]
  /** Imported from a CSV: its step axis is reconstructed from the row order. */
  imported: boolean
  /** Runs with one key are one experiment (same dataset, λ, config, seeds, initial α): statistics count it once. */
  configKey: string
}

/** What the collapse tables read of a run. */
export type CollapseInput = Pick<FinalAlphaRow, 'dataset' | 'lambda' | 'finalAlpha'>
/** The same with the run's config key, so repeats of one experiment can be counted once. */
export type KeyedCollapseInput = CollapseInput & Pick<FinalAlphaRow, 'configKey'>

/** The done runs of one (dataset, λ) in run-id order, column by column: what the collapse table reads at scale. */
export interface CollapseGroup {
  dataset: string
  lambda: number
  keys: string[]
  /** α per run; run r's final α are finals[Σ alphaCounts[<r] …]. */
  alphaCounts: number[]
  finals: number[]
}

export interface FinalAlphaQuery {
  sweepId?: number
  /** Several sweeps (with sweepId, if given): runs of any of them. */
  sweepIds?: number[]
  /** Dataset names; all datasets when absent. */
  datasets?: string[]
}

/** Collapse statistics of one α index (field names are the CLI's JSON contract). */
export interface AlphaCollapse {
  /** Which α (0-based layer order). */
  index: number
  n: number
  collapsed: number
  /** 0–100 */
  pct: number
  /** Wilson 95% interval, 0–100. */
  ci_low: number
  ci_high: number
}

/** One line of the collapse table: a (dataset, λ) pair over all its α. */
export interface CollapseRow {
  dataset: string
  lambda: number
  runs: number
  /** Number of α values: runs × α per run. */
  n: number
  collapsed: number
  pct: number
  ci_low: number
  ci_high: number
  per_alpha: AlphaCollapse[]
  /** Runs of this dataset and λ left out because they repeat a config already counted (same config, seeds and initial α). */
  repeats: number
}

export interface AlphaHistogram {
  dataset: string
  lambda: number
  alphaIndex: number
  /** bins + 1 edges; bin k is [edges[k], edges[k+1]), the last one closed. */
  edges: number[]
  counts: number[]
  /** Values outside [edges[0], edges[bins]], not in any bin. */
  outside: number
  /** When set, bin 0 is exactly the collapsed α (final α ≤ threshold) and edges[1] = threshold. */
  threshold?: number
}

export interface AlphaPoint {
  dataset: string
  lambda: number
  runId: number
  alphaIndex: number
  finalAlpha: number
}

export interface AlphaInitFinalPair {
  dataset: string
  lambda: number
  runId: number
  alphaIndex: number
  initial: number
  final: number
}

/** Runs' α histories tagged with the group they belong to. */
export interface GroupedSeries {
  dataset: string
  lambda: number
  series: AlphaSeries
}

export interface MeanTrajectory {
  dataset: string
  lambda: number
  runs: number
  steps: number[]
  /** mean[i][k]: mean of α_i over the runs at steps[k]. */
  mean: number[][]
  /** Sample standard deviation (0 when runs = 1), same shape as mean. */
  sd: number[][]
}

/** Run-level collapse of one (dataset, λ): runs with any / all of their α collapsed (the CLI's JSON contract). */
export interface RunCollapseRow {
  dataset: string
  lambda: number
  runs: number
  any_collapsed: number
  /** 0–100, Wilson 95% interval over runs. */
  any_pct: number
  any_ci_low: number
  any_ci_high: number
  all_collapsed: number
  all_pct: number
  all_ci_low: number
  all_ci_high: number
  /** Runs left out as repeats of a config already counted. */
  repeats: number
}

/**
 * A likelihood-ratio test that several groups (datasets, or α indices) share
 * one logistic curve: separate intercept and slope per group vs one of each.
 * stat/p are null (with a reason) when a curve in it is not identifiable.
 */
export interface CurveTest {
  kind: 'datasets' | 'alpha'
  datasets: string[]
  /** The α indices compared (kind 'alpha'); null for all α. */
  alpha_indices: number[] | null
  stat: number | null
  df: number
  p: number | null
  problem: string | null
  /** The result in plain words. */
  sentence: string
}

/**
 * Logistic dose–response fit of collapse on λ (CLI `stats --fit --json`).
 * Null estimates mean the curve is not identifiable (see problem).
 */
export interface DoseFit {
  /** The dataset; null for a pooled fit. */
  dataset: string | null
  /** The datasets a pooled fit pools; null otherwise. */
  pooled: string[] | null
  /** Which α; null for all α together. */
  alpha_index: number | null
  n: number
  collapsed: number
  /** Runs (the clusters of the robust standard errors). */
  runs: number
  b0: number | null
  b1: number | null
  se_b0: number | null
  se_b1: number | null
  /** λ at which half of α collapse, −b0/b1, with a delta-method 95% interval. */
  lambda50: number | null
  lambda50_ci_low: number | null
  lambda50_ci_high: number | null
  /** Cluster-robust (by run) standard errors and λ50 interval, as statsmodels cov_type="cluster". */
  cluster_se_b0: number | null
  cluster_se_b1: number | null
  lambda50_cluster_ci_low: number | null
  lambda50_cluster_ci_high: number | null
  log_lik: number
  identifiable: boolean
  problem: string | null
  tests: CurveTest[]
}

/** One cell of the α_init × λ heatmap: observed share and the two-covariate fit's P(collapse). */
export interface StartCell {
  alpha_init: number
  lambda: number
  n: number
  collapsed: number
  observed: number
  fitted: number | null
}

/** P(collapse) ~ initial α + λ (logit), and the heatmap cells. */
export interface StartFit {
  dataset: string | null
  pooled: string[] | null
  n: number
  /** b0 + b_alpha·α_init + b_lambda·λ; null when not identifiable. */
  b0: number | null
  b_alpha: number | null
  b_lambda: number | null
  se_b0: number | null
  se_b_alpha: number | null
  se_b_lambda: number | null
  identifiable: boolean
  problem: string | null
  cells: StartCell[]
}

/** A Kaplan–Meier curve of time to collapse (in SGD steps) for one group. */
export interface SurvivalCurve {
  /** What the group is: a dataset, a λ, or both. */
  dataset: string | null
  lambda: number | null
  n: number
  events: number
  /** Event times (steps) where the curve drops, with survival after the drop. */
  times: number[]
  surv: number[]
  /** Greenwood standard error of surv; null where undefined (survival 0). */
  se: (number | null)[]
  /** Pointwise 95% interval on the complementary log-log scale. */
  ci_low: (number | null)[]
  ci_high: (number | null)[]
  /** Median time to collapse: the first time survival is ≤ 0.5; null if never. */
  median: number | null
  /** 95% interval of the median (statsmodels' quantile_ci, cloglog); high null = unbounded. */
  median_ci_low: number | null
  median_ci_high: number | null
  /** Last recorded step of the group (censoring horizon). */
  last_step: number
}

/** Log-rank test that several survival curves are equal. */
export interface LogRankTest {
  kind: 'datasets' | 'lambda'
  groups: string[]
  /** Stratified by λ (kind 'datasets' with several λ): compares datasets within each λ. */
  stratified: boolean
  stat: number | null
  df: number
  p: number | null
  problem: string | null
  sentence: string
}

export interface SurvivalResult {
  threshold: number
  /** True when some run's steps were reconstructed (imported runs with a known cadence). */
  reconstructed_steps: boolean
  curves: SurvivalCurve[]
  tests: LogRankTest[]
}

/** The engine that trains the paper's network here, as the status bar shows it. */
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
  /** Runs waiting in queued or running sweeps. */
  queued: number
  /** Runs waiting in paused sweeps (not counted in `queued`). */
  paused?: number
}

/** Where the app trains: this machine's threads, or cluster workers through a Redis. */
export type ComputeState =
  | { kind: 'local' }
  | {
      kind: 'cluster'
      /** The Redis URL with any password masked. */
      url: string
    }

/** A cluster worker, as it reports itself in Redis (heartbeat every few seconds). */
export interface ClusterWorkerInfo {
  /** "host/pid" */
  id: string
  host: string
  pid: number
  engine: string
  isa: string
  concurrency: number
  /** Steps per second of one thread on the paper's network, batch 64, measured at start. */
  stepsPerSecond: number
  runsDone: number
  /** Job ids of the runs training now. */
  running: string[]
  startedAt: number
  lastHeartbeat: number
}

export interface ClusterStatus {
  compute: ComputeState
  /** Workers with a live heartbeat on the cluster's Redis (empty when training locally). */
  workers: ClusterWorkerInfo[]
}

export interface AppStatus {
  compute: ComputeState
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

/** The fits behind Figures 5 and 7 and the tests table. */
export interface FitsResult {
  threshold: number
  fits: DoseFit[]
  /** One two-covariate fit per dataset, and pooled when asked. */
  start: StartFit[]
  /** The collapse table of the same selection (with pooled rows when pooled): Figure 5's observed points. */
  observed: CollapseRow[]
}
