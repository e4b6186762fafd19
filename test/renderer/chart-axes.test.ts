import { describe, expect, it } from 'vitest'
import type { DataZoomComponentOption, EChartsOption, LineSeriesOption, VisualMapComponentOption, XAXisComponentOption } from 'echarts'
import { collapseOption, perAlphaOption } from '../../src/renderer/src/charts/collapse-options'
import { finalAlphaScatterOption, histogramGridOption, initFinalScatterOption, jitterPad, visibleLambdaRange } from '../../src/renderer/src/charts/distribution-options'
import { lambdaFloor, lambdaScale, windowFromZoom } from '../../src/renderer/src/charts/lambda-axis'
import { bandEdges, bandHalfWidth, meanTrajectoryOption, t975 } from '../../src/renderer/src/charts/mean-trajectory-options'
import { alphaTrajectoryOption, batchLossOption, compareOption, emaSmooth, epochMetricsOption, runX, stepsPerEpochOf } from '../../src/renderer/src/charts/trajectory-options'
import type { AlphaInitFinalPair, AlphaPoint, AlphaSeries, CollapseRow, MeanTrajectory } from '../../src/shared/results'
import { fmtLambda } from '../../src/renderer/src/lib/format'

/** Issue 10, "Charts": λ axes, zoom, the colour scale of Figure 4b, loss smoothing, epoch axis, mean trajectories. */

/** The paper's λ range and one run far outside it. */
const LAMBDAS = [0, 0.005, 0.01, 0.02, 0.05, 0.3]

const row = (lambda: number, dataset = 'mnist'): CollapseRow => ({
  dataset,
  lambda,
  runs: 6,
  n: 18,
  collapsed: 9,
  pct: 50,
  ci_low: 30,
  ci_high: 70,
  per_alpha: [0, 1, 2].map((index) => ({ index, n: 6, collapsed: 3, pct: 50, ci_low: 20, ci_high: 80 })),
  repeats: 0
})
const rows = LAMBDAS.map((l) => row(l))
const points: AlphaPoint[] = LAMBDAS.flatMap((lambda, i) => [0, 1, 2].map((alphaIndex) => ({ dataset: 'mnist', lambda, runId: i + 1, alphaIndex, finalAlpha: 0.1 * alphaIndex })))
const pairs: AlphaInitFinalPair[] = LAMBDAS.flatMap((lambda, i) => [0.1, 0.5, 0.9].map((initial, alphaIndex) => ({ dataset: 'mnist', lambda, runId: i + 1, alphaIndex, initial, final: initial / 2 })))

const xAxes = (o: EChartsOption | null | undefined): XAXisComponentOption[] => {
  const x = o?.xAxis
  return (Array.isArray(x) ? x : x ? [x] : []) as XAXisComponentOption[]
}
const zooms = (o: EChartsOption | null | undefined): DataZoomComponentOption[] => {
  const dz = o?.dataZoom
  return (Array.isArray(dz) ? dz : dz ? [dz] : []) as DataZoomComponentOption[]
}
const seriesOf = (o: EChartsOption | null | undefined): LineSeriesOption[] => (o?.series ?? []) as LineSeriesOption[]
const pctSeries = (o: EChartsOption | null): number[][] => seriesOf(o).find((s) => String(s.id).startsWith('pct-'))?.data as number[][]

describe('Figure 4a: λ on a linear value axis, as Figure 1', () => {
  it('puts every point at its λ (outlier included), not in evenly spaced columns', () => {
    const option = finalAlphaScatterOption(points, 0.05)
    expect(xAxes(option)[0].type).toBe('value')
    const pad = jitterPad(LAMBDAS)
    expect(pad).toBeCloseTo(0.005 / 6, 9)
    const data = seriesOf(option)[0].data as number[][]
    for (const [x, , , , lambda] of data) expect(Math.abs(x - lambda)).toBeLessThanOrEqual(pad)
    // The outlier sits at 0.3, 60 times as far as 0.005 (a column layout had it one step away).
    const at = (l: number): number => data.find((d) => d[4] === l)![0]
    expect(at(0.3) / at(0.005)).toBeGreaterThan(50)
  })
})

