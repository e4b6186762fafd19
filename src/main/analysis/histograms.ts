import type { AlphaHistogram, FinalAlphaRow } from '../../shared/results'
import { groupByDatasetLambda } from './groups'
import { isCollapsed } from './threshold'

export interface HistogramOptions {
  /** Default 10. */
  bins?: number
  /** Default [0, 1]. */
  range?: [number, number]
  /**
   * Collapse threshold: bin 0 is then exactly "collapsed" ([lo, threshold],
   * counted with the collapse table's own test, isCollapsed) and the other
   * bins - 1 split (threshold, hi] evenly, so the dark bar and the table agree.
   */
  threshold?: number
}

/** Edges [lo, t, then (hi − t)·k/(bins − 1) above t]: bin 0 is the collapsed one. */
export function thresholdEdges(bins: number, lo: number, hi: number, t: number): number[] {
  if (bins < 2) throw new RangeError(`a threshold-aligned histogram needs at least 2 bins, got ${bins}`)
  if (!(t > lo && t < hi)) throw new RangeError(`threshold ${t} must lie inside the histogram range (${lo}, ${hi})`)
  return [lo, ...binEdges(bins - 1, t, hi)]
}

/** Edges lo + (hi − lo)·k/bins: k/bins is exact for the round edges (0.3 is 3/10, not 3 × 0.1). */
export function binEdges(bins: number, lo: number, hi: number): number[] {
  return Array.from({ length: bins + 1 }, (_, k) => (k === bins ? hi : lo + ((hi - lo) * k) / bins))
}

/** Bin of v: [edges[k], edges[k+1]), the last bin closed; -1 outside. */
export function binIndex(v: number, edges: readonly number[]): number {
  const bins = edges.length - 1
  const lo = edges[0]
  const hi = edges[bins]
  if (!(v >= lo && v <= hi)) return -1
  if (v === hi) return bins - 1
  let k = Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))
  // The division can land one bin off near an edge; the edges decide.
  while (k > 0 && v < edges[k]) k--
  while (k < bins - 1 && v >= edges[k + 1]) k++
  return k
}

/** Histogram of final α per dataset, λ and α index. */
export function finalAlphaHistograms(
  rows: readonly Pick<FinalAlphaRow, 'dataset' | 'lambda' | 'finalAlpha'>[],
  opts: HistogramOptions = {}
): AlphaHistogram[] {
  const bins = opts.bins ?? 10
  const [lo, hi] = opts.range ?? [0, 1]
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`)
  if (!(hi > lo)) throw new RangeError(`histogram range [${lo}, ${hi}] is empty`)
  const t = opts.threshold
  const edges = t === undefined ? binEdges(bins, lo, hi) : thresholdEdges(bins, lo, hi, t)
  const bin = (v: number): number => {
    if (t === undefined) return binIndex(v, edges)
    if (!(v >= lo && v <= hi)) return -1
    if (isCollapsed(v, t)) return 0
    return Math.max(1, binIndex(v, edges))
  }
  const out: AlphaHistogram[] = []
  for (const { dataset, lambda, items } of groupByDatasetLambda(rows)) {
    const perAlpha: AlphaHistogram[] = []
    for (const run of items) {
      run.finalAlpha.forEach((v, alphaIndex) => {
        const h = (perAlpha[alphaIndex] ??= {
          dataset,
          lambda,
          alphaIndex,
          edges,
          counts: new Array<number>(bins).fill(0),
          outside: 0,
          ...(t === undefined ? {} : { threshold: t })
        })
        const k = bin(v)
        if (k < 0) h.outside++
        else h.counts[k]++
      })
    }
    out.push(...perAlpha)
  }
  return out
}
