import type { EChartsOption, TooltipComponentOption, XAXisComponentOption, YAXisComponentOption } from 'echarts'
import { fmtNum } from '../lib/format'

/** Shared look of every chart: compact, no animation (live charts redraw often; exports and screenshots are stable). */
export const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Inter, Roboto, 'Helvetica Neue', Arial, sans-serif"

export function baseOption(): EChartsOption {
  return {
    animation: false,
    textStyle: { fontFamily: FONT, fontSize: 11, color: '#334' },
    grid: { left: 56, right: 20, top: 36, bottom: 44, containLabel: false },
    legend: { type: 'scroll', top: 4, left: 8, right: 8, itemWidth: 16, itemHeight: 8, textStyle: { fontSize: 11 } }
  }
}

export function valueAxis(name: string, extra: Partial<XAXisComponentOption> = {}): XAXisComponentOption {
  return {
    type: 'value',
    name,
    nameLocation: 'middle',
    nameGap: 26,
    nameTextStyle: { fontSize: 11, color: '#556' },
    axisLine: { show: true, onZero: false, lineStyle: { color: '#99a' } },
    axisTick: { show: true },
    splitLine: { lineStyle: { color: '#eef0f4' } },
    axisLabel: { color: '#556', fontSize: 10, hideOverlap: true },
    scale: false,
    ...extra
  } as XAXisComponentOption
}

export function categoryAxis(name: string, data: string[]): XAXisComponentOption {
  return {
    type: 'category',
    name,
    data,
    boundaryGap: true,
    nameLocation: 'middle',
    nameGap: 26,
    nameTextStyle: { fontSize: 11, color: '#556' },
    axisLine: { show: true, lineStyle: { color: '#99a' } },
    axisLabel: { color: '#556', fontSize: 10, hideOverlap: true }
  }
}

export function yValueAxis(name: string, extra: Partial<YAXisComponentOption> = {}): YAXisComponentOption {
  return {
    type: 'value',
    name,
    nameLocation: 'middle',
    nameGap: 38,
    nameTextStyle: { fontSize: 11, color: '#556' },
    axisLine: { show: true, onZero: false, lineStyle: { color: '#99a' } },
    splitLine: { lineStyle: { color: '#eef0f4' } },
    axisLabel: { color: '#556', fontSize: 10 },
    ...extra
  } as YAXisComponentOption
}

export { xZoom } from '@shared/charts/zoom'

export function axisTooltip(extra: Partial<TooltipComponentOption> = {}): TooltipComponentOption {
  return {
    trigger: 'axis',
    confine: true,
    axisPointer: { type: 'line', snap: false },
    textStyle: { fontSize: 11 },
    valueFormatter: (v) => (typeof v === 'number' ? fmtNum(v, 4) : String(v ?? '—')),
    ...extra
  }
}

export function itemTooltip(extra: Partial<TooltipComponentOption> = {}): TooltipComponentOption {
  return { trigger: 'item', confine: true, textStyle: { fontSize: 11 }, ...extra }
}

/** Escapes text placed into tooltip HTML (dataset names come from imported files). */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)
}

/** Number of data items across series: how the UI (and the e2e test) tells an empty chart from a drawn one. */
export function countPoints(option: EChartsOption | null): number {
  if (!option) return 0
  const series = Array.isArray(option.series) ? option.series : option.series ? [option.series] : []
  let n = 0
  for (const s of series) {
    const data = (s as { data?: unknown }).data
    if (Array.isArray(data)) n += data.length
  }
  return n
}
