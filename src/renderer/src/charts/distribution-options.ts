import type { BarSeriesOption, EChartsOption, ScatterSeriesOption } from 'echarts'
import type { AlphaHistogram, AlphaInitFinalPair, AlphaPoint } from '@shared/results'
import { seriesColor } from '../lib/colors'
import { alphaName, fmtLambda, fmtNum } from '../lib/format'
import { baseOption, esc, itemTooltip, valueAxis, xZoom, yValueAxis } from './base'
import { inWindow, lambdaScale, lambdaZoom, type LambdaWindow } from './lambda-axis'
import { smallMultiples } from './layout'
import { lambdaKey } from '@shared/lambda'

/** Marker shapes per dataset where colour encodes λ. */
const SYMBOLS = ['circle', 'triangle', 'rect', 'diamond', 'pin', 'roundRect']

function thresholdLine(threshold: number): ScatterSeriesOption['markLine'] {
  return {
    silent: true,
    symbol: 'none',
    lineStyle: { color: '#c92a2a', type: 'dashed', width: 1 },
    label: { formatter: `collapse ≤ ${fmtNum(threshold, 3)}`, position: 'insideEndTop', color: '#c92a2a', fontSize: 10 },
    data: [{ yAxis: threshold }]
  }
}

export interface HistogramSelection {
  /** A dataset name, or null for all shown datasets pooled. */
  dataset: string | null
  /** An α index, or null for all α pooled. */
  alphaIndex: number | null
  /** The λ window Figures 1, 2 and 4a are zoomed to: only its λ get a panel (null: all). */
  window?: LambdaWindow | null
}

/** Counts per λ for the selection, summing datasets / α indices when pooled. */
export function poolHistograms(hists: readonly AlphaHistogram[], sel: HistogramSelection): { lambda: number; edges: number[]; counts: number[] }[] {
  const byLambda = new Map<number, { lambda: number; edges: number[]; counts: number[] }>()
  for (const h of hists) {
    if (sel.dataset !== null && h.dataset !== sel.dataset) continue
    if (sel.alphaIndex !== null && h.alphaIndex !== sel.alphaIndex) continue
    if (!inWindow(h.lambda, sel.window ?? null)) continue
    const key = lambdaKey(h.lambda)
    const acc = byLambda.get(key)
    if (!acc) byLambda.set(key, { lambda: h.lambda, edges: [...h.edges], counts: [...h.counts] })
    else if (acc.counts.length === h.counts.length) h.counts.forEach((c, k) => (acc.counts[k] += c))
  }
  return [...byLambda.values()].sort((a, b) => a.lambda - b.lambda)
}

const COLLAPSED_COLOR = '#1c3d7a'
const OTHER_COLOR = '#5b8def'

/**
 * Figure 3: final-α histograms, one small panel per λ, shared count axis.
 * When the back end aligned the bins to the collapse threshold (it does for
 * the app), the dark bar is exactly the collapsed α, "≤ threshold", and
 * agrees with the collapse table; the legend says so.
 */
export function histogramGridOption(hists: readonly AlphaHistogram[], sel: HistogramSelection): { option: EChartsOption; height: number } | null {
  const pooled = poolHistograms(hists, sel)
  if (pooled.length === 0) return null
  const threshold = hists.find((h) => h.threshold !== undefined)?.threshold
  const cols = 4
  const layout = smallMultiples(pooled.length, cols, pooled.map((p) => `λ = ${fmtLambda(p.lambda)}`), 150, 30)
  const maxCount = Math.max(1, ...pooled.flatMap((p) => p.counts))
  const axes = pooled.map((_, i) => i)
  const collapsedName = threshold === undefined ? 'lowest bin' : `collapsed (final α ≤ ${fmtNum(threshold, 3)})`
  const otherName = threshold === undefined ? 'other bins' : 'not collapsed'
  const binLabel = (edges: number[], k: number): string =>
    k === 0 && threshold !== undefined ? `≤ ${fmtNum(threshold, 3)}` : `${fmtNum(edges[k], 2)}–${fmtNum(edges[k + 1], 2)}`
  // Two stacked series per panel (bin 0 / the rest) so the legend can name the dark bar.
  const series: BarSeriesOption[] = pooled.flatMap((p, i) => [
    {
      type: 'bar' as const,
      name: collapsedName,
      xAxisIndex: i,
      yAxisIndex: i,
      stack: `p${i}`,
      barCategoryGap: '8%',
      itemStyle: { color: COLLAPSED_COLOR },
      data: p.counts.map((c, k) => (k === 0 ? c : '-'))
    },
    {
      type: 'bar' as const,
      name: otherName,
      xAxisIndex: i,
      yAxisIndex: i,
      stack: `p${i}`,
      barCategoryGap: '8%',
      itemStyle: { color: OTHER_COLOR },
      data: p.counts.map((c, k) => (k === 0 ? '-' : c))
    }
  ])
  const lastRowStart = Math.floor((pooled.length - 1) / cols) * cols
  const base = baseOption()
  return {
    // Room for the slider (one zoom for every panel's bins) under the last row.
    height: layout.height + 26,
    option: {
      ...base,
      legend: { ...(base.legend as object), show: true, data: [collapsedName, otherName] },
      dataZoom: xZoom(axes),
      title: layout.panels.map((p) => p.title),
      grid: layout.panels.map((p) => p.grid),
      tooltip: itemTooltip({
        formatter: (params) => {
          const item = Array.isArray(params) ? params[0] : params
          const p = pooled[Math.floor((item.seriesIndex ?? 0) / 2)]
          return `λ = ${esc(fmtLambda(p.lambda))}<br/>final α in ${binLabel(p.edges, item.dataIndex)}: <b>${String(item.value)}</b>`
        }
      }),
      xAxis: axes.map((i) => ({
        type: 'category',
        gridIndex: i,
        data: pooled[i].counts.map((_, k) => (k === 0 && threshold !== undefined ? `≤${fmtNum(threshold, 3)}` : fmtNum(pooled[i].edges[k], 2))),
        name: i >= lastRowStart ? 'final α (bin start)' : '',
        nameLocation: 'middle',
        nameGap: 20,
        nameTextStyle: { fontSize: 10, color: '#556' },
        axisLabel: { fontSize: 9, color: '#667', interval: 1 },
        axisTick: { alignWithLabel: false },
        axisLine: { lineStyle: { color: '#99a' } }
      })),
      yAxis: axes.map((i) => ({
        type: 'value',
        gridIndex: i,
        max: maxCount,
        splitNumber: 2,
        name: i % cols === 0 ? 'α count' : '',
        nameLocation: 'middle',
        nameGap: 26,
        nameTextStyle: { fontSize: 10, color: '#556' },
        axisLabel: { fontSize: 9, color: '#667' },
        splitLine: { lineStyle: { color: '#eef0f4' } }
      })),
      series
    }
  }
}

