import { beforeAll, describe, expect, it } from 'vitest'
import type { EChartsOption } from 'echarts'
import { collapseOption, perAlphaOption } from '../../src/renderer/src/charts/collapse-options'
import { finalAlphaScatterOption, histogramGridOption, initFinalScatterOption } from '../../src/renderer/src/charts/distribution-options'
import { meanTrajectoryOption } from '../../src/renderer/src/charts/mean-trajectory-options'
import { renderSvg } from '../../src/renderer/src/charts/svg'
import { alphaTrajectoryOption, batchLossOption, compareOption, epochMetricsOption } from '../../src/renderer/src/charts/trajectory-options'
import type { AlphaHistogram, AlphaSeries, CollapseRow, MeanTrajectory } from '../../src/shared/results'

/**
 * Defect 1 of issue 10: every exported SVG must open in other programs, so
 * each chart's export is parsed here with a real XML parser (Python's expat,
 * via xml.dom.minidom), on data whose names need escaping.
 */
const PARSE_ALL = `
import json, sys, xml.dom.minidom
out = []
for doc in json.load(sys.stdin):
    try:
        xml.dom.minidom.parseString(doc.encode('utf-8'))
        out.append(None)
    except Exception as e:
        out.append(str(e))
print(json.dumps(out))
`

/** Node's child_process, loaded by name: this file is type-checked with the renderer's (DOM-only) types. */
type ExecFileSync = (file: string, args: string[], opts: { input: string; encoding: 'utf8' }) => string
let execFileSync: ExecFileSync
beforeAll(async () => {
  const name = 'node:child_process'
  execFileSync = ((await import(/* @vite-ignore */ name)) as { execFileSync: ExecFileSync }).execFileSync
})

/** For each document, the XML parser's error, or null when it is well-formed (one Python process for all). */
function xmlErrors(docs: string[]): (string | null)[] {
  return JSON.parse(execFileSync('python3', ['-c', PARSE_ALL], { input: JSON.stringify(docs), encoding: 'utf8' })) as (string | null)[]
}

const NASTY = 'fmnist "A" & <b>'
const datasets = ['fashion-mnist:10000:s0', NASTY]
const lambdas = [0, 0.005, 0.01]

const rows: CollapseRow[] = datasets.flatMap((dataset) =>
  lambdas.map((lambda, i) => ({
    dataset,
    lambda,
    runs: 11,
    n: 33,
    collapsed: 3 * i,
    pct: (300 * i) / 33,
    ci_low: Math.max(0, (300 * i) / 33 - 8),
    ci_high: Math.min(100, (300 * i) / 33 + 8),
    per_alpha: [0, 1, 2].map((index) => ({ index, n: 11, collapsed: i, pct: (100 * i) / 11, ci_low: 0, ci_high: 40 })),
    repeats: 0
  }))
)
const hists: AlphaHistogram[] = datasets.flatMap((dataset) =>
  lambdas.map((lambda) => ({ dataset, lambda, alphaIndex: 0, edges: [0, 0.25, 0.5, 0.75, 1], counts: [5, 2, 3, 1], outside: 0 }))
)
const points = datasets.flatMap((dataset) => lambdas.map((lambda, i) => ({ dataset, lambda, runId: i + 1, alphaIndex: 0, finalAlpha: 0.1 * i })))
const pairs = points.map((p) => ({ ...p, initial: 0.5, final: p.finalAlpha }))
const series: AlphaSeries = { runId: 7, steps: [1, 2, 3], epochs: [0, 0, 1], alphas: [[0.5, 0.4, 0.3], [0.2, 0.1, 0], [1, 0.9, 0.8]], losses: [2.3, 2.1, null] }
const trajectories: MeanTrajectory[] = datasets.flatMap((dataset) =>
  lambdas.map((lambda, i) => ({ dataset, lambda, runs: 3, steps: [0, 10, 20], mean: [0, 1, 2].map(() => [0.5, 0.4 - 0.1 * i, 0.3]), sd: [0, 1, 2].map(() => [0.1, 0.05, 0.2]) }))
)
const byEpoch = { x: 'epoch' as const, stepsPerEpoch: 2 }

const charts: [string, EChartsOption | null | undefined][] = [
  ['Figure 1 (collapse vs λ)', collapseOption(rows, 0.05)],
  ['Figure 2 (per α)', perAlphaOption(rows)?.option],
  ['Figure 3 (histograms)', histogramGridOption(hists, { dataset: null, alphaIndex: null })?.option],
  ['Figure 4a (final α scatter)', finalAlphaScatterOption(points, 0.05)],
  ['Figure 1, log λ and zoomed', collapseOption(rows, 0.05, { log: true, window: { lo: 0, hi: 0.005 } })],
  ['Figure 2, log λ', perAlphaOption(rows, { log: true, window: null })?.option],
  ['Figure 4a, zoomed', finalAlphaScatterOption(points, 0.05, { lo: 0, hi: 0.005 })],
  ['Figure 4b (initial vs final)', initFinalScatterOption(pairs, 0.05)],
  ['Figure 4b, λ window and zoom', initFinalScatterOption(pairs, 0.05, { lambda: { lo: 0, hi: 0.005 }, initial: [0.2, 0.8], final: null })],
  ['mean α trajectories, every α', meanTrajectoryOption(trajectories, { dataset: NASTY, alphaIndex: null, band: 'sd' })?.option],
  ['mean α trajectories, one α, CI', meanTrajectoryOption(trajectories, { dataset: NASTY, alphaIndex: 1, band: 'ci95' })?.option],
  ['run α trajectory', alphaTrajectoryOption(series)],
  ['run α trajectory by epoch', alphaTrajectoryOption(series, byEpoch)],
  ['run batch loss', batchLossOption(series)],
  ['run batch loss, smoothed, by epoch', batchLossOption(series, 0.6, byEpoch)],
  ['run epoch metrics', epochMetricsOption([{ epoch: 0, trainLoss: 1, testLoss: 1.1, testAccuracy: 0.7 }, { epoch: 1, trainLoss: 0.8, testLoss: 0.9, testAccuracy: 0.75 }])],
  ['Compare', compareOption([{ runId: 7, label: `#7 ${NASTY}`, series }], () => true)]
]

describe('SVG export', () => {
  it('gives, for every chart, an SVG that parses as XML', () => {
    const svgs = charts.map(([name, option]) => {
      expect(option, name).toBeTruthy()
      const svg = renderSvg(option!, 900, 400)
      expect(svg.startsWith('<svg'), name).toBe(true)
      return svg
    })
    const errors = xmlErrors(svgs)
    expect(Object.fromEntries(charts.map(([name], i) => [name, errors[i]]))).toEqual(Object.fromEntries(charts.map(([name]) => [name, null])))
  })

  it('the parser used above does reject the unescaped quotes the old font list produced', () => {
    const bad = '<svg xmlns="http://www.w3.org/2000/svg"><text style="font-family:"Segoe UI", Arial">x</text></svg>'
    expect(xmlErrors([bad])[0]).toMatch(/not well-formed|invalid token/)
  })
})
