import type { EChartsOption, LineSeriesOption } from 'echarts'
import type { MeanTrajectory } from '@shared/results'
import { translucent } from '../lib/colors'
import { alphaName, fmtLambda, fmtNum } from '../lib/format'
import { axisTooltip, baseOption, esc, valueAxis, xZoom, yValueAxis } from './base'
import { smallMultiples } from './layout'

/** The band around each mean: ± one sample SD of the runs, or the 95% confidence interval of the mean (Student t). */
export type TrajectoryBand = 'sd' | 'ci95'

export const BAND_LABELS: Record<TrajectoryBand, string> = { sd: '± 1 SD', ci95: '95% CI of the mean' }

export interface MeanTrajectorySelection {
  /** Which dataset's runs (the back end groups by dataset and λ). */
  dataset: string
  /** One α_i in a single large panel, or null for one panel per α_i. */
  alphaIndex: number | null
  band: TrajectoryBand
}

/** Two-sided 97.5% quantiles of Student's t for 1–30 degrees of freedom. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042]

/** t quantile for a 95% interval; past 30 df the Cornish–Fisher expansion around 1.96 (error < 0.001). */
export function t975(df: number): number {
  if (df < 1) return Number.NaN
  if (df <= T975.length) return T975[Math.round(df) - 1]
  const z = 1.959964
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df)
}

/** Half-width of the band at one step; with one run there is no spread to show (0). */
export function bandHalfWidth(sd: number, runs: number, band: TrajectoryBand): number {
  if (runs < 2) return 0
  return band === 'sd' ? sd : (t975(runs - 1) * sd) / Math.sqrt(runs)
}

/** Band edges, clipped to α's range [0, 1] (the CSV keeps the unclipped values). */
export function bandEdges(mean: number, sd: number, runs: number, band: TrajectoryBand): [number, number] {
  const h = bandHalfWidth(sd, runs, band)
  return [Math.max(0, mean - h), Math.min(1, mean + h)]
}

/** Viridis from dark violet to green, short of its pale yellow end so thin lines stay visible on white. */
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#a5db36']

function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
}

/** Colour of the k-th of n λ (in increasing order): ranks, not values, so one outlying λ does not merge the rest. */
export function lambdaColor(k: number, n: number): string {
  const t = n <= 1 ? 0 : k / (n - 1)
  const pos = t * (VIRIDIS.length - 1)
  const i = Math.min(VIRIDIS.length - 2, Math.floor(pos))
  const f = pos - i
  const [a, b] = [hexToRgb(VIRIDIS[i]), hexToRgb(VIRIDIS[i + 1])]
  return `#${a.map((c, j) => Math.round(c + (b[j] - c) * f).toString(16).padStart(2, '0')).join('')}`
}

export const lambdaLabel = (t: MeanTrajectory): string => `λ ${fmtLambda(t.lambda)} (${t.runs} run${t.runs === 1 ? '' : 's'})`

/**
 * One λ's mean α_i with its band: two stacked invisible lines (low, then
 * high − low filled) under the legend name of the mean, so the legend hides
 * both. The mean carries [step, mean, low, high, sd].
 */
function meanWithBand(t: MeanTrajectory, alphaIndex: number, color: string, band: TrajectoryBand, axis: number, opacity: number): LineSeriesOption[] {
  const name = lambdaLabel(t)
  const edges = t.steps.map((_, k) => bandEdges(t.mean[alphaIndex][k], t.sd[alphaIndex][k], t.runs, band))
  const id = `l${fmtLambda(t.lambda)}a${alphaIndex}`
  const common = { name, xAxisIndex: axis, yAxisIndex: axis, symbol: 'none', silent: true, lineStyle: { opacity: 0 }, itemStyle: { color }, stack: `band-${id}`, tooltip: { show: false } }
  return [
    { ...common, type: 'line', id: `band-lo-${id}`, data: t.steps.map((s, k) => [s, edges[k][0]]) },
    { ...common, type: 'line', id: `band-hi-${id}`, data: t.steps.map((s, k) => [s, edges[k][1] - edges[k][0]]), areaStyle: { color: translucent(color, opacity) } },
    {
      type: 'line',
      id: `mean-${id}`,
      name,
      xAxisIndex: axis,
      yAxisIndex: axis,
      showSymbol: false,
      data: t.steps.map((s, k) => [s, t.mean[alphaIndex][k], edges[k][0], edges[k][1], t.sd[alphaIndex][k]]),
      lineStyle: { color, width: 1.6 },
      itemStyle: { color }
    }
  ]
}

/**
 * The study's Figure 2: mean α_i over the runs of each λ, against step, with a
 * band; one panel per α_i (or one α_i large), one line per λ, for one dataset.
 */
export function meanTrajectoryOption(trajectories: readonly MeanTrajectory[], sel: MeanTrajectorySelection): { option: EChartsOption; height: number } | null {
  const shown = trajectories.filter((t) => t.dataset === sel.dataset && t.steps.length > 0).sort((a, b) => a.lambda - b.lambda)
  if (shown.length === 0) return null
  const alphaCount = Math.min(...shown.map((t) => t.mean.length))
  const alphas = sel.alphaIndex === null ? Array.from({ length: alphaCount }, (_, i) => i) : sel.alphaIndex < alphaCount ? [sel.alphaIndex] : []
  if (alphas.length === 0) return null
  const layout = smallMultiples(alphas.length, 3, alphas.map((i) => `${alphaName(i)} (layer ${i + 1})`), alphas.length === 1 ? 340 : 250)
  const base = baseOption()
  const panels = alphas.map((_, p) => p)
  const names = shown.map(lambdaLabel)
  // Eleven overlapping bands at one opacity turn to mud: the more λ, the fainter each band.
  const opacity = Math.min(0.16, Math.max(0.06, 0.5 / shown.length))
  return {
    // Room for the slider under the last row.
    height: layout.height + 26,
    option: {
      ...base,
      legend: { ...(base.legend as object), data: names },
      title: layout.panels.map((p) => p.title),
      grid: layout.panels.map((p) => p.grid),
      tooltip: axisTooltip({
        formatter: (params) => {
          const list = (Array.isArray(params) ? params : [params]).filter((p) => String(p.seriesId ?? '').startsWith('mean-'))
          if (list.length === 0) return ''
          const step = (list[0].value as number[])[0]
          const rows = list.map((p) => {
            const [, mean, lo, hi] = p.value as number[]
            return `${p.marker ?? ''}${esc(p.seriesName ?? '')}: <b>${fmtNum(mean, 3)}</b> <span style="color:#667">[${fmtNum(lo, 3)}, ${fmtNum(hi, 3)}]</span>`
          })
          return [`step ${step} · ${esc(BAND_LABELS[sel.band])}`, ...rows].join('<br/>')
        }
      }),
      xAxis: panels.map((p) => ({ ...valueAxis('step', { min: 'dataMin', max: 'dataMax' }), gridIndex: p })),
      yAxis: panels.map((p) => ({ ...yValueAxis(p === 0 ? 'mean α' : '', { min: 0, max: 1 }), gridIndex: p })),
      dataZoom: xZoom(panels),
      series: panels.flatMap((p) => shown.flatMap((t, k) => meanWithBand(t, alphas[p], lambdaColor(k, shown.length), sel.band, p, opacity)))
    }
  }
}