describe('log λ on Figures 1 and 2', () => {
  it('draws λ at log₁₀ λ and λ = 0 at the labelled floor, the power of ten below the smallest positive λ', () => {
    expect(lambdaFloor(LAMBDAS)).toBeCloseTo(0.001, 12)
    expect(lambdaFloor([0, 0.001, 0.01])).toBeCloseTo(0.0001, 12)
    const option = collapseOption(rows, 0.05, { log: true, window: null })
    const axis = xAxes(option)[0] as { name: string; min: number; axisLabel: { formatter: (v: number) => string } }
    expect(axis.name).toBe('λ (log scale)')
    expect(axis.min).toBeCloseTo(-3, 12)
    expect(axis.axisLabel.formatter(-3)).toBe('0')
    expect(axis.axisLabel.formatter(-2)).toBe('0.01')
    const xs = pctSeries(option).map((d) => d[0])
    expect(xs[0]).toBeCloseTo(-3, 12)
    expect(xs.slice(1)).toEqual(LAMBDAS.slice(1).map(Math.log10))
    // The tooltip's λ is the real one (carried last).
    expect(pctSeries(option).map((d) => d[6])).toEqual(LAMBDAS)
    expect((xAxes(collapseOption(rows, 0.05))[0] as { name: string }).name).toBe('λ')
    const fig2 = perAlphaOption(rows, { log: true, window: null })
    expect(xAxes(fig2?.option).map((a) => (a as { name: string }).name)).toEqual(['λ (log scale)', 'λ (log scale)', 'λ (log scale)'])
  })
})

describe('zoom', () => {
  it('puts wheel and slider zoom on every chart', () => {
    const series: AlphaSeries = { runId: 1, steps: [0, 1, 2], epochs: [0, 0, 0], alphas: [[0.5, 0.4, 0.3]], losses: [2, 1.5, 1] }
    const traj: MeanTrajectory[] = [{ dataset: 'mnist', lambda: 0, runs: 2, steps: [0, 1], mean: [[0.5, 0.4]], sd: [[0.1, 0.1]] }]
    const charts: [string, EChartsOption | null | undefined][] = [
      ['Figure 1', collapseOption(rows, 0.05)],
      ['Figure 2', perAlphaOption(rows)?.option],
      ['Figure 3', histogramGridOption([{ dataset: 'mnist', lambda: 0, alphaIndex: 0, edges: [0, 0.5, 1], counts: [1, 2], outside: 0 }], { dataset: null, alphaIndex: null })?.option],
      ['Figure 4a', finalAlphaScatterOption(points, 0.05)],
      ['Figure 4b', initFinalScatterOption(pairs, 0.05)],
      ['mean trajectories', meanTrajectoryOption(traj, { dataset: 'mnist', alphaIndex: null, band: 'sd' })?.option],
      ['run α', alphaTrajectoryOption(series)],
      ['run loss', batchLossOption(series, 0.6)],
      ['run epochs', epochMetricsOption([{ epoch: 0, trainLoss: 1, testLoss: 1, testAccuracy: 0.5 }])],
      ['compare', compareOption([{ runId: 1, label: '#1', series }], () => true)]
    ]
    for (const [name, option] of charts) expect(zooms(option).map((z) => z.type).slice(0, 2), name).toEqual(['inside', 'slider'])
  })

  it('gives Figure 3 a panel only for the λ inside the shared window, and says nothing is there when none is', () => {
    const hists = LAMBDAS.map((lambda) => ({ dataset: 'mnist', lambda, alphaIndex: 0, edges: [0, 0.05, 1], counts: [1, 2], outside: 0, threshold: 0.05 }))
    const titles = (window: { lo: number; hi: number } | null): string[] =>
      ((histogramGridOption(hists, { dataset: null, alphaIndex: null, window })?.option.title ?? []) as { text: string }[]).map((t) => t.text)
    expect(titles(null)).toHaveLength(LAMBDAS.length)
    expect(titles({ lo: 0.01, hi: 0.02 })).toEqual(LAMBDAS.filter((l) => l >= 0.01 - 1e-12 && l <= 0.02 + 1e-12).map((l) => `λ = ${fmtLambda(l)}`))
    expect(histogramGridOption(hists, { dataset: null, alphaIndex: null, window: { lo: 0.5, hi: 0.6 } })).toBeNull()
  })

  it('shows one λ window on Figures 1, 2 and 4a; Figure 2 zooms every panel together', () => {
    const window = { lo: 0, hi: 0.05 }
    const fig1 = zooms(collapseOption(rows, 0.05, { log: false, window }))
    expect(fig1.map((z) => [z.startValue, z.endValue])).toEqual([
      [0, 0.05],
      [0, 0.05]
    ])
    const fig2 = zooms(perAlphaOption(rows, { log: false, window })?.option)
    expect(fig2[0].xAxisIndex).toEqual([0, 1, 2])
    expect(fig2[1].startValue).toBe(0)
    const pad = jitterPad(LAMBDAS)
    const fig4a = zooms(finalAlphaScatterOption(points, 0.05, window))
    expect(fig4a[0].startValue).toBeCloseTo(-pad, 12)
    expect(fig4a[0].endValue).toBeCloseTo(0.05 + pad, 12)
    // On a log axis the window is in log₁₀ λ, λ = 0 at the floor.
    const log = zooms(collapseOption(rows, 0.05, { log: true, window }))
    expect(log[0].startValue).toBeCloseTo(-3, 12)
    expect(log[0].endValue).toBeCloseTo(Math.log10(0.05), 12)
    // No window: the whole range, explicitly (so a reset on one chart resets the others).
    expect(zooms(collapseOption(rows, 0.05))[0]).toMatchObject({ start: 0, end: 100 })
  })

  it('reads the λ window back from a zoomed axis', () => {
    const lin = lambdaScale(LAMBDAS, false)
    expect(windowFromZoom({ start: 0, end: 100, startValue: 0, endValue: 0.3 }, lin)).toBeNull()
    expect(windowFromZoom({ start: 0, end: 20, startValue: 0, endValue: 0.06 }, lin)).toEqual({ lo: 0, hi: 0.06 })
    const log = lambdaScale(LAMBDAS, true)
    const w = windowFromZoom({ start: 0, end: 50, startValue: -3, endValue: -1 }, log)
    expect(w?.lo).toBe(0)
    expect(w?.hi).toBeCloseTo(0.1, 12)
    const pad = jitterPad(LAMBDAS)
    const back = windowFromZoom({ start: 1, end: 20, startValue: 0.005 - pad, endValue: 0.05 + pad }, lin, pad)
    expect(back?.lo).toBeCloseTo(0.005, 12)
    expect(back?.hi).toBeCloseTo(0.05, 12)
  })
})

