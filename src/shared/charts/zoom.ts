import type { DataZoomComponentOption } from 'echarts'

/**
 * Wheel/drag zoom on x plus a slider under the plot, for every chart of the
 * workbench (the renderer's charts and Figures 5–7). Given several axes (small
 * multiples), one slider spans the whole figure, without a data preview (it
 * would show only the first panel's first series).
 */
export function xZoom(xAxisIndex: number | number[] = 0, range: Partial<DataZoomComponentOption> = {}): DataZoomComponentOption[] {
  const span = Array.isArray(xAxisIndex) && xAxisIndex.length > 1 ? { left: '7.5%', right: '3.5%', showDataShadow: false } : {}
  return [
    { type: 'inside', xAxisIndex, filterMode: 'none', ...range },
    { type: 'slider', xAxisIndex, filterMode: 'none', height: 16, bottom: 6, showDetail: false, borderColor: '#dde', ...span, ...range }
  ] as DataZoomComponentOption[]
}
