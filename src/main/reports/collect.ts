/**
 * The store side of the fits and survival curves: reads the finished runs a
 * filter selects (and, for survival, their α histories) and hands them to
 * the pure functions in analysis/. The CLI, the service and the HTML report
 * all go through here, so they show the same numbers.
 */
import {
  collapseTable,
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
import type { FinalAlphaQuery, FinalAlphaRow, FitsResult, SurvivalCurve, SurvivalResult } from '../../shared/results'

export interface AnalysisQuery extends FinalAlphaQuery {
  threshold?: number
  /** Add the pooled fit / pooled curves over all selected datasets. */
  pool?: boolean
}

function datasetsOf(rows: readonly FinalAlphaRow[]): string[] {
  return [...new Set(rows.map((r) => r.dataset))].sort()
}

export function fitsFromRows(rows: readonly FinalAlphaRow[], threshold: number, pool: boolean): FitsResult {
  const obs = observations(rows, threshold)
  const names = datasetsOf(rows)
  const start = names.map((name) =>
    startFit(
      obs.filter((o) => o.dataset === name),
      { dataset: name, pooled: null }
    )
  )
  if (pool && names.length > 0) start.push(startFit(obs, { dataset: null, pooled: names }))
  const observed = collapseTable(pool && rows.length > 0 ? [...rows, ...poolRows(rows)] : rows, { threshold })
  return { threshold, fits: doseResponse(obs, { pool }), start, observed }
}

export function collectFits(store: Store, q: AnalysisQuery = {}): FitsResult {
  const threshold = q.threshold ?? DEFAULT_COLLAPSE_THRESHOLD
  return fitsFromRows(store.listFinalAlphas({ sweepId: q.sweepId, datasets: q.datasets }), threshold, q.pool ?? false)
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
  const rows = store.listFinalAlphas({ sweepId: q.sweepId, datasets: q.datasets })
  const meta = new Map(rows.map((r) => [r.runId, r]))
  const series = store.getAlphaHistory(rows.map((r) => r.runId))
  const grouped = series.flatMap((s) => {
    const r = meta.get(s.runId)
    return r ? [{ dataset: r.dataset, lambda: r.lambda, series: s }] : []
  })
  return survivalFromDurations(durations(grouped, threshold), threshold, q.pool ?? false, rows.some((r) => r.imported))
}
