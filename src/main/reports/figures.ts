/**
 * Figures 1–4 of the statistics view as plain JSON ECharts options for the
 * offline report (the workbench draws its own, interactive versions in
 * src/renderer/src/charts; a report needs options without formatter
 * functions, so these are a compact restatement of the same figures).
 */
import type { EChartsOption } from 'echarts'
import type { AlphaInitFinalPair, AlphaPoint, CollapseRow } from '../../shared/results'

const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#8C6D31', '#000000', '#7F3C8D', '#11A579', '#E73F74', '#3969AC']
const color = (i: number): string => COLORS[i % COLORS.length]
const axis = (name: string, extra: Record<string, unknown> = {}) => ({ type: 'value' as const, name, nameLocation: 'middle' as const, nameGap: 30, splitLine: { lineStyle: { color: '#eef0f4' } }, ...extra })
const base = (): EChartsOption => ({ animation: false, legend: { type: 'scroll', top: 4 }, tooltip: { trigger: 'item' }, grid: { left: 56, right: 20, top: 36, bottom: 46 } })

const names = (rows: readonly { dataset: string }[]): string[] => [...new Set(rows.map((r) => r.dataset))]

/** Figure 1: % of α collapsed per λ, one line per dataset, Wilson 95% band drawn as dashed bounds. */
export function collapseFigure(rows: readonly CollapseRow[]): EChartsOption {
  return {
    ...base(),
    xAxis: axis('λ'),
    yAxis: axis('α collapsed (%)', { min: 0, max: 100 }),
    series: names(rows).flatMap((name, i) => {
      const r = rows.filter((x) => x.dataset === name).sort((a, b) => a.lambda - b.lambda)
      const bound = (key: 'ci_low' | 'ci_high') => ({ type: 'line' as const, name, silent: true, symbol: 'none', lineStyle: { type: 'dashed' as const, color: color(i), opacity: 0.5, width: 1 }, data: r.map((x) => [x.lambda, x[key]]) })
      return [{ type: 'line' as const, name, itemStyle: { color: color(i) }, lineStyle: { color: color(i) }, data: r.map((x) => [x.lambda, x.pct]) }, bound('ci_low'), bound('ci_high')]
    })
  }
}

/** Figure 2: % collapsed per λ for each α_i (solid α0, dashed α1, dotted α2 …), colour = dataset. */
export function perAlphaFigure(rows: readonly CollapseRow[]): EChartsOption {
  const types = ['solid', 'dashed', 'dotted'] as const
  const nAlpha = Math.max(0, ...rows.map((r) => r.per_alpha.length))
  return {
    ...base(),
    xAxis: axis('λ'),
    yAxis: axis('α_i collapsed (%)', { min: 0, max: 100 }),
    series: names(rows).flatMap((name, i) =>
      Array.from({ length: nAlpha }, (_, a) => ({
        type: 'line' as const,
        name: `${name} α${a}`,
        itemStyle: { color: color(i) },
        lineStyle: { color: color(i), type: types[a % types.length] },
        data: rows
          .filter((x) => x.dataset === name && x.per_alpha[a])
          .sort((p, q) => p.lambda - q.lambda)
          .map((x) => [x.lambda, x.per_alpha[a].pct])
      }))
    )
  }
}

/** Figure 3: every final α against λ (jittered by α index), with the threshold. */
export function finalAlphaFigure(points: readonly AlphaPoint[], threshold: number): EChartsOption {
  return {
    ...base(),
    xAxis: axis('λ'),
    yAxis: axis('final α', { min: 0, max: 1 }),
    series: names(points).map((name, i) => ({
      type: 'scatter' as const,
      name,
      symbolSize: 4,
      itemStyle: { color: color(i), opacity: 0.6 },
      data: points.filter((p) => p.dataset === name).map((p) => [p.lambda + (p.alphaIndex - 1) * 0.0006, p.finalAlpha]),
      markLine: { silent: true, symbol: 'none', lineStyle: { color: '#c00', type: 'dashed' as const }, data: [{ yAxis: threshold, name: 'threshold' }] }
    }))
  }
}

/** Figure 4: initial against final α. */
export function initFinalFigure(pairs: readonly AlphaInitFinalPair[], threshold: number): EChartsOption {
  return {
    ...base(),
    xAxis: axis('initial α', { min: 0, max: 1 }),
    yAxis: axis('final α', { min: 0, max: 1 }),
    series: names(pairs).map((name, i) => ({
      type: 'scatter' as const,
      name,
      symbolSize: 4,
      itemStyle: { color: color(i), opacity: 0.6 },
      data: pairs.filter((p) => p.dataset === name).map((p) => [p.initial, p.final]),
      markLine: { silent: true, symbol: 'none', lineStyle: { color: '#c00', type: 'dashed' as const }, data: [{ yAxis: threshold, name: 'threshold' }] }
    }))
  }
}
