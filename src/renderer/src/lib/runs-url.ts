import { RUN_ORDER_FIELDS, RUN_STATUSES, type RunStatus } from '@shared/results'
import { emptyBrush, type RunBrush } from './run-brush'
import type { NumInput } from './spec-form'
import { param, setParam } from './url-state'

export type RunListOrder = (typeof RUN_ORDER_FIELDS)[number]

/** The runs table's filters as the form holds them (stores/runs.ts). */
export interface RunFilters {
  sweepId: number | null
  datasets: string[]
  statuses: RunStatus[]
  lambdaMin: NumInput
  lambdaMax: NumInput
  finalAlphaMin: NumInput
  finalAlphaMax: NumInput
  search: string
  /** Runs carrying any of these tags. */
  tags: string[]
}

/** Everything of the runs view that a URL carries. */
export interface RunsViewState extends Omit<RunFilters, 'sweepId'> {
  sweeps: number[]
  orderBy: RunListOrder
  descending: boolean
  pageSize: number
  /** Index of the first row shown. */
  offset: number
  brush: RunBrush
}

export const DEFAULT_ORDER: RunListOrder = 'id'
export const DEFAULT_PAGE_SIZE = 50
/** The direction when a URL names a column but not a direction: newest, best and latest first. */
export const descendingFirst = (field: RunListOrder): boolean => field === 'id' || field === 'testAccuracy' || field === 'finishedAt' || field === 'createdAt'

/** Typing in these replaces the history entry; everything else pushes one. */
export const RUNS_TYPED_PARAMS = ['q', 'lambdaMin', 'lambdaMax', 'alphaMin', 'alphaMax', 'offset'] as const

const nonNegative = (n: number): boolean => n >= 0
const unit = (n: number): boolean => n >= 0 && n <= 1
const num = (v: number | undefined): NumInput => v ?? ''
const range = (r: readonly [number, number] | null): string | undefined => (r ? `${r[0]},${r[1]}` : undefined)

export function runsToParams(s: RunsViewState): URLSearchParams {
  const p = new URLSearchParams()
  setParam(p, 'sweeps', s.sweeps)
  setParam(p, 'dataset', s.datasets, true)
  setParam(p, 'status', s.statuses)
  setParam(p, 'lambdaMin', s.lambdaMin)
  setParam(p, 'lambdaMax', s.lambdaMax)
  setParam(p, 'alphaMin', s.finalAlphaMin)
  setParam(p, 'alphaMax', s.finalAlphaMax)
  setParam(p, 'q', s.search)
  setParam(p, 'tag', s.tags, true)
  if (s.orderBy !== DEFAULT_ORDER || s.descending !== descendingFirst(DEFAULT_ORDER)) {
    setParam(p, 'sort', s.orderBy)
    setParam(p, 'dir', s.descending ? 'desc' : 'asc')
  }
  if (s.pageSize !== DEFAULT_PAGE_SIZE) setParam(p, 'rows', s.pageSize)
  if (s.offset > 0) setParam(p, 'offset', s.offset)
  setParam(p, 'brushLambda', range(s.brush.lambda))
  setParam(p, 'brushInit', range(s.brush.alphaInit))
  setParam(p, 'brushFinal', range(s.brush.finalAlpha))
  setParam(p, 'brushAcc', range(s.brush.testAccuracy))
  setParam(p, 'brushDataset', s.brush.datasets, true)
  return p
}

/** The view a URL describes; anything missing or invalid (sort=bogus, alphaMin=2) is the default. */
export function runsFromParams(p: URLSearchParams, pageSizes: readonly number[]): RunsViewState {
  const orderBy = param.oneOf(p, 'sort', RUN_ORDER_FIELDS)[0] ?? DEFAULT_ORDER
  const dir = param.oneOf(p, 'dir', ['asc', 'desc'] as const)[0]
  const pageSize = param.number(p, 'rows', (n) => pageSizes.includes(n)) ?? DEFAULT_PAGE_SIZE
  const offset = param.number(p, 'offset', (n) => Number.isInteger(n) && n >= 0) ?? 0
  return {
    sweeps: param.ids(p, 'sweeps'),
    datasets: param.strings(p, 'dataset'),
    statuses: param.oneOf(p, 'status', RUN_STATUSES),
    lambdaMin: num(param.number(p, 'lambdaMin', nonNegative)),
    lambdaMax: num(param.number(p, 'lambdaMax', nonNegative)),
    finalAlphaMin: num(param.number(p, 'alphaMin', unit)),
    finalAlphaMax: num(param.number(p, 'alphaMax', unit)),
    search: (p.get('q') ?? '').slice(0, 200),
    tags: param.strings(p, 'tag').slice(0, 20),
    orderBy,
    descending: dir === undefined ? descendingFirst(orderBy) : dir === 'desc',
    pageSize,
    offset: Math.floor(offset / pageSize) * pageSize,
    brush: {
      ...emptyBrush(),
      lambda: param.range(p, 'brushLambda', nonNegative) ?? null,
      alphaInit: param.range(p, 'brushInit', unit) ?? null,
      finalAlpha: param.range(p, 'brushFinal', unit) ?? null,
      testAccuracy: param.range(p, 'brushAcc', unit) ?? null,
      datasets: param.strings(p, 'brushDataset')
    }
  }
}