/** Deterministic jitter in [-0.5, 0.5) so runs at one λ do not sit on top of each other. */
function jitter(runId: number, alphaIndex: number): number {
  const h = Math.sin(runId * 12.9898 + alphaIndex * 78.233) * 43758.5453
  return h - Math.floor(h) - 0.5
}

/** Smallest distance between neighbouring λ values (1 when there is only one). */
function smallestGap(sorted: readonly number[]): number {
  let gap = Infinity
  for (let i = 1; i < sorted.length; i++) gap = Math.min(gap, sorted[i] - sorted[i - 1])
  return Number.isFinite(gap) && gap > 0 ? gap : 1
}

/**
 * Figure 4a: every final α at its run's λ on a linear λ axis (as Figure 1),
 * one colour per dataset. Points are jittered around their λ within a third
 * of the smallest λ step, datasets side by side. Zoom on λ follows `window`
 * (shared with Figures 1 and 2); shift + wheel zooms α. Points carry
 * [x, α, runId, αIndex, λ].
 */
export function finalAlphaScatterOption(points: readonly AlphaPoint[], threshold: number, window: LambdaWindow | null = null): EChartsOption | null {
  if (points.length === 0) return null
  const datasets = [...new Set(points.map((p) => p.dataset))]
  const lambdas = [...new Set(points.map((p) => p.lambda))].sort((a, b) => a - b)
  const width = smallestGap(lambdas) / 3
  const pad = jitterPad(lambdas)
  const spread = width / Math.max(1, datasets.length)
  return {
    ...baseOption(),
    legend: { ...(baseOption().legend as object), data: datasets },
    grid: { left: 52, right: 24, top: 36, bottom: 70 },
    tooltip: itemTooltip({
      formatter: (params) => {
        const item = Array.isArray(params) ? params[0] : params
        const [, alpha, runId, ai, lambda] = item.value as number[]
        return `${item.marker ?? ''}${esc(item.seriesName ?? '')}<br/>run #${runId} · λ = ${fmtLambda(lambda)}<br/>final ${alphaName(ai)} = <b>${fmtNum(alpha, 4)}</b>`
      }
    }),
    xAxis: valueAxis('λ', {
      min: lambdas[0] - pad,
      max: lambdas[lambdas.length - 1] + pad,
      axisLabel: { color: '#556', fontSize: 10, hideOverlap: true, showMinLabel: false, showMaxLabel: false }
    }),
    yAxis: yValueAxis('final α', { min: 0, max: 1 }),
    dataZoom: [...lambdaZoom(lambdaScale(lambdas, false), window, 0, pad), { type: 'inside', yAxisIndex: 0, filterMode: 'none', zoomOnMouseWheel: 'shift', moveOnMouseMove: false }],
    series: datasets.map((d, i) => {
      // Several datasets share a λ side by side.
      const offset = datasets.length > 1 ? (i / (datasets.length - 1) - 0.5) * (width - spread) : 0
      return {
        type: 'scatter',
        name: d,
        symbolSize: 6,
        itemStyle: { color: seriesColor(i), opacity: 0.65 },
        cursor: 'pointer',
        large: points.length > 5000,
        data: points
          .filter((p) => p.dataset === d)
          .map((p) => [p.lambda + offset + jitter(p.runId, p.alphaIndex) * spread, p.finalAlpha, p.runId, p.alphaIndex, p.lambda]),
        markLine: i === 0 ? thresholdLine(threshold) : undefined
      }
    })
  }
}

