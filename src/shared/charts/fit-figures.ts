/**
 * ECharts options of Figures 5–7 (dose–response fits, time to collapse, and
 * the α_init × λ heatmap). Pure data in, plain JSON-able options out (no
 * formatter functions), so the workbench's view and the offline HTML report
 * draw the same figures from the same code.
 */
import type { EChartsOption, HeatmapSeriesOption, LineSeriesOption, ScatterSeriesOption } from 'echarts'
import type { CollapseRow, DoseFit, StartFit, SurvivalCurve } from '../results'
import { xZoom } from './zoom'

/** Okabe–Ito (colour-blind safe), the palette of Figures 1–4. */
const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#8C6D31', '#000000', '#7F3C8D', '#11A579', '#E73F74', '#3969AC']
const color = (i: number): string => COLORS[i % COLORS.length]
/** Single-quoted family names: ECharts writes the font into a double-quoted SVG attribute. */
const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Inter, Roboto, 'Helvetica Neue', Arial, sans-serif"

function base(): EChartsOption {
  return {
    animation: false,
    textStyle: { fontFamily: FONT, fontSize: 11, color: '#334' },
    legend: { type: 'scroll', top: 4, left: 8, right: 8, itemWidth: 16, itemHeight: 8, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'item', confine: true }
  }
}

/** Options a figure takes in the workbench but not in the offline report. */
export interface FigureOptions {
  /** Wheel/drag zoom on x plus a slider under the plot (the view; the report's figures are static). */
  zoom?: boolean
}

/** The grid and zoom of a one-panel figure: more room at the bottom when a slider sits there. */
function zoomable(opts: FigureOptions): Pick<EChartsOption, 'grid' | 'dataZoom'> {
  return { grid: { left: 56, right: 20, top: 36, bottom: opts.zoom ? 72 : 46 }, ...(opts.zoom ? { dataZoom: xZoom(0) } : {}) }
}

const axis = (name: string, extra: Record<string, unknown> = {}) => ({
  type: 'value' as const,
  name,
  nameLocation: 'middle' as const,
  nameGap: 28,
  nameTextStyle: { fontSize: 11, color: '#556' },
  axisLine: { show: true, onZero: false, lineStyle: { color: '#99a' } },
  splitLine: { lineStyle: { color: '#eef0f4' } },
  axisLabel: { color: '#556', fontSize: 10, hideOverlap: true },
  ...extra
})

/** The label of a fit or collapse row: its dataset, or "pooled". */
export function fitLabel(f: Pick<DoseFit, 'dataset'>): string {
  return f.dataset ?? 'pooled'
}

/**
 * Figure 5: observed % collapsed per λ (points with Wilson bars), the fitted
 * logistic curve, and λ50 with its 95% interval (a marker at 50% and a
 * horizontal bar), one colour per dataset. `fits` are the all-α fits to draw;
 * `rows` the collapse table rows of the same datasets (dataset "pooled" for a pooled fit).
 */
export function doseResponseOption(fits: readonly DoseFit[], rows: readonly CollapseRow[], opts: FigureOptions & { cluster?: boolean } = {}): EChartsOption | null {
  const shown = fits.filter((f) => f.alpha_index === null)
  if (shown.length === 0) return null
  const maxLambda = Math.max(0.05, ...rows.map((r) => r.lambda))
  const series: (LineSeriesOption | ScatterSeriesOption)[] = []
  shown.forEach((f, i) => {
    const name = fitLabel(f)
    const c = color(i)
    const obs = rows.filter((r) => r.dataset === name).sort((a, b) => a.lambda - b.lambda)
    series.push({ type: 'scatter', name, id: `obs-${name}`, symbolSize: 7, itemStyle: { color: c }, data: obs.map((r) => [r.lambda, r.pct]) })
    series.push({
      type: 'line',
      name,
      id: `wilson-${name}`,
      silent: true,
      symbol: 'none',
      lineStyle: { color: c, width: 1, opacity: 0.5 },
      tooltip: { show: false },
      // One polyline per λ (low → high), separated by nulls.
      data: obs.flatMap((r) => [[r.lambda, r.ci_low], [r.lambda, r.ci_high], [null, null]]) as unknown as number[][],
      connectNulls: false
    })
    if (f.identifiable && f.b0 !== null && f.b1 !== null) {
      const b0 = f.b0
      const b1 = f.b1
      const n = 101
      series.push({
        type: 'line',
        name,
        id: `fit-${name}`,
        symbol: 'none',
        smooth: false,
        lineStyle: { color: c, width: 2 },
        tooltip: { show: false },
        data: Array.from({ length: n }, (_, k) => {
          const l = (maxLambda * k) / (n - 1)
          return [l, 100 / (1 + Math.exp(-(b0 + b1 * l)))]
        })
      })
    }
    const lo = opts.cluster ? f.lambda50_cluster_ci_low : f.lambda50_ci_low
    const hi = opts.cluster ? f.lambda50_cluster_ci_high : f.lambda50_ci_high
    if (f.lambda50 !== null && lo !== null && hi !== null) {
      series.push({ type: 'line', name, id: `l50ci-${name}`, symbol: 'none', lineStyle: { color: c, width: 3, opacity: 0.6 }, tooltip: { show: false }, data: [[lo, 50], [hi, 50]] })
      series.push({ type: 'scatter', name, id: `l50-${name}`, symbol: 'diamond', symbolSize: 12, itemStyle: { color: c, borderColor: '#fff', borderWidth: 1 }, data: [[f.lambda50, 50]] })
    }
  })
  return {
    ...base(),
    ...zoomable(opts),
    xAxis: axis('λ (penalty weight)', { min: 0, max: maxLambda }),
    yAxis: axis('α collapsed (%)', { min: 0, max: 100, nameGap: 36 }),
    series
  }
}

