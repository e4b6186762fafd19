import type { EChartsOption, ParallelSeriesOption } from 'echarts'
import { ParallelChart } from 'echarts/charts'
import { ParallelComponent } from 'echarts/components'
import { use } from 'echarts/core'
import type { RunSummary } from '@shared/results'
import { seriesColor } from '../lib/colors'
import { fmtNum } from '../lib/format'
import { axisValues, NUMERIC_AXES, type NumericAxis } from '../lib/run-brush'
import { baseOption, esc, FONT, itemTooltip } from './base'

// Registered here, beside the only option that draws them (charts/echarts.ts registers the rest).
use([ParallelChart, ParallelComponent])

/** The parallel axes, left to right; each axis id is the brush field it sets. */
export type ParallelAxisId = NumericAxis | 'dataset'
const AXIS_NAMES: Record<ParallelAxisId, string> = {
  lambda: 'λ',
  alphaInit: 'mean initial α',
  finalAlpha: 'mean final α',
  testAccuracy: 'test accuracy',
  dataset: 'dataset'
}
export const PARALLEL_AXES: readonly ParallelAxisId[] = [...NUMERIC_AXES, 'dataset']

/** Runs the chart can draw: those with a final α (queued, running and failed runs have none). */
export function drawableRuns(runs: readonly RunSummary[]): RunSummary[] {
  return runs.filter((r) => r.finalAlpha !== null && r.finalAlpha.length > 0)
}

/** The dataset axis's categories, in name order. */
export function datasetCategories(runs: readonly RunSummary[]): string[] {
  return [...new Set(runs.map((r) => r.dataset))].sort()
}

/**
 * One line per run across λ, mean initial α, mean final α, test accuracy and
 * dataset, coloured by dataset. Brushing an axis (drag along it) fires
 * `axisareaselected` with the axis id; a run without a value on a brushed axis
 * (no accuracy) is outside the brush, as in the runs query.
 *
 * The dataset axis plots each dataset's index in `datasetCategories` on a
 * value axis labelled with the names: ECharts rounds a brush on a category
 * axis to whole categories and draws a brush over one category with no width,
 * so a restored brush would be invisible.
 */
export function parallelOption(runs: readonly RunSummary[]): EChartsOption {
  const drawn = drawableRuns(runs)
  const categories = datasetCategories(drawn)
  const axisStyle = { lineStyle: { color: '#99a' } }
  const series: ParallelSeriesOption[] = categories.map((dataset, i) => ({
    type: 'parallel',
    name: dataset,
    lineStyle: { width: 1, opacity: 0.5, color: seriesColor(i) },
    inactiveOpacity: 0.04,
    activeOpacity: 0.9,
    progressive: 500,
    data: drawn
      .filter((r) => r.dataset === dataset)
      .map((r) => {
        const v = axisValues(r)
        return { name: `run #${r.id}`, value: [...NUMERIC_AXES.map((a) => v[a] ?? Number.NaN), i] }
      })
  }))
  return {
    ...baseOption(),
    grid: undefined,
    tooltip: itemTooltip({
      formatter: (p) => {
        const item = Array.isArray(p) ? p[0] : p
        const values = (item?.value ?? []) as (number | string)[]
        const shown = (a: ParallelAxisId, v: number | string | undefined): string => (a === 'dataset' ? esc(categories[Number(v)] ?? '—') : typeof v === 'number' ? fmtNum(v, 4) : '—')
        const rows = PARALLEL_AXES.map((a, k) => `${AXIS_NAMES[a]}: ${shown(a, values[k])}`)
        return `<b>${esc(String(item?.name ?? ''))}</b><br>${rows.join('<br>')}`
      }
    }),
    parallel: {
      left: 56,
      right: 150,
      top: 48,
      bottom: 28,
      parallelAxisDefault: {
        realtime: false,
        nameLocation: 'end',
        nameGap: 12,
        nameTextStyle: { fontSize: 11, color: '#556', fontFamily: FONT },
        axisLine: axisStyle,
        axisLabel: { color: '#556', fontSize: 10 },
        areaSelectStyle: { width: 18, borderWidth: 1, borderColor: '#3b5bdb', color: 'rgba(59, 91, 219, 0.18)', opacity: 1 }
      }
    },
    parallelAxis: PARALLEL_AXES.map((id, dim) => {
      const common = { id, dim, name: AXIS_NAMES[id] }
      if (id === 'dataset') {
        return {
          ...common,
          type: 'value' as const,
          min: -0.5,
          max: Math.max(0.5, categories.length - 0.5),
          interval: 1,
          axisTick: { show: false },
          axisLabel: { color: '#556', fontSize: 10, width: 140, overflow: 'truncate' as const, formatter: (v: number) => (Number.isInteger(v) ? (categories[v] ?? '') : '') }
        }
      }
      if (id === 'lambda') return { ...common, type: 'value' as const, min: 0 }
      if (id === 'testAccuracy') return { ...common, type: 'value' as const, scale: true }
      return { ...common, type: 'value' as const, min: 0, max: 1 }
    }),
    series
  }
}

/** The dataset-axis intervals (category indices) that cover `names`, one per contiguous run of categories. */
export function datasetIntervals(categories: readonly string[], names: readonly string[]): [number, number][] {
  const idx = [...new Set(names.map((n) => categories.indexOf(n)).filter((i) => i >= 0))].sort((a, b) => a - b)
  const runs: [number, number][] = []
  for (const i of idx) {
    const last = runs[runs.length - 1]
    if (last && i === last[1] + 1) last[1] = i
    else runs.push([i, i])
  }
  // A little either side of the categories, so the band is as wide as a brush over them.
  return runs.map(([a, b]) => [a - 0.4, b + 0.4])
}

/** The dataset names inside brushed category intervals. */
export function datasetsIn(categories: readonly string[], intervals: readonly (readonly [number, number])[]): string[] {
  return categories.filter((_, i) => intervals.some(([lo, hi]) => Math.min(lo, hi) <= i && i <= Math.max(lo, hi)))
}
