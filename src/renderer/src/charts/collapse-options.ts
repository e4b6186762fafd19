import type { EChartsOption, LineSeriesOption, TooltipComponentFormatterCallbackParams } from 'echarts'
import type { CollapseRow } from '@shared/results'
import { seriesColor, translucent } from '../lib/colors'
import { alphaName, fmtLambda, fmtNum } from '../lib/format'
import { axisTooltip, baseOption, esc, yValueAxis } from './base'
import { LINEAR_FULL, lambdaAxis, lambdaScale, lambdaZoom, type LambdaScale, type LambdaView } from './lambda-axis'
import { smallMultiples } from './layout'

interface Point {
  lambda: number
  pct: number
  low: number
  high: number
  collapsed: number
  n: number
}

/**
 * A dataset's % line with its Wilson 95% band: the band is two stacked,
 * invisible-edged lines (low, then high − low with an area fill) sharing the
 * dataset's legend name, so toggling the dataset hides its band too.
 */
function lineWithBand(id: string, name: string, color: string, points: readonly Point[], scale: LambdaScale, axis = 0): LineSeriesOption[] {
  const sorted = [...points].sort((a, b) => a.lambda - b.lambda)
  const x = (p: Point): number => scale.at(p.lambda)
  // itemStyle carries the dataset colour so the legend entry (taken from the first series of a name) shows it.
  const common = { name, xAxisIndex: axis, yAxisIndex: axis, symbol: 'none', silent: true, lineStyle: { opacity: 0 }, itemStyle: { color }, stack: `ci-${id}`, tooltip: { show: false } }
  return [
    { ...common, type: 'line', id: `band-lo-${id}`, data: sorted.map((p) => [x(p), p.low]) },
    { ...common, type: 'line', id: `band-hi-${id}`, data: sorted.map((p) => [x(p), p.high - p.low]), areaStyle: { color: translucent(color, 0.16) } },
    {
      type: 'line',
      id: `pct-${id}`,
      name,
      xAxisIndex: axis,
      yAxisIndex: axis,
      // λ itself rides along last: on the log axis the position is log₁₀ λ (or the floor for 0).
      data: sorted.map((p) => [x(p), p.pct, p.low, p.high, p.collapsed, p.n, p.lambda]),
      symbolSize: 6,
      lineStyle: { color, width: 2 },
      itemStyle: { color }
    }
  ]
}

function tooltipLines(params: TooltipComponentFormatterCallbackParams): string {
  const list = (Array.isArray(params) ? params : [params]).filter((p) => String(p.seriesId ?? '').startsWith('pct-'))
  if (list.length === 0) return ''
  const lambda = (list[0].value as number[])[6]
  const rows = list.map((p) => {
    const [, pct, low, high, collapsed, n] = p.value as number[]
    return `${p.marker ?? ''}${esc(p.seriesName ?? '')}: <b>${fmtNum(pct, 1)} %</b> <span style="color:#667">[${fmtNum(low, 1)}, ${fmtNum(high, 1)}] · ${collapsed}/${n}</span>`
  })
  return [`λ = ${fmtLambda(lambda)}`, ...rows].join('<br/>')
}

function points(rows: readonly CollapseRow[], alphaIndex: number | null): Point[] {
  return rows.flatMap((r) => {
    if (alphaIndex === null) return [{ lambda: r.lambda, pct: r.pct, low: r.ci_low, high: r.ci_high, collapsed: r.collapsed, n: r.n }]
    const a = r.per_alpha.find((x) => x.index === alphaIndex)
    return a ? [{ lambda: r.lambda, pct: a.pct, low: a.ci_low, high: a.ci_high, collapsed: a.collapsed, n: a.n }] : []
  })
}

function datasetsOf(rows: readonly CollapseRow[]): string[] {
  return [...new Set(rows.map((r) => r.dataset))]
}

/** Figure 1: % of α collapsed vs λ, one line per dataset, Wilson 95% bands; λ linear or log, zoomed to `view.window`. */
export function collapseOption(rows: readonly CollapseRow[], threshold: number, view: LambdaView = LINEAR_FULL): EChartsOption | null {
  if (rows.length === 0) return null
  const datasets = datasetsOf(rows)
  const scale = lambdaScale(rows.map((r) => r.lambda), view.log)
  const base = baseOption()
  return {
    ...base,
    legend: { ...(base.legend as object), data: datasets },
    grid: { left: 56, right: 24, top: 40, bottom: 70 },
    tooltip: axisTooltip({ formatter: tooltipLines }),
    xAxis: lambdaAxis(scale),
    yAxis: yValueAxis(`% of α collapsed (final α ≤ ${fmtNum(threshold, 3)})`, { min: 0, max: 100 }),
    dataZoom: lambdaZoom(scale, view.window),
    series: datasets.flatMap((d, i) => lineWithBand(`d${i}`, d, seriesColor(i), points(rows.filter((r) => r.dataset === d), null), scale))
  }
}

/** Figure 2: the same, one panel per α_i; one zoom drives every panel's λ axis. */
export function perAlphaOption(rows: readonly CollapseRow[], view: LambdaView = LINEAR_FULL): { option: EChartsOption; height: number } | null {
  const alphaCount = Math.max(0, ...rows.map((r) => r.per_alpha.length))
  if (rows.length === 0 || alphaCount === 0) return null
  const datasets = datasetsOf(rows)
  const layout = smallMultiples(alphaCount, 3, Array.from({ length: alphaCount }, (_, i) => `${alphaName(i)} (layer ${i + 1})`), 230)
  const scale = lambdaScale(rows.map((r) => r.lambda), view.log)
  const base = baseOption()
  const axes = layout.panels.map((_, i) => i)
  return {
    // Room for the slider under the last row.
    height: layout.height + 26,
    option: {
      ...base,
      legend: { ...(base.legend as object), data: datasets },
      title: layout.panels.map((p) => p.title),
      grid: layout.panels.map((p) => p.grid),
      tooltip: axisTooltip({ formatter: tooltipLines }),
      xAxis: axes.map((i) => ({ ...lambdaAxis(scale), gridIndex: i })),
      yAxis: axes.map((i) => ({ ...yValueAxis(i === 0 ? '% collapsed' : '', { min: 0, max: 100 }), gridIndex: i })),
      dataZoom: lambdaZoom(scale, view.window, axes),
      series: axes.flatMap((a) => datasets.flatMap((d, i) => lineWithBand(`a${a}d${i}`, d, seriesColor(i), points(rows.filter((r) => r.dataset === d), a), scale, a)))
    }
  }
}
