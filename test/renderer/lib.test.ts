// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { collapseOption } from '../../src/renderer/src/charts/collapse-options'
import { finalAlphaScatterOption, poolHistograms } from '../../src/renderer/src/charts/distribution-options'
import { countPoints } from '../../src/renderer/src/charts/base'
import { diffConfigs, flattenConfig } from '../../src/renderer/src/lib/config-diff'
import { comparableConfig } from '../../src/renderer/src/stores/comparison'
import { DEFAULT_ALPHA_GRID, PAPER_TRAIN_DEFAULTS } from '../../src/shared/config'
import { runSummary } from './fake-client'
import { toCsv } from '../../src/renderer/src/lib/csv'
import { estimateSweep, trainCount } from '../../src/renderer/src/lib/estimate'
import { fmtDuration, fmtLambda, fmtShortTime, fmtTime } from '../../src/renderer/src/lib/format'
import { fieldKey, presetForm, validateForm } from '../../src/renderer/src/lib/spec-form'
import { idsFromQuery, parseHash } from '../../src/renderer/src/router'
import type { AlphaHistogram, CollapseRow } from '../../src/shared/results'
import { PRESETS } from '../../src/shared/sweep-spec'

describe('spec form model', () => {
  it('round-trips both presets through the form into a valid spec', () => {
    for (const name of ['paper', 'original-code'] as const) {
      const { spec, errors } = validateForm(presetForm(name))
      expect(errors).toEqual({})
      expect(spec).toEqual(PRESETS[name])
    }
  })

  it('keys issues by field', () => {
    expect(fieldKey(['lambdas', 3])).toBe('lambdas')
    expect(fieldKey(['lambdas', 'step'])).toBe('lambdas.step')
    expect(fieldKey(['alphaInit', 'grid', 0])).toBe('alphaInit.grid')
    expect(fieldKey(['network', 'convs', 1, 'kernel'])).toBe('network.convs.1.kernel')
    expect(fieldKey(['datasets', 0])).toBe('datasets')
  })
})

describe('estimate', () => {
  it('caps a subsample at the split size and leaves unknown datasets out of the duration', () => {
    expect(trainCount('mnist', 10_000)).toBe(8_000)
    expect(trainCount('fashion-mnist', null)).toBe(60_000)
    expect(trainCount('my-idx', null)).toBeNull()
    expect(trainCount('my-idx', 500)).toBe(500)
    const e = estimateSweep({ ...PRESETS.paper, datasets: ['fashion-mnist', 'my-idx'], subsample: null }, 1, 2)
    expect(e).toEqual({ runs: 132, steps: null, durationMs: null, unknownDatasets: ['my-idx'] })
  })

  it('never divides by more workers than runs', () => {
    const spec = { ...PRESETS.paper, lambdas: [0], runsPerLambda: 1, subsample: 6400, epochs: 1 }
    expect(estimateSweep(spec, 2, 8).durationMs).toBe(200)
  })
})

describe('formatting', () => {
  it('prints λ without float noise and durations in readable units', () => {
    expect(fmtLambda(0.015000000000000001)).toBe('0.015')
    expect(fmtDuration(45_000)).toBe('45 s')
    expect(fmtDuration(3 * 3600_000 + 5 * 60_000)).toBe('3 h 05 min')
  })

  it('leaves this year out of table times, never another year', () => {
    const now = new Date(2026, 11, 2, 19, 35).getTime()
    expect(fmtShortTime(now, now)).toBe('02 Dec, 19:35')
    expect(fmtTime(now)).toBe('02 Dec 2026, 19:35')
    const lastYear = new Date(2025, 11, 31, 23, 59).getTime()
    expect(fmtShortTime(lastYear, now)).toBe(fmtTime(lastYear))
    expect(fmtShortTime(null)).toBe('—')
  })
})

describe('config diff', () => {
  it('flattens nested configs and marks differences', () => {
    expect(flattenConfig({ a: { b: 1 }, grid: [0, 0.5], convs: [{ k: 2 }] })).toEqual({ 'a.b': '1', grid: '0, 0.5', 'convs.length': '1', 'convs.0.k': '2' })
    const rows = diffConfigs([
      { lr: 0.01, lambda: 0 },
      { lr: 0.01, lambda: 0.05, extra: true }
    ])
    expect(rows).toEqual([
      { key: 'lr', values: ['0.01', '0.01'], differs: false, partial: false },
      { key: 'lambda', values: ['0', '0.05'], differs: true, partial: false },
      // A setting one config does not record is no difference.
      { key: 'extra', values: ['not recorded', 'true'], differs: false, partial: true }
    ])
  })

  it('compares a trained run with an imported one on what both record: λ and dataset, and where they came from', () => {
    const trained = { ...runSummary(1, { lambda: 0.01 }), seeds: { weights: 1, alpha: 1, order: 1, subsample: 0 }, config: { ...PAPER_TRAIN_DEFAULTS, lambda: 0.01, alphaInit: { kind: 'grid' as const, grid: [...DEFAULT_ALPHA_GRID] }, seeds: { weights: 1, alpha: 1, order: 1, subsample: 0 } }, notes: null }
    const imported = { ...runSummary(2, { lambda: 0.02, imported: true, engine: null, dataset: 'study-1' }), seeds: null, config: null, notes: null }
    const rows = diffConfigs([comparableConfig(trained), comparableConfig(imported)])
    expect(rows.filter((r) => r.differs).map((r) => r.key)).toEqual(['source', 'dataset', 'lambda'])
    expect(rows.some((r) => r.values.includes('null'))).toBe(false)
    expect(rows.find((r) => r.key === 'epochs')).toMatchObject({ values: ['10', 'not recorded'], differs: false, partial: true })
  })
})