describe('Figure 4b: the colour scale spans the visible data', () => {
  const colourRange = (o: EChartsOption | null): [number, number] => {
    const vm = o?.visualMap as VisualMapComponentOption & { min: number; max: number }
    return [vm.min, vm.max]
  }

  it('spans all λ when nothing is zoomed', () => {
    expect(colourRange(initFinalScatterOption(pairs, 0.05))).toEqual([0, 0.3])
  })

  it('spans the λ window and leaves out runs outside it', () => {
    const view = { lambda: { lo: 0, hi: 0.05 }, initial: null, final: null }
    const option = initFinalScatterOption(pairs, 0.05, view)
    expect(colourRange(option)).toEqual([0, 0.05])
    expect(colourRange(option)).toEqual(visibleLambdaRange(pairs, view))
    const drawn = seriesOf(option)[0].data as number[][]
    expect(drawn.some((d) => d[2] === 0.3)).toBe(false)
  })

  it('follows its own zoom on initial and final α', () => {
    const few: AlphaInitFinalPair[] = [
      { dataset: 'a', lambda: 0.01, runId: 1, alphaIndex: 0, initial: 0.2, final: 0.1 },
      { dataset: 'a', lambda: 0.02, runId: 2, alphaIndex: 0, initial: 0.3, final: 0.15 },
      { dataset: 'a', lambda: 0.3, runId: 3, alphaIndex: 0, initial: 0.9, final: 0.8 }
    ]
    expect(colourRange(initFinalScatterOption(few, 0.05, { lambda: null, initial: [0, 0.5], final: null }))).toEqual([0.01, 0.02])
    expect(colourRange(initFinalScatterOption(few, 0.05, { lambda: null, initial: null, final: [0.12, 1] }))).toEqual([0.02, 0.3])
  })
})

describe('batch loss smoothing', () => {
  it('is TensorBoard’s debiased EMA, gaps kept', () => {
    const out = emaSmooth([1, 2, null, 3], 0.5)
    expect(out[0]).toBeCloseTo(1, 12)
    expect(out[1]).toBeCloseTo(1.25 / 0.75, 12)
    expect(out[2]).toBeNull()
    expect(out[3]).toBeCloseTo(2.125 / 0.875, 12)
    expect(emaSmooth([4, 4, 4], 0.9).map((v) => Number(v?.toFixed(12)))).toEqual([4, 4, 4])
    expect(emaSmooth([1, 5], 0)).toEqual([1, 5])
  })

  it('draws the smoothed loss over a faint raw curve; smoothing 0 draws the raw curve alone', () => {
    const series: AlphaSeries = { runId: 1, steps: [0, 1, 2, 3], epochs: [0, 0, 0, 0], alphas: [[1, 1, 1, 1]], losses: [1, 2, null, 3] }
    const smoothed = seriesOf(batchLossOption(series, 0.5))
    expect(smoothed.map((s) => s.id)).toEqual(['loss-raw', 'loss-smoothed'])
    expect((smoothed[0].lineStyle as { opacity: number }).opacity).toBeLessThan(0.5)
    expect((smoothed[1].data as (number | null)[][]).map((d) => d[1])).toEqual(emaSmooth(series.losses, 0.5))
    expect((smoothed[0].data as (number | null)[][]).map((d) => d[1])).toEqual(series.losses)
    expect(seriesOf(batchLossOption(series, 0)).map((s) => s.id)).toEqual(['loss'])
  })
})