/** How far Figure 4a's jittered points reach past their λ: its axis and zoom window are widened by this. */
export function jitterPad(lambdas: readonly number[]): number {
  return smallestGap([...new Set(lambdas)].sort((a, b) => a - b)) / 6 + 1e-12
}

/** What Figure 4b shows: the λ window of Figures 1, 2 and 4a, and its own zoom on initial (x) and final (y) α. */
export interface InitFinalView {
  lambda: LambdaWindow | null
  initial: [number, number] | null
  final: [number, number] | null
}

export const INIT_FINAL_FULL: InitFinalView = { lambda: null, initial: null, final: null }

const within = (v: number, range: [number, number] | null): boolean => range === null || (v >= range[0] - 1e-12 && v <= range[1] + 1e-12)

/** λ range of the points Figure 4b shows inside its zoom: its colour scale spans exactly this (null when none is visible). */
export function visibleLambdaRange(pairs: readonly AlphaInitFinalPair[], view: InitFinalView): [number, number] | null {
  let lo = Infinity
  let hi = -Infinity
  for (const p of pairs) {
    if (!inWindow(p.lambda, view.lambda) || !within(p.initial, view.initial) || !within(p.final, view.final)) continue
    lo = Math.min(lo, p.lambda)
    hi = Math.max(hi, p.lambda)
  }
  return lo <= hi ? [lo, hi] : null
}

function zoomRange(range: [number, number] | null): { startValue: number; endValue: number } | { start: number; end: number } {
  return range ? { startValue: range[0], endValue: range[1] } : { start: 0, end: 100 }
}

/**
 * Figure 4b: initial vs final α, colour = λ, marker = dataset. Only runs in
 * the λ window are drawn, and the colour scale spans the λ of the points
 * visible after zoom, so one outlying λ does not wash out the others.
 * Points carry [initial, final, λ, runId, αIndex].
 */
export function initFinalScatterOption(allPairs: readonly AlphaInitFinalPair[], threshold: number, view: InitFinalView = INIT_FINAL_FULL): EChartsOption | null {
  const pairs = allPairs.filter((p) => inWindow(p.lambda, view.lambda))
  if (pairs.length === 0) return null
  const datasets = [...new Set(pairs.map((p) => p.dataset))]
  const [lo, hi] = visibleLambdaRange(pairs, view) ?? visibleLambdaRange(pairs, { ...view, initial: null, final: null }) ?? [0, 0]
  return {
    ...baseOption(),
    legend: { ...(baseOption().legend as object), data: datasets, itemStyle: { color: '#495057' } },
    grid: { left: 52, right: 86, top: 36, bottom: 70 },
    tooltip: itemTooltip({
      formatter: (params) => {
        const item = Array.isArray(params) ? params[0] : params
        if (item.seriesId === 'diagonal') return ''
        const [initial, final, lambda, runId, ai] = item.value as number[]
        return `${esc(item.seriesName ?? '')} · run #${runId}<br/>λ = ${fmtLambda(lambda)} · ${alphaName(ai)}<br/>initial ${fmtNum(initial, 3)} → final <b>${fmtNum(final, 4)}</b>`
      }
    }),
    visualMap: {
      type: 'continuous',
      dimension: 2,
      min: lo,
      max: hi === lo ? lo + 1e-9 : hi,
      calculable: false,
      right: 4,
      top: 'middle',
      itemHeight: 140,
      text: [`λ ${fmtLambda(hi)}`, `λ ${fmtLambda(lo)}`],
      textStyle: { fontSize: 10 },
      inRange: { color: ['#fde725', '#5ec962', '#21918c', '#3b528b', '#440154'] },
      seriesIndex: datasets.map((_, i) => i)
    },
    xAxis: valueAxis('initial α', { min: 0, max: 1 }),
    yAxis: yValueAxis('final α', { min: 0, max: 1 }),
    dataZoom: [...xZoom(0, zoomRange(view.initial)), { type: 'inside', yAxisIndex: 0, filterMode: 'none', zoomOnMouseWheel: 'shift', moveOnMouseMove: false, ...zoomRange(view.final) }],
    series: [
      ...datasets.map(
        (d, i): ScatterSeriesOption => ({
          type: 'scatter',
          name: d,
          symbol: SYMBOLS[i % SYMBOLS.length],
          symbolSize: 7,
          cursor: 'pointer',
          itemStyle: { opacity: 0.75 },
          data: pairs.filter((p) => p.dataset === d).map((p) => [p.initial, p.final, p.lambda, p.runId, p.alphaIndex]),
          markLine: i === 0 ? thresholdLine(threshold) : undefined
        })
      ),
      {
        type: 'line',
        id: 'diagonal',
        name: 'final = initial',
        data: [
          [0, 0],
          [1, 1]
        ],
        silent: true,
        symbol: 'none',
        lineStyle: { color: '#adb5bd', type: 'dashed', width: 1 }
      }
    ]
  }
}
