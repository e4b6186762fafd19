import type { AlphaCollapse, CollapseGroup, CollapseInput, CollapseRow, RunCollapseRow } from '../../shared/results'
import { groupByDatasetLambda, groupKey, lambdaKey, type Keyed } from './groups'
import { firstOfEachKey } from './once'
import { isCollapsed } from './threshold'
import { Z_95, wilsonInterval } from './wilson'

/** An α has collapsed when its final value is at most this (the study's threshold). */
import { COLLAPSE_THRESHOLD as DEFAULT_COLLAPSE_THRESHOLD } from '../../shared/constants'

export { DEFAULT_COLLAPSE_THRESHOLD }

export interface CollapseOptions {
  threshold?: number
  /** z of the interval; default 95%. */
  z?: number
  /** Runs left out of the input as repeats of a counted config (analysis/once.ts): each row says how many were its own. */
  repeats?: readonly Keyed[]
}

export type { CollapseInput }

/** How many repeats each (dataset, λ) group had. */
function repeatsByGroup(repeats: readonly Keyed[] = []): (g: Keyed) => number {
  const counts = new Map<string, number>()
  for (const r of repeats) counts.set(groupKey(r), (counts.get(groupKey(r)) ?? 0) + 1)
  return (g) => counts.get(groupKey(g)) ?? 0
}

function stats(collapsed: number, n: number, z: number): { pct: number; ci_low: number; ci_high: number } {
  const ci = wilsonInterval(collapsed, n, z)
  return { pct: (100 * collapsed) / n, ci_low: 100 * ci.low, ci_high: 100 * ci.high }
}

/**
 * The collapse table: for each dataset and λ (rounded to 1e-9), how many of
 * the final α are ≤ threshold (see isCollapsed), overall and per α index, with Wilson intervals.
 * Percentages are 0–100. Runs without α are left out.
 */
export function collapseTable(rows: readonly CollapseInput[], opts: CollapseOptions = {}): CollapseRow[] {
  const threshold = opts.threshold ?? DEFAULT_COLLAPSE_THRESHOLD
  const z = opts.z ?? Z_95
  if (!Number.isFinite(threshold)) throw new RangeError(`collapse threshold must be a number, got ${threshold}`)
  const repeats = repeatsByGroup(opts.repeats)
  const groups = groupByDatasetLambda(rows.filter((r) => r.finalAlpha.length > 0))
  return groups.map(({ dataset, lambda, items }) => {
    const perAlpha: { n: number; collapsed: number }[] = []
    for (const run of items) {
      const alphas = run.finalAlpha
      for (let i = 0; i < alphas.length; i++) {
        perAlpha[i] ??= { n: 0, collapsed: 0 }
        perAlpha[i].n++
        if (isCollapsed(alphas[i], threshold)) perAlpha[i].collapsed++
      }
    }
    return collapseRow(dataset, lambda, items.length, perAlpha, repeats({ dataset, lambda }), z)
  })
}

/** One row of the collapse table from its per-α counts. */
function collapseRow(dataset: string, lambda: number, runs: number, perAlpha: readonly AlphaCount[], repeats: number, z: number): CollapseRow {
  const n = perAlpha.reduce((s, p) => s + p.n, 0)
  const collapsed = perAlpha.reduce((s, p) => s + p.collapsed, 0)
  const per_alpha: AlphaCollapse[] = perAlpha.map((p, index) => ({ index, n: p.n, collapsed: p.collapsed, ...stats(p.collapsed, p.n, z) }))
  return { dataset, lambda, runs, n, collapsed, ...stats(collapsed, n, z), per_alpha, repeats }
}

interface AlphaCount {
  n: number
  collapsed: number
}

/**
 * The same table straight from the store's grouped columns
 * (store.listCollapseGroups): no row objects are made, so 100,000 runs take
 * tens of milliseconds. Each experiment counts once (analysis/once.ts), the
 * first run of a key in the groups' order (dataset, λ, run id) being the one
 * counted, exactly as countOnce over listFinalAlphasLean would; `pool` adds the
 * pooled rows.
 */
