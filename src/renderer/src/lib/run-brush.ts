import type { RunListQuery } from '@shared/api'
import type { RunSummary } from '@shared/results'

/** An inclusive [low, high] range brushed on one axis. */
export type Range = readonly [number, number]

/**
 * What is brushed on the runs view's parallel coordinates. Each numeric axis
 * holds one range; the dataset axis the names it covers. The table shows the
 * runs inside every brushed axis, as the chart highlights them.
 */
export interface RunBrush {
  lambda: Range | null
  /** Mean of the run's initial α. */
  alphaInit: Range | null
  /** Mean of the run's final α. */
  finalAlpha: Range | null
  testAccuracy: Range | null
  datasets: string[]
}

export type NumericAxis = 'lambda' | 'alphaInit' | 'finalAlpha' | 'testAccuracy'
export const NUMERIC_AXES: readonly NumericAxis[] = ['lambda', 'alphaInit', 'finalAlpha', 'testAccuracy']

export function emptyBrush(): RunBrush {
  return { lambda: null, alphaInit: null, finalAlpha: null, testAccuracy: null, datasets: [] }
}

export function isBrushed(b: RunBrush): boolean {
  return b.datasets.length > 0 || NUMERIC_AXES.some((a) => b[a] !== null)
}

const mean = (xs: readonly number[] | null): number | null => (xs && xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null)

/** A run's value on each numeric axis (null where it has none, e.g. no accuracy before it finishes). */
export function axisValues(r: RunSummary): Record<NumericAxis, number | null> {
  return { lambda: r.lambda, alphaInit: mean(r.alphaInit), finalAlpha: mean(r.finalAlpha), testAccuracy: r.testAccuracy }
}

/** Brushed ends kept to 4 significant digits: short URLs, and the chart is redrawn with the same rounded range. */
export function roundRange(lo: number, hi: number): Range {
  const r = (v: number): number => Number(v.toPrecision(4))
  return lo <= hi ? [r(lo), r(hi)] : [r(hi), r(lo)]
}

/**
 * The runs query narrowed by the brush: λ intersected with the λ filter, the
 * means and accuracy as their own bounds, datasets intersected with the
 * dataset filter. Null when no run can match (datasets brushed outside the
 * filter), so the caller shows an empty table instead of asking.
 */
export function brushedQuery(q: RunListQuery, b: RunBrush): RunListQuery | null {
  const out: RunListQuery = { ...q }
  if (b.lambda) {
    out.lambdaMin = Math.max(q.lambdaMin ?? -Infinity, b.lambda[0])
    out.lambdaMax = Math.min(q.lambdaMax ?? Infinity, b.lambda[1])
  }
  const clamp01 = (v: number): number => Math.min(1, Math.max(0, v))
  if (b.alphaInit) [out.alphaInitMeanMin, out.alphaInitMeanMax] = b.alphaInit.map(clamp01)
  if (b.finalAlpha) [out.finalAlphaMeanMin, out.finalAlphaMeanMax] = b.finalAlpha.map(clamp01)
  if (b.testAccuracy) [out.testAccuracyMin, out.testAccuracyMax] = b.testAccuracy.map(clamp01)
  if (b.datasets.length) {
    const names = q.datasets?.length ? q.datasets.filter((d) => b.datasets.includes(d)) : [...b.datasets]
    if (names.length === 0) return null
    out.datasets = names
  }
  return out
}
