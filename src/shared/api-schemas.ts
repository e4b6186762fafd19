import { z } from 'zod'
import type { ApiMethod } from './api'
import { RUN_ORDER_FIELDS, RUN_STATUSES } from './results'
import { SweepSpecSchema } from './sweep-spec'

/** Argument schemas of the API contract (src/shared/api.ts), checked wherever a call arrives. */

const id = z.number().int().min(1)
const threshold = z.number().min(0).max(1)

export const RunListQuerySchema = z.object({
  sweepId: id.optional(),
  /** Dataset names (exact). */
  datasets: z.array(z.string()).optional(),
  status: z.array(z.enum(RUN_STATUSES)).optional(),
  lambdaMin: z.number().optional(),
  lambdaMax: z.number().optional(),
  /** Only runs whose final α_i are all within [finalAlphaMin, finalAlphaMax]. */
  finalAlphaMin: z.number().min(0).max(1).optional(),
  finalAlphaMax: z.number().min(0).max(1).optional(),
  /** Free text matched against run id, sweep name, dataset, λ, status, engine. */
  search: z.string().max(200).optional(),
  orderBy: z.enum([...RUN_ORDER_FIELDS, 'dataset', 'finalAlpha0', 'finalAlpha1', 'finalAlpha2', 'sweepId']).optional(),
  descending: z.boolean().optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0)
})
export type RunListQuery = z.input<typeof RunListQuerySchema>

export const StatsQuerySchema = z.object({
  sweepId: id.optional(),
  datasets: z.array(z.string()).optional(),
  threshold: threshold.default(0.05)
})
export type StatsQuery = z.input<typeof StatsQuerySchema>

export const HistoryQuerySchema = z.object({
  maxPoints: z.number().int().min(2).max(100_000).optional(),
  afterStep: z.number().int().min(0).optional()
})
export type HistoryQuery = z.input<typeof HistoryQuerySchema>

/** Argument schemas of every call, by method name: the single source of validation. */
export const API_ARGS = {
  getStatus: z.tuple([]),
  queueSweep: z.tuple([SweepSpecSchema]),
  listSweeps: z.tuple([]),
  pauseSweep: z.tuple([id]),
  resumeSweep: z.tuple([id]),
  cancelSweep: z.tuple([id]),
  deleteSweep: z.tuple([id]),
  listDatasets: z.tuple([]),
  listRuns: z.tuple([RunListQuerySchema]),
  getRun: z.tuple([id]),
  getAlphaHistory: z.tuple([z.array(id).min(1).max(200), HistoryQuerySchema.optional()]),
  getEpochMetrics: z.tuple([id]),
  rerun: z.tuple([id]),
  cancelRun: z.tuple([id]),
  getCollapseStats: z.tuple([StatsQuerySchema]),
  getHistograms: z.tuple([StatsQuerySchema.extend({ bins: z.number().int().min(2).max(100).default(10) })]),
  getFinalAlphaPoints: z.tuple([StatsQuerySchema]),
  getInitFinalPairs: z.tuple([StatsQuerySchema]),
  getMeanTrajectories: z.tuple([StatsQuerySchema.extend({ maxPoints: z.number().int().min(2).max(5000).default(300) })]),
  importCsv: z.tuple([z.object({ fileName: z.string().min(1).max(500), text: z.string().max(200_000_000), name: z.string().min(1).max(200).optional() })]),
  exportSweep: z.tuple([id, z.enum(['csv', 'json'])])
} as const

// Compile-time: every method of the contract has an argument schema, and every schema a method.
const _everyMethod: Record<ApiMethod, unknown> = API_ARGS
const _onlyMethods: readonly ApiMethod[] = Object.keys(API_ARGS) as (keyof typeof API_ARGS)[]
void _everyMethod
void _onlyMethods