export function collapseTableOfGroups(groups: readonly CollapseGroup[], opts: Omit<CollapseOptions, 'repeats'> & { pool?: boolean } = {}): CollapseRow[] {
  const threshold = opts.threshold ?? DEFAULT_COLLAPSE_THRESHOLD
  const z = opts.z ?? Z_95
  if (!Number.isFinite(threshold)) throw new RangeError(`collapse threshold must be a number, got ${threshold}`)
  const cut = Math.fround(threshold)
  const first = firstOfEachKey()
  const out = new Map<string, { dataset: string; lambda: number; runs: number; repeats: number; perAlpha: AlphaCount[] }>()
  const slot = (dataset: string, lambda: number) => {
    const key = groupKey({ dataset, lambda })
    let s = out.get(key)
    if (!s) out.set(key, (s = { dataset, lambda: lambdaKey(lambda), runs: 0, repeats: 0, perAlpha: [] }))
    return s
  }
  for (const g of groups) {
    const slots = opts.pool ? [slot(g.dataset, g.lambda), slot(POOLED_LABEL, g.lambda)] : [slot(g.dataset, g.lambda)]
    let at = 0
    for (let r = 0; r < g.keys.length; r++) {
      const count = g.alphaCounts[r]
      const counted = first(g.keys[r])
      for (const s of slots) {
        if (!counted) s.repeats++
        else if (count > 0) {
          s.runs++
          for (let i = 0; i < count; i++) {
            const a = (s.perAlpha[i] ??= { n: 0, collapsed: 0 })
            a.n++
            if (Math.fround(g.finals[at + i]) <= cut) a.collapsed++
          }
        }
      }
      at += count
    }
  }
  return [...out.values()]
    .filter((s) => s.runs > 0)
    .sort((a, b) => (a.dataset < b.dataset ? -1 : a.dataset > b.dataset ? 1 : a.lambda - b.lambda))
    .map((s) => collapseRow(s.dataset, s.lambda, s.runs, s.perAlpha, s.repeats, z))
}

/** The same rows with every dataset renamed to one label: the repeats pooled into one table. */
export function poolRows<T extends { dataset: string }>(rows: readonly T[], label = POOLED_LABEL): T[] {
  return rows.map((r) => ({ ...r, dataset: label }))
}

export const POOLED_LABEL = 'pooled'

/**
 * Run-level collapse: per dataset and λ, how many runs had any α collapsed
 * and how many had all of them collapsed, with Wilson intervals over runs.
 * Unlike the α-level table it does not treat a run's α as independent.
 */
export function runCollapseTable(rows: readonly CollapseInput[], opts: CollapseOptions = {}): RunCollapseRow[] {
  const threshold = opts.threshold ?? DEFAULT_COLLAPSE_THRESHOLD
  const z = opts.z ?? Z_95
  if (!Number.isFinite(threshold)) throw new RangeError(`collapse threshold must be a number, got ${threshold}`)
  const repeats = repeatsByGroup(opts.repeats)
  return groupByDatasetLambda(rows.filter((r) => r.finalAlpha.length > 0)).map(({ dataset, lambda, items }) => {
    const runs = items.length
    const any = items.filter((r) => r.finalAlpha.some((a) => isCollapsed(a, threshold))).length
    const all = items.filter((r) => r.finalAlpha.every((a) => isCollapsed(a, threshold))).length
    const a = stats(any, runs, z)
    const b = stats(all, runs, z)
    return {
      dataset,
      lambda,
      runs,
      any_collapsed: any,
      any_pct: a.pct,
      any_ci_low: a.ci_low,
      any_ci_high: a.ci_high,
      all_collapsed: all,
      all_pct: b.pct,
      all_ci_low: b.ci_low,
      all_ci_high: b.ci_high,
      repeats: repeats({ dataset, lambda })
    }
  })
}
