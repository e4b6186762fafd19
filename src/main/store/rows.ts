/** Raw SQLite rows and their mapping to the shared result types. */
import type { z } from 'zod'
import { SeedsSchema, TrainConfigSchema } from '../../shared/config'
import type {
  DatasetRow,
  DatasetSource,
  EngineInfo,
  RunDetail,
  RunStatus,
  RunSummary,
  SweepProgress,
  SweepRow,
  SweepStatus
} from '../../shared/results'
import { StoreError } from './errors'

export interface DatasetDbRow {
  id: number
  name: string
  source: DatasetSource
  content_hash: string | null
  train_count: number | null
  test_count: number | null
  subsample_json: string | null
  created_at: number
}

export interface SweepDbRow {
  id: number
  name: string
  spec_json: string
  status: SweepStatus
  created_at: number
  finished_at: number | null
}

export interface ProgressDbRow {
  total: number
  queued: number | null
  running: number | null
  done: number | null
  failed: number | null
  cancelled: number | null
  diverged: number | null
  steps_planned: number | null
  steps_done: number | null
}

/** The columns of runs that RunSummary needs, plus the dataset's name. */
export interface RunSummaryDbRow {
  id: number
  sweep_id: number
  dataset_id: number
  dataset: string
  lambda: number
  run_index: number
  status: RunStatus
  error: string | null
  engine_json: string | null
  created_at: number
  started_at: number | null
  finished_at: number | null
  steps_planned: number | null
  steps_done: number
  alpha_count: number
  alpha_init_json: string | null
  final_alpha_json: string | null
  test_accuracy: number | null
  imported: number
  attempts: number
  worker: string | null
  name: string | null
  /** JSON array of the run's tags, in order (from run_tags). */
  tags_json: string
}

export interface RunDetailDbRow extends RunSummaryDbRow {
  seeds_json: string | null
  config_json: string | null
  notes: string | null
}

export const RUN_SUMMARY_COLUMNS = `r.id, r.sweep_id, r.dataset_id, d.name AS dataset, r.lambda, r.run_index, r.status,
  r.error, r.engine_json, r.created_at, r.started_at, r.finished_at, r.steps_planned, r.steps_done,
  r.alpha_count, r.alpha_init_json, r.final_alpha_json, r.test_accuracy, r.imported, r.attempts, r.worker, r.name,
  (SELECT json_group_array(t.tag ORDER BY t.pos) FROM run_tags t WHERE t.run_id = r.id) AS tags_json`

export const RUN_DETAIL_COLUMNS = `${RUN_SUMMARY_COLUMNS}, r.seeds_json, r.config_json, r.notes`

/** Progress counts per sweep; callers append a WHERE/GROUP BY on sweep_id. */
export const PROGRESS_COLUMNS = `COUNT(*) AS total,
  SUM(status = 'queued') AS queued, SUM(status = 'running') AS running, SUM(status = 'done') AS done,
  SUM(status = 'failed') AS failed, SUM(status = 'cancelled') AS cancelled, SUM(status = 'diverged') AS diverged,
  SUM(COALESCE(steps_planned, 0)) AS steps_planned, SUM(steps_done) AS steps_done`

export function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value)
}

function parseJson(text: string | null): unknown {
  return text === null ? null : (JSON.parse(text) as unknown)
}

function numberArray(text: string | null): number[] | null {
  return text === null ? null : (JSON.parse(text) as number[])
}

export function toDataset(r: DatasetDbRow): DatasetRow {
  return {
    id: r.id,
    name: r.name,
    source: r.source,
    contentHash: r.content_hash,
    trainCount: r.train_count,
    testCount: r.test_count,
    subsample: parseJson(r.subsample_json),
    createdAt: r.created_at
  }
}

export function toProgress(p: ProgressDbRow | undefined): SweepProgress {
  return {
    total: p?.total ?? 0,
    queued: p?.queued ?? 0,
    running: p?.running ?? 0,
    done: p?.done ?? 0,
    failed: p?.failed ?? 0,
    cancelled: p?.cancelled ?? 0,
    diverged: p?.diverged ?? 0,
    stepsPlanned: p?.steps_planned ?? 0,
    stepsDone: p?.steps_done ?? 0
  }
}

export function toSweep(r: SweepDbRow, progress: SweepProgress): SweepRow {
  return {
    id: r.id,
    name: r.name,
    spec: parseJson(r.spec_json),
    status: r.status,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    progress
  }
}

export function toRunSummary(r: RunSummaryDbRow): RunSummary {
  return {
    id: r.id,
    sweepId: r.sweep_id,
    datasetId: r.dataset_id,
    dataset: r.dataset,
    lambda: r.lambda,
    runIndex: r.run_index,
    status: r.status,
    error: r.error,
    engine: parseJson(r.engine_json) as EngineInfo | null,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    stepsPlanned: r.steps_planned,
    stepsDone: r.steps_done,
    alphaCount: r.alpha_count,
    alphaInit: numberArray(r.alpha_init_json),
    finalAlpha: numberArray(r.final_alpha_json),
    testAccuracy: r.test_accuracy,
    imported: r.imported === 1,
    attempts: r.attempts,
    worker: r.worker,
    name: r.name,
    tags: JSON.parse(r.tags_json) as string[]
  }
}

function validated<T>(runId: number, what: string, text: string | null, schema: z.ZodType<T>): T | null {
  if (text === null) return null
  const result = schema.safeParse(JSON.parse(text))
  if (!result.success) throw new StoreError(`run ${runId}: stored ${what} is not valid: ${result.error.message}`)
  return result.data
}

/** Config and seeds are re-validated on the way out: a stored row must still be a valid config. */
export function toRunDetail(r: RunDetailDbRow): RunDetail {
  return {
    ...toRunSummary(r),
    seeds: validated(r.id, 'seeds', r.seeds_json, SeedsSchema),
    config: validated(r.id, 'config', r.config_json, TrainConfigSchema),
    notes: r.notes
  }
}
