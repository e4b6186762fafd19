import { describe, expect, it } from 'vitest'
import { binEdges, binIndex, finalAlphaHistograms, finalAlphaVsLambda, initialVsFinal, meanTrajectories } from '../../../src/main/analysis'
import type { AlphaSeries, FinalAlphaRow } from '../../../src/shared/results'

const run = (runId: number, dataset: string, lambda: number, finalAlpha: number[], alphaInit: number[] | null = null): FinalAlphaRow => ({
  runId,
  sweepId: 1,
  dataset,
  lambda,
  alphaInit,
  finalAlpha,
  imported: false,
  configKey: `run:${runId}`
})

describe('finalAlphaHistograms', () => {
  it('bins [0, 1] into 10 half-open bins with the last one closed, exact at round edges', () => {
    const edges = binEdges(10, 0, 1)
    expect(edges[3]).toBe(0.3)
    expect(binIndex(0, edges)).toBe(0)
    expect(binIndex(0.3, edges)).toBe(3)
    expect(binIndex(0.1 + 0.2, edges)).toBe(3)
    expect(binIndex(0.29999999999999993, edges)).toBe(2)
    expect(binIndex(0.7, edges)).toBe(7)
    expect(binIndex(0.6999999, edges)).toBe(6)
    expect(binIndex(1, edges)).toBe(9)
    expect(binIndex(1.01, edges)).toBe(-1)
    expect(binIndex(NaN, edges)).toBe(-1)
  })

  it('counts per dataset, λ and α index', () => {
    const rows = [run(1, 'a', 0.01, [0, 0.3, 1]), run(2, 'a', 0.01, [0.05, 0.35, 1.5]), run(3, 'a', 0.02, [0.99, 0.5, 0.5])]
    const hists = finalAlphaHistograms(rows)
    expect(hists.map((h) => [h.lambda, h.alphaIndex])).toEqual([
      [0.01, 0],
      [0.01, 1],
      [0.01, 2],
      [0.02, 0],
      [0.02, 1],
      [0.02, 2]
    ])
    expect(hists[0].counts).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    expect(hists[1].counts).toEqual([0, 0, 0, 2, 0, 0, 0, 0, 0, 0])
    expect(hists[2].counts).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    expect(hists[2].outside).toBe(1)
    const four = finalAlphaHistograms(rows, { bins: 4 })
    expect(four[0].edges).toEqual([0, 0.25, 0.5, 0.75, 1])
    expect(four[4].counts).toEqual([0, 0, 1, 0])
    expect(() => finalAlphaHistograms(rows, { bins: 0 })).toThrow(RangeError)
  })
})

describe('final α points', () => {
  it('lists final α against rounded λ, and initial vs final where the initial α is known', () => {
    const rows = [run(1, 'a', 0.015000000000000001, [0.1, 0.2], [0.5, 0.6]), run(2, 'a', 0, [0.3, 0.4])]
    expect(finalAlphaVsLambda(rows)).toEqual([
      { dataset: 'a', lambda: 0, runId: 2, alphaIndex: 0, finalAlpha: 0.3 },
      { dataset: 'a', lambda: 0, runId: 2, alphaIndex: 1, finalAlpha: 0.4 },
      { dataset: 'a', lambda: 0.015, runId: 1, alphaIndex: 0, finalAlpha: 0.1 },
      { dataset: 'a', lambda: 0.015, runId: 1, alphaIndex: 1, finalAlpha: 0.2 }
    ])
    expect(initialVsFinal(rows)).toEqual([
      { dataset: 'a', lambda: 0.015, runId: 1, alphaIndex: 0, initial: 0.5, final: 0.1 },
      { dataset: 'a', lambda: 0.015, runId: 1, alphaIndex: 1, initial: 0.6, final: 0.2 }
    ])
  })
})

describe('meanTrajectories', () => {
  const series = (runId: number, steps: number[], a0: number[], a1: number[]): AlphaSeries => ({
    runId,
    steps,
    epochs: steps.map(() => null),
    alphas: [a0, a1],
    losses: steps.map(() => null)
  })

  it('averages each α over runs at the steps every run recorded (shorter runs cut the length)', () => {
    const input = [
      { dataset: 'a', lambda: 0.01, series: series(1, [0, 1, 2, 3], [0.5, 0.4, 0.3, 0.2], [1, 1, 1, 1]) },
      { dataset: 'a', lambda: 0.01, series: series(2, [0, 1, 2], [0.7, 0.6, 0.5], [0, 0, 0]) },
      { dataset: 'a', lambda: 0.010000000000000002, series: series(3, [0, 2, 3], [0.3, 0.1, 0], [0.5, 0.5, 0.5]) },
      { dataset: 'a', lambda: 0.02, series: series(4, [0, 1], [0.9, 0.8], [0.1, 0.2]) }
    ]
    const [l1, l2] = meanTrajectories(input)
    // λ 0.01: steps 0 and 2 are the only ones all three runs recorded.
    expect(l1).toMatchObject({ dataset: 'a', lambda: 0.01, runs: 3, steps: [0, 2] })
    expect(l1.mean[0][0]).toBeCloseTo((0.5 + 0.7 + 0.3) / 3, 12)
    expect(l1.mean[0][1]).toBeCloseTo((0.3 + 0.5 + 0.1) / 3, 12)
    expect(l1.mean[1]).toEqual([0.5, 0.5])
    // sample sd of α1 at step 0: values 1, 0, 0.5 → mean 0.5, Σ(v − m)² = 0.5, / (3 − 1) → √0.25
    expect(l1.sd[1][0]).toBeCloseTo(0.5, 12)
    expect(l2).toMatchObject({ lambda: 0.02, runs: 1, steps: [0, 1], mean: [[0.9, 0.8], [0.1, 0.2]], sd: [[0, 0], [0, 0]] })
  })
})

describe('finalAlphaHistograms aligned to the collapse threshold (issue 10, defect 5)', () => {
  it('puts exactly the collapsed α in bin 0, as the collapse table counts them', async () => {
    const { collapseTable } = await import('../../../src/main/analysis')
    // 0.05 as float32 (never moved from the grid) collapses; 0.06 and 0.099 land in the old first bin [0, 0.1) but do not.
    const finals = [0, 0.01, Math.fround(0.05), 0.0500001, 0.06, 0.099, 0.5, 1]
    const rows = finals.map((a, i) => ({ runId: i + 1, dataset: 'd', lambda: 0, finalAlpha: [a], alphaInit: [0.5] }))
    const [h] = finalAlphaHistograms(rows, { bins: 10, threshold: 0.05 })
    const [table] = collapseTable(rows as never, { threshold: 0.05 })
    expect(h.threshold).toBe(0.05)
    expect(h.edges[0]).toBe(0)
    expect(h.edges[1]).toBe(0.05)
    expect(h.edges.at(-1)).toBe(1)
    expect(h.counts[0]).toBe(3)
    expect(h.counts[0]).toBe(table.collapsed)
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(finals.length)
    // The unaligned histogram's first bin holds 6: the dark bar the issue reports as wrong.
    expect(finalAlphaHistograms(rows, { bins: 10 })[0].counts[0]).toBe(6)
  })

  it('refuses a threshold outside the range', () => {
    const rows = [{ dataset: 'd', lambda: 0, finalAlpha: [0.2] }]
    expect(() => finalAlphaHistograms(rows, { bins: 10, threshold: 1 })).toThrow(/threshold 1 must lie inside/)
  })
})
