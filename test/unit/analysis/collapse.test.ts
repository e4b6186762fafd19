import { describe, expect, it } from 'vitest'
import { collapseTable, isCollapsed, lambdaKey, poolRows, runCollapseTable } from '../../../src/main/analysis'

describe('collapseTable', () => {
  // Hand-computed: in (a, λ 0) the final α ≤ 0.05 are 0.01, 0.05 (inclusive) and 0, i.e. 3 of 6;
  // per α index: α0 1/2 (0.01), α1 1/2 (0), α2 1/2 (0.05).
  const rows = [
    { dataset: 'b', lambda: 0, finalAlpha: [1, 1, 1] },
    { dataset: 'a', lambda: 0.015000000000000001, finalAlpha: [0.9, 0.051, 0.04] },
    { dataset: 'a', lambda: 0, finalAlpha: [0.01, 0.5, 0.05] },
    { dataset: 'a', lambda: 0.015, finalAlpha: [0, 0, 0] },
    { dataset: 'a', lambda: 0, finalAlpha: [0.2, 0, 0.9] }
  ]

  it('counts collapsed α per dataset and λ, sorted by dataset then λ', () => {
    const table = collapseTable(rows)
    expect(table.map((r) => [r.dataset, r.lambda, r.runs, r.n, r.collapsed])).toEqual([
      ['a', 0, 2, 6, 3],
      ['a', 0.015, 2, 6, 4],
      ['b', 0, 1, 3, 0]
    ])
  })

  it('gives pct 0–100 and the Wilson interval as percentages, overall and per α', () => {
    const [a0, a15, b0] = collapseTable(rows)
    expect(a0.pct).toBe(50)
    // 3/6 by hand (50-digit roots of the Wilson quadratic): 18.76163064826505 .. 81.23836935173495
    expect(Math.abs(a0.ci_low - 18.76163064826505)).toBeLessThan(1e-10)
    expect(Math.abs(a0.ci_high - 81.23836935173495)).toBeLessThan(1e-10)
    expect(a0.per_alpha.map((p) => [p.index, p.n, p.collapsed, p.pct])).toEqual([
      [0, 2, 1, 50],
      [1, 2, 1, 50],
      [2, 2, 1, 50]
    ])
    // 1/2 by hand: 9.453120573423073 .. 90.54687942657694
    expect(Math.abs(a0.per_alpha[0].ci_low - 9.453120573423073)).toBeLessThan(1e-10)
    expect(Math.abs(a0.per_alpha[0].ci_high - 90.54687942657694)).toBeLessThan(1e-10)

    expect(a15.pct).toBeCloseTo((100 * 4) / 6, 12)
    expect(a15.per_alpha.map((p) => p.collapsed)).toEqual([1, 1, 2])
    expect(b0).toMatchObject({ collapsed: 0, pct: 0, ci_low: 0 })
    // 0/3 by hand: upper bound z²/(n + z²) = 3.8414588206941236/6.841458820694124
    expect(b0.ci_high).toBeCloseTo(100 * (3.8414588206941236 / 6.841458820694124), 10)
  })

  it('merges λ that differ by float noise into one row keyed by the rounded λ', () => {
    expect(lambdaKey(0.015000000000000001)).toBe(0.015)
    expect(lambdaKey(0.1 + 0.2)).toBe(0.3)
    expect(collapseTable(rows).filter((r) => r.dataset === 'a').map((r) => r.lambda)).toEqual([0, 0.015])
  })

  it('takes the threshold as an option (≤ is inclusive)', () => {
    const [a0] = collapseTable(rows, { threshold: 0.01 })
    expect(a0.collapsed).toBe(2)
    const [, a15] = collapseTable(rows, { threshold: 0.051 })
    expect(a15.collapsed).toBe(5)
  })

  it('leaves out runs without α and returns nothing for no rows', () => {
    expect(collapseTable([])).toEqual([])
    expect(collapseTable([{ dataset: 'x', lambda: 0, finalAlpha: [] }])).toEqual([])
  })
})

describe('the threshold compared as the study did', () => {
  it('counts an α stored as float32(0.05) as collapsed, as numpy isclose(α, 0, atol=0.05) did on the float64 draw', () => {
    const f32 = Math.fround(0.05)
    expect(f32).toBeGreaterThan(0.05) // the trap: a plain ≤ on doubles says "not collapsed"
    expect(isCollapsed(f32, 0.05)).toBe(true)
    expect(isCollapsed(0.05, 0.05)).toBe(true)
    const [row] = collapseTable([{ dataset: 'd', lambda: 0, finalAlpha: [f32, 0.05, 0.0500001] }])
    expect(row.collapsed).toBe(2)
  })

  it('gives the study answer for every grid value: k·0.05 (float32) collapses at threshold 0.05 only for k ≤ 1', () => {
    for (let k = 0; k < 20; k++) {
      const grid = Math.round(k * 5) / 100
      const study = Math.abs(grid - 0) <= 0.05 // numpy isclose(α, 0, atol=0.05, rtol=1e-5·0) on the float64 value
      expect(isCollapsed(Math.fround(grid), 0.05), `α = ${grid}`).toBe(study)
      expect(isCollapsed(grid, 0.05), `α = ${grid} (float64)`).toBe(study)
    }
    expect(isCollapsed(Math.fround(0.1), 0.1)).toBe(true)
    expect(isCollapsed(0.051, 0.05)).toBe(false)
  })
})

describe('runCollapseTable and pooling', () => {
  const rows = [
    { dataset: 'a', lambda: 0, finalAlpha: [0.01, 0.5, 0.05] },
    { dataset: 'a', lambda: 0, finalAlpha: [0, 0, 0] },
    { dataset: 'a', lambda: 0, finalAlpha: [0.9, 0.9, 0.9] },
    { dataset: 'b', lambda: 0, finalAlpha: [0.01, 0.02, 0.03] }
  ]

  it('counts runs with any and with all α collapsed, with Wilson intervals over runs', () => {
    const [a, b] = runCollapseTable(rows)
    expect(a).toMatchObject({ dataset: 'a', runs: 3, any_collapsed: 2, all_collapsed: 1 })
    expect(a.any_pct).toBeCloseTo(200 / 3, 12)
    // 1/3: the Wilson closed form evaluated separately in Python: 6.149194472039615% .. 79.23403991979524%
    expect(a.all_ci_low).toBeCloseTo(6.149194472039, 9)
    expect(a.all_ci_high).toBeCloseTo(79.234039910, 6)
    expect(b).toMatchObject({ dataset: 'b', runs: 1, any_collapsed: 1, all_collapsed: 1, all_pct: 100, all_ci_high: 100 })
  })

  it('pools the datasets into one row per λ', () => {
    const [pooled, ...rest] = collapseTable(poolRows(rows))
    expect(rest).toEqual([])
    expect(pooled).toMatchObject({ dataset: 'pooled', runs: 4, n: 12, collapsed: 8 })
  })
})