describe('csv', () => {
  it('quotes what needs quoting', () => {
    const csv = toCsv([{ name: 'a,"b"', v: 1 }, { name: 'line\nbreak', v: null }], [
      { header: 'name', value: (r) => r.name },
      { header: 'v', value: (r) => r.v }
    ])
    expect(csv).toBe('name,v\r\n"a,""b""",1\r\n"line\nbreak",\r\n')
  })
})

describe('router', () => {
  it('parses deep links', () => {
    expect(parseHash('#/runs/42')).toEqual({ name: 'run', runId: 42, query: {} })
    expect(parseHash('#/compare?ids=3,1,x,3')).toMatchObject({ name: 'compare', query: { ids: '3,1,x,3' } })
    expect(idsFromQuery({ ids: '3,1,x,3,0' })).toEqual([3, 1])
    expect(parseHash('').name).toBe('sweep')
    expect(parseHash('#/nowhere').name).toBe('sweep')
  })
})

describe('chart options', () => {
  const row = (dataset: string, lambda: number, pct: number): CollapseRow => ({
    dataset,
    lambda,
    runs: 2,
    n: 6,
    collapsed: Math.round((pct / 100) * 6),
    pct,
    ci_low: Math.max(0, pct - 20),
    ci_high: Math.min(100, pct + 20),
    per_alpha: [{ index: 0, n: 2, collapsed: 1, pct: 50, ci_low: 10, ci_high: 90 }],
    repeats: 0
  })

  it('draws one line and one CI band per dataset, toggled together by the legend', () => {
    const option = collapseOption([row('a', 0.05, 50), row('a', 0, 0), row('b', 0, 10)], 0.05)
    const series = option?.series as { id: string; name: string; data: number[][]; stack?: string }[]
    expect(series.map((s) => s.id)).toEqual(['band-lo-d0', 'band-hi-d0', 'pct-d0', 'band-lo-d1', 'band-hi-d1', 'pct-d1'])
    expect(new Set(series.slice(0, 3).map((s) => s.name))).toEqual(new Set(['a']))
    // Sorted by λ; the band is stacked low + (high − low).
    expect(series[2].data.map((d) => d[0])).toEqual([0, 0.05])
    expect(series[0].data).toEqual([
      [0, 0],
      [0.05, 30]
    ])
    expect(series[1].data).toEqual([
      [0, 20],
      [0.05, 40]
    ])
    expect(collapseOption([], 0.05)).toBeNull()
  })

  it('pools histograms over datasets and α indices', () => {
    const h = (dataset: string, lambda: number, alphaIndex: number, counts: number[]): AlphaHistogram => ({ dataset, lambda, alphaIndex, edges: [0, 0.5, 1], counts, outside: 0 })
    const hists = [h('a', 0, 0, [1, 2]), h('a', 0, 1, [3, 4]), h('b', 0, 0, [10, 0]), h('a', 0.01, 0, [0, 1])]
    expect(poolHistograms(hists, { dataset: null, alphaIndex: null }).map((p) => p.counts)).toEqual([[14, 6], [0, 1]])
    expect(poolHistograms(hists, { dataset: 'a', alphaIndex: 0 }).map((p) => p.counts)).toEqual([[1, 2], [0, 1]])
  })

  it('places final α at its λ on a linear axis, jittered within a sixth of the smallest λ step', () => {
    const option = finalAlphaScatterOption(
      [0, 0.005, 0.05].flatMap((lambda, i) => [0, 1, 2].map((alphaIndex) => ({ dataset: 'a', lambda, runId: i + 1, alphaIndex, finalAlpha: 0.5 }))),
      0.05
    )
    const data = (option?.series as { data: number[][] }[])[0].data
    expect(countPoints(option)).toBe(9)
    for (const [x, , , , lambda] of data) expect(Math.abs(x - lambda)).toBeLessThanOrEqual(0.005 / 6)
  })
})

describe('presetForm and the official split', () => {
  it('original-code trains on fashion-mnist-official when the back end offers it, else on fashion-mnist; paper never changes', () => {
    expect(presetForm('original-code', ['fashion-mnist', 'mnist', 'fashion-mnist-official']).datasets).toEqual(['fashion-mnist-official'])
    expect(presetForm('original-code', ['fashion-mnist', 'mnist']).datasets).toEqual(['fashion-mnist'])
    expect(presetForm('paper', ['fashion-mnist-official']).datasets).toEqual(['fashion-mnist'])
    expect(presetForm('original-code').seeding).toBe('independent')
  })
})