describe('run charts by step or epoch', () => {
  const series: AlphaSeries = { runId: 1, steps: [0, 50, 100, 150], epochs: [0, 0, 1, 1], alphas: [[0.5, 0.4, 0.3, 0.2]], losses: [2, 1.5, 1, 0.9] }

  it('converts steps to fractional epochs with the run’s steps per epoch', () => {
    expect(stepsPerEpochOf({ stepsPlanned: 200, config: { epochs: 2 } })).toBe(100)
    expect(stepsPerEpochOf({ stepsPlanned: 200, config: null })).toBeNull()
    expect(runX(series.steps, { x: 'epoch', stepsPerEpoch: 100 })).toEqual({ x: [0, 0.5, 1, 1.5], name: 'epoch' })
    // Without steps per epoch (imported runs) the step axis stays.
    expect(runX(series.steps, { x: 'epoch', stepsPerEpoch: null })).toEqual({ x: [0, 50, 100, 150], name: 'step' })
  })

  it('plots α and the loss against epochs in epoch mode', () => {
    const axis = { x: 'epoch' as const, stepsPerEpoch: 100 }
    for (const option of [alphaTrajectoryOption(series, axis), batchLossOption(series, 0.6, axis)]) {
      expect((xAxes(option)[0] as { name: string }).name).toBe('epoch')
      for (const s of seriesOf(option)) expect((s.data as number[][]).map((d) => d[0])).toEqual([0, 0.5, 1, 1.5])
    }
    expect((xAxes(alphaTrajectoryOption(series))[0] as { name: string }).name).toBe('step')
  })
})

describe('mean α trajectories per λ (the study’s Figure 2)', () => {
  const traj = (lambda: number, runs: number, mean: number, sd: number, dataset = 'mnist'): MeanTrajectory => ({
    dataset,
    lambda,
    runs,
    steps: [0, 10, 20],
    mean: [0, 1, 2].map(() => [mean, mean, mean]),
    sd: [0, 1, 2].map(() => [sd, sd, sd])
  })
  const all = [traj(0.01, 6, 0.5, 0.1), traj(0, 6, 0.6, 0.2), traj(0.3, 1, 0.1, 0), traj(0, 3, 0.9, 0.05, 'other')]

  it('draws one mean line per λ of the dataset, in λ order, with a band of ± 1 SD, per α_i panel', () => {
    const fig = meanTrajectoryOption(all, { dataset: 'mnist', alphaIndex: null, band: 'sd' })
    const means = seriesOf(fig?.option).filter((s) => String(s.id).startsWith('mean-'))
    expect(means.map((s) => s.name)).toEqual([0, 1, 2].flatMap(() => ['λ 0 (6 runs)', 'λ 0.01 (6 runs)', 'λ 0.3 (1 run)']))
    expect(means.map((s) => s.xAxisIndex)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2])
    const lo = seriesOf(fig?.option).find((s) => s.id === 'band-lo-l0.01a0')
    const hi = seriesOf(fig?.option).find((s) => s.id === 'band-hi-l0.01a0')
    expect((lo?.data as number[][])[0][1]).toBeCloseTo(0.4, 12)
    expect((hi?.data as number[][])[0][1]).toBeCloseTo(0.2, 12)
    // One α_i alone: one panel.
    const one = meanTrajectoryOption(all, { dataset: 'mnist', alphaIndex: 2, band: 'sd' })
    expect(seriesOf(one?.option).every((s) => s.xAxisIndex === 0)).toBe(true)
    expect(meanTrajectoryOption(all, { dataset: 'none', alphaIndex: null, band: 'sd' })).toBeNull()
  })

  it('offers the 95% CI of the mean with Student t, and clips the band to [0, 1]', () => {
    expect(t975(5)).toBe(2.571)
    expect(t975(40)).toBeCloseTo(2.021, 3)
    expect(t975(120)).toBeCloseTo(1.98, 3)
    expect(bandHalfWidth(0.1, 6, 'ci95')).toBeCloseTo((2.571 * 0.1) / Math.sqrt(6), 12)
    expect(bandHalfWidth(0.1, 6, 'sd')).toBe(0.1)
    expect(bandHalfWidth(0.1, 1, 'ci95')).toBe(0)
    expect(bandEdges(0.95, 0.2, 6, 'sd')).toEqual([0.75, 1])
    const fig = meanTrajectoryOption(all, { dataset: 'mnist', alphaIndex: 0, band: 'ci95' })
    const lo = seriesOf(fig?.option).find((s) => s.id === 'band-lo-l0.01a0')
    expect((lo?.data as number[][])[0][1]).toBeCloseTo(0.5 - (2.571 * 0.1) / Math.sqrt(6), 12)
  })
})
