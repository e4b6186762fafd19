import type { AlphaHistogram, FinalAlphaRow } from '../../shared/results'
import { groupByDatasetLambda } from './groups'

export interface HistogramOptions {
  /** Default 10. */
  bins?: number
  /** Default [0, 1]. */
  range?: [number, number]
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
  const edges = binEdges(bins, lo, hi)
  const out: AlphaHistogram[] = []
  for (const { dataset, lambda, items } of groupByDatasetLambda(rows)) {
    const perAlpha: AlphaHistogram[] = []
    for (const run of items) {
      run.finalAlpha.forEach((v, alphaIndex) => {
        const h = (perAlpha[alphaIndex] ??= { dataset, lambda, alphaIndex, edges, counts: new Array<number>(bins).fill(0), outside: 0 })
        const k = binIndex(v, edges)
        if (k < 0) h.outside++
        else h.counts[k]++
      })
    }
    out.push(...perAlpha)
  }
  return out
}
