import type { AlphaCollapse, CollapseRow, FinalAlphaRow } from '../../shared/results'
import { groupByDatasetLambda } from './groups'
import { Z_95, wilsonInterval } from './wilson'

/** An α has collapsed when its final value is at most this (the study's threshold). */
export const DEFAULT_COLLAPSE_THRESHOLD = 0.05

export interface CollapseOptions {
  threshold?: number
  /** z of the interval; default 95%. */
  z?: number
}

export type CollapseInput = Pick<FinalAlphaRow, 'dataset' | 'lambda' | 'finalAlpha'>

function stats(collapsed: number, n: number, z: number): { pct: number; ci_low: number; ci_high: number } {
  const ci = wilsonInterval(collapsed, n, z)
  return { pct: (100 * collapsed) / n, ci_low: 100 * ci.low, ci_high: 100 * ci.high }
}

/**
 * The collapse table: for each dataset and λ (rounded to 1e-9), how many of
 * the final α are ≤ threshold, overall and per α index, with Wilson intervals.
 * Percentages are 0–100. Runs without α are left out.
 */
export function collapseTable(rows: readonly CollapseInput[], opts: CollapseOptions = {}): CollapseRow[] {
  const threshold = opts.threshold ?? DEFAULT_COLLAPSE_THRESHOLD
  const z = opts.z ?? Z_95
  if (!Number.isFinite(threshold)) throw new RangeError(`collapse threshold must be a number, got ${threshold}`)
  const groups = groupByDatasetLambda(rows.filter((r) => r.finalAlpha.length > 0))
  return groups.map(({ dataset, lambda, items }) => {
    const perAlpha: { n: number; collapsed: number }[] = []
    for (const run of items) {
      run.finalAlpha.forEach((a, i) => {
        perAlpha[i] ??= { n: 0, collapsed: 0 }
        perAlpha[i].n++
        if (a <= threshold) perAlpha[i].collapsed++
      })
    }
    const n = perAlpha.reduce((s, p) => s + p.n, 0)
    const collapsed = perAlpha.reduce((s, p) => s + p.collapsed, 0)
    const per_alpha: AlphaCollapse[] = perAlpha.map((p, index) => ({ index, n: p.n, collapsed: p.collapsed, ...stats(p.collapsed, p.n, z) }))
    return { dataset, lambda, runs: items.length, n, collapsed, ...stats(collapsed, n, z), per_alpha }
  })
}
