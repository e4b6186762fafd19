/**
 * The store side of the fits and survival curves: reads the finished runs a
 * filter selects (and, for survival, their α histories) and hands them to
 * the pure functions in analysis/. The CLI, the service and the HTML report
 * all go through here, so they show the same numbers.
 */
import {
  collapseTable,
  collapseTableOfGroups,
  countOnce,
  runCollapseTable,
  poolRows,
  DEFAULT_COLLAPSE_THRESHOLD,
  POOLED_LABEL,
  doseResponse,
  durations,
  logRankTest,
  observations,
  startFit,
  survivalCurve,
  type Duration
} from '../analysis'
import type { Store } from '../store'
import type { CollapseRow, FinalAlphaQuery, FinalAlphaRow, FitsResult, RunCollapseRow, SurvivalCurve, SurvivalResult } from '../../shared/results'

export interface AnalysisQuery extends FinalAlphaQuery {
  threshold?: number
  /** Add the pooled fit / pooled curves over all selected datasets. */
  pool?: boolean
}

function filterOf(q: FinalAlphaQuery): FinalAlphaQuery {
  return { sweepId: q.sweepId, sweepIds: q.sweepIds, datasets: q.datasets }
}

/**
 * The finished runs a filter selects, each experiment once, and the repeats
 * left out (analysis/once.ts): what every statistic is computed from.
 */
export function statisticRows(store: Store, q: FinalAlphaQuery = {}): { rows: FinalAlphaRow[]; repeats: FinalAlphaRow[] } {
  return countOnce(store.listFinalAlphas(filterOf(q)))
}

/** The rows and, when pooling, the same rows again under the pooled label. */
export function withPooled<T extends { dataset: string }>(rows: readonly T[], pool: boolean | undefined): readonly T[] {
  return pool && rows.length > 0 ? [...rows, ...poolRows(rows)] : rows
}

/** The α-level collapse table, each experiment once: read lean, since it is the headline statistic at any scale. */
export function collectCollapse(store: Store, q: AnalysisQuery = {}): CollapseRow[] {
  return collapseTableOfGroups(store.listCollapseGroups(filterOf(q)), { threshold: q.threshold, pool: q.pool })
}

/** The run-level collapse table (any / all α collapsed), each experiment once. */
export function collectRunCollapse(store: Store, q: AnalysisQuery = {}): RunCollapseRow[] {
  const { rows, repeats } = countOnce(store.listFinalAlphasLean(filterOf(q)))
  return runCollapseTable(withPooled(rows, q.pool), { threshold: q.threshold, repeats: withPooled(repeats, q.pool) })
}

function datasetsOf(rows: readonly FinalAlphaRow[]): string[] {
  return [...new Set(rows.map((r) => r.dataset))].sort()
}

/** The fits of rows already counted once; `repeats` (left out) only label the observed table. */
export function fitsFromRows(rows: readonly FinalAlphaRow[], threshold: number, pool: boolean, repeats: readonly FinalAlphaRow[] = []): FitsResult {
  const obs = observations(rows, threshold)
  const names = datasetsOf(rows)
  const start = names.map((name) =>
    startFit(
      obs.filter((o) => o.dataset === name),
      { dataset: name, pooled: null }
    )
  )
  if (pool && names.length > 0) start.push(startFit(obs, { dataset: null, pooled: names }))
  const observed = collapseTable(withPooled(rows, pool), { threshold, repeats: withPooled(repeats, pool) })
  return { threshold, fits: doseResponse(obs, { pool }), start, observed }
}

export function collectFits(store: Store, q: AnalysisQuery = {}): FitsResult {
  const threshold = q.threshold ?? DEFAULT_COLLAPSE_THRESHOLD
  const { rows, repeats } = statisticRows(store, q)
  return fitsFromRows(rows, threshold, q.pool ?? false, repeats)
}

function byKey(items: readonly Duration[], key: (d: Duration) => string): Map<string, Duration[]> {
  const m = new Map<string, Duration[]>()
  for (const d of items) {
    let list = m.get(key(d))
    if (!list) m.set(key(d), (list = []))
    list.push(d)
  }
  return m
}

export function survivalFromDurations(all: readonly Duration[], threshold: number, pool: boolean, reconstructed: boolean): SurvivalResult {
  const curves: SurvivalCurve[] = []
  for (const list of byKey(all, (d) => JSON.stringify([d.dataset, d.lambda])).values()) curves.push(survivalCurve(list, { dataset: list[0].dataset, lambda: list[0].lambda }))
  for (const list of byKey(all, (d) => d.dataset).values()) curves.push(survivalCurve(list, { dataset: list[0].dataset, lambda: null }))
  if (pool) for (const list of byKey(all, (d) => String(d.lambda)).values()) curves.push(survivalCurve(list, { dataset: POOLED_LABEL, lambda: list[0].lambda }))
  const order = (c: SurvivalCurve): [string, number] => [c.dataset ?? '', c.lambda ?? -1]
  curves.sort((a, b) => {
    const [da, la] = order(a)
    const [db, lb] = order(b)
    return da < db ? -1 : da > db ? 1 : la - lb
  })
  const tests = []
  if (new Set(all.map((d) => d.dataset)).size > 1) tests.push(logRankTest(all, 'datasets'))
  if (new Set(all.map((d) => d.lambda)).size > 1) tests.push(logRankTest(all, 'lambda'))
  return { threshold, reconstructed_steps: reconstructed, curves, tests }
}

export function collectSurvival(store: Store, q: AnalysisQuery = {}): SurvivalResult {
  const threshold = q.threshold ?? DEFAULT_COLLAPSE_THRESHOLD
  const { rows } = statisticRows(store, q)
  const meta = new Map(rows.map((r) => [r.runId, r]))
  const series = store.getAlphaHistory(rows.map((r) => r.runId))
  const grouped = series.flatMap((s) => {
    const r = meta.get(s.runId)
    return r ? [{ dataset: r.dataset, lambda: r.lambda, series: s }] : []
  })
  return survivalFromDurations(durations(grouped, threshold), threshold, q.pool ?? false, rows.some((r) => r.imported))
}