/** Figure 6: Kaplan–Meier step curves of time to collapse, one per curve given, with cloglog 95% bands. */
export function survivalOption(curves: readonly SurvivalCurve[], label: (c: SurvivalCurve) => string, opts: FigureOptions = {}): EChartsOption | null {
  if (curves.length === 0) return null
  const series: LineSeriesOption[] = []
  curves.forEach((c, i) => {
    const name = label(c)
    const col = color(i)
    const steps: [number, number][] = [[0, 1], ...c.times.map((t, k) => [t, c.surv[k]] as [number, number])]
    const end = c.times.length ? c.surv[c.surv.length - 1] : 1
    if (c.last_step > (c.times[c.times.length - 1] ?? 0)) steps.push([c.last_step, end])
    series.push({ type: 'line', name, id: `km-${i}`, step: 'end', symbol: 'none', lineStyle: { color: col, width: 2 }, itemStyle: { color: col }, data: steps })
    const band = (values: (number | null)[]): [number, number | null][] => [[0, 1], ...c.times.map((t, k) => [t, values[k]] as [number, number | null])]
    for (const [key, values] of [['lo', c.ci_low], ['hi', c.ci_high]] as const) {
      series.push({ type: 'line', name, id: `km-${key}-${i}`, step: 'end', symbol: 'none', silent: true, tooltip: { show: false }, lineStyle: { color: col, width: 1, type: 'dashed', opacity: 0.45 }, data: band(values) as unknown as number[][] })
    }
  })
  return {
    ...base(),
    tooltip: { trigger: 'axis', confine: true },
    ...zoomable(opts),
    xAxis: axis('SGD step', { min: 0 }),
    yAxis: axis('share of α not yet collapsed', { min: 0, max: 1, nameGap: 36 }),
    series
  }
}

/**
 * Figure 7: P(collapse) over α_init × λ: the observed share per cell (left)
 * next to the two-covariate logistic fit (right), one shared colour scale.
 */
export function startHeatmapOption(fit: StartFit, opts: FigureOptions = {}): EChartsOption | null {
  if (fit.cells.length === 0) return null
  const alphas = [...new Set(fit.cells.map((c) => c.alpha_init))].sort((a, b) => a - b)
  const lambdas = [...new Set(fit.cells.map((c) => c.lambda))].sort((a, b) => a - b)
  const cat = (name: string, data: number[], index: number) => ({
    type: 'category' as const,
    gridIndex: index,
    name,
    nameLocation: 'middle' as const,
    nameGap: 28,
    data: data.map(String),
    axisLabel: { fontSize: 10, color: '#556', hideOverlap: true },
    splitArea: { show: false }
  })
  const cells = (value: (c: StartFit['cells'][number]) => number | null): number[][] =>
    fit.cells.flatMap((c) => {
      const v = value(c)
      return v === null ? [] : [[lambdas.indexOf(c.lambda), alphas.indexOf(c.alpha_init), Math.round(v * 1000) / 10, c.n]]
    })
  const series: HeatmapSeriesOption[] = [
    { type: 'heatmap', name: 'observed', xAxisIndex: 0, yAxisIndex: 0, data: cells((c) => c.observed) },
    { type: 'heatmap', name: 'fitted', xAxisIndex: 1, yAxisIndex: 1, data: cells((c) => c.fitted) }
  ]
  return {
    animation: false,
    textStyle: { fontFamily: FONT, fontSize: 11, color: '#334' },
    tooltip: { trigger: 'item', confine: true },
    title: [
      { text: 'observed % collapsed', left: '4%', top: 0, textStyle: { fontSize: 12, fontWeight: 'normal' } },
      { text: fit.identifiable ? 'fitted: logit P = b0 + b_α·α_init + b_λ·λ' : `fit ${fit.problem ?? 'not available'}`, left: '52%', top: 0, textStyle: { fontSize: 12, fontWeight: 'normal' } }
    ],
    grid: [
      { left: '7%', width: '40%', top: 30, bottom: 70 },
      { left: '55%', width: '40%', top: 30, bottom: 70 }
    ],
    xAxis: [cat('λ', lambdas, 0), cat('λ', lambdas, 1)],
    yAxis: [cat('initial α', alphas, 0), cat('initial α', alphas, 1)],
    // The colour scale sits under the panels, so the λ zoom of both panels is the wheel alone.
    ...(opts.zoom ? { dataZoom: xZoom([0, 1]).slice(0, 1) } : {}),
    visualMap: { min: 0, max: 100, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 160, text: ['100%', '0%'], inRange: { color: ['#f7fbff', '#6baed6', '#08306b'] } },
    series
  }
}
