import type { EChartsOption, LineSeriesOption } from 'echarts'
import type { AlphaSeries, EpochMetrics } from '@shared/results'
import { ALPHA_LINE_TYPES, alphaColor, seriesColor } from '../lib/colors'
import { alphaName, fmtNum } from '../lib/format'
import { axisTooltip, baseOption, categoryAxis, esc, valueAxis, xZoom, yValueAxis } from './base'

export interface Line {
  id: string
  name: string
  x: readonly number[]
  y: readonly (number | null)[]
  color: string
  lineType?: 'solid' | 'dashed' | 'dotted'
}

function lineSeries(l: Line): LineSeriesOption {
  return {
    type: 'line',
    id: l.id,
    name: l.name,
    data: l.x.map((x, k) => [x, l.y[k] ?? null]),
    showSymbol: false,
    symbolSize: 4,
    sampling: 'lttb',
    connectNulls: false,
    lineStyle: { width: 1.5, color: l.color, type: l.lineType ?? 'solid' },
    itemStyle: { color: l.color },
    emphasis: { focus: 'series', lineStyle: { width: 2.5 } }
  }
}

export interface TrajectoryOptions {
  zoom?: boolean
  yName?: string
  /** x-axis title; default "step". */
  xName?: string
  /** α charts: y fixed to [0, 1]. */
  unitInterval?: boolean
  legend?: boolean
}

/** A run chart's x-axis: SGD steps, or fractional epochs (step ÷ steps per epoch), as W&B and TensorBoard offer. */
export type RunXAxis = 'step' | 'epoch'

export interface RunAxisChoice {
  x: RunXAxis
  /** Steps in one epoch; null when unknown (imported runs): the step axis is used. */
  stepsPerEpoch: number | null
}

export const BY_STEP: RunAxisChoice = { x: 'step', stepsPerEpoch: null }

/** Steps per epoch of a trained run: its planned steps over its epochs (the queue plans whole epochs); null without a config. */
export function stepsPerEpochOf(run: { stepsPlanned: number | null; config: { epochs: number } | null }): number | null {
  return run.stepsPlanned && run.config?.epochs ? run.stepsPlanned / run.config.epochs : null
}

/** x values and axis title for a run's records. */
export function runX(steps: readonly number[], axis: RunAxisChoice): { x: number[]; name: string } {
  if (axis.x === 'epoch' && axis.stepsPerEpoch) {
    const per = axis.stepsPerEpoch
    return { x: steps.map((s) => s / per), name: 'epoch' }
  }
  return { x: [...steps], name: 'step' }
}

/**
 * Exponential moving average as TensorBoard smooths scalars: weight w in
 * [0, 1), debiased by 1 − w^n so the start is not pulled toward 0; a missing
 * (null) value stays a gap and does not move the average.
 */
export function emaSmooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  const w = Math.min(Math.max(weight, 0), 0.999)
  let last = 0
  let n = 0
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null
    last = last * w + (1 - w) * v
    n++
    return last / (1 - w ** n)
  })
}

export function linesOption(lines: readonly Line[], opts: TrajectoryOptions = {}): EChartsOption {
  const base = baseOption()
  return {
    ...base,
    legend: opts.legend === false ? { show: false } : base.legend,
    grid: { left: 52, right: 18, top: opts.legend === false ? 14 : 34, bottom: opts.zoom ? 58 : 36 },
    tooltip: axisTooltip(),
    // Epochs start at 0 (a round tick) whatever step was recorded first.
    xAxis: valueAxis(opts.xName ?? 'step', { min: opts.xName === 'epoch' ? 0 : 'dataMin', max: 'dataMax' }),
    yAxis: yValueAxis(opts.yName ?? 'α', opts.unitInterval ? { min: 0, max: 1 } : { scale: true }),
    dataZoom: opts.zoom ? xZoom() : [],
    series: lines.map(lineSeries)
  }
}

/** One run's α_i over training steps. */
export function alphaLines(series: AlphaSeries | { steps: readonly number[]; alphas: readonly (readonly number[])[] }): Line[] {
  return series.alphas.map((values, i) => ({ id: `a${i}`, name: alphaName(i), x: series.steps, y: values, color: alphaColor(i) }))
}

export function alphaTrajectoryOption(series: AlphaSeries, axis: RunAxisChoice = BY_STEP): EChartsOption {
  const { x, name } = runX(series.steps, axis)
  return linesOption(alphaLines({ steps: x, alphas: series.alphas }), { zoom: true, unitInterval: true, xName: name })
}

const LOSS_COLOR = '#495057'

/**
 * Batch loss, smoothed as TensorBoard does (EMA, `smoothing` 0–0.99) with the
 * raw curve faint behind it; smoothing 0 draws the raw curve alone.
 */
export function batchLossOption(series: AlphaSeries, smoothing = 0, axis: RunAxisChoice = BY_STEP): EChartsOption | null {
  if (!series.losses.some((l) => l !== null)) return null
  const { x, name } = runX(series.steps, axis)
  const raw: Line = { id: 'loss', name: 'batch loss (CE + λ‖α‖)', x, y: series.losses, color: LOSS_COLOR }
  if (smoothing <= 0) return linesOption([raw], { zoom: true, yName: 'loss', xName: name })
  const option = linesOption([{ ...raw, id: 'loss-smoothed', name: `smoothed (EMA ${fmtNum(smoothing, 2)})`, y: emaSmooth(series.losses, smoothing) }], { zoom: true, yName: 'loss', xName: name })
  const faint: LineSeriesOption = { ...lineSeries({ ...raw, id: 'loss-raw', name: 'raw' }), lineStyle: { width: 1, color: LOSS_COLOR, opacity: 0.22 }, emphasis: { disabled: true }, z: 1 }
  return { ...option, series: [faint, ...(option.series as LineSeriesOption[]).map((s) => ({ ...s, z: 2 }))] }
}

/** Per-epoch train/test loss (left axis) and test accuracy (right axis); epochs as categories, so one epoch still reads well. */
export function epochMetricsOption(metrics: readonly EpochMetrics[]): EChartsOption | null {
  if (metrics.length === 0) return null
  const s = (name: string, color: string, values: (number | null)[], yAxisIndex = 0, dashed = false): LineSeriesOption => ({
    type: 'line',
    name,
    yAxisIndex,
    data: values,
    symbolSize: 6,
    lineStyle: { color, width: 1.5, type: dashed ? 'dashed' : 'solid' },
    itemStyle: { color }
  })
  return {
    ...baseOption(),
    grid: { left: 52, right: 52, top: 34, bottom: 58 },
    tooltip: axisTooltip(),
    xAxis: categoryAxis('epoch', metrics.map((m) => String(m.epoch + 1))),
    dataZoom: xZoom(),
    yAxis: [yValueAxis('loss', { scale: true }), yValueAxis('test accuracy', { min: 0, max: 1, position: 'right', nameGap: 36, splitLine: { show: false } })],
    series: [
      s('train loss', '#1c7ed6', metrics.map((m) => m.trainLoss)),
      s('test loss', '#e8590c', metrics.map((m) => m.testLoss), 0, true),
      s('test accuracy', '#2b8a3e', metrics.map((m) => m.testAccuracy), 1)
    ]
  }
}

export interface CompareInput {
  runId: number
  label: string
  series: AlphaSeries
}

/** Compare: colour = run, line style = α_i; hidden α indices are left out. */
export function compareOption(runs: readonly CompareInput[], shownAlpha: (i: number) => boolean): EChartsOption {
  const lines: Line[] = []
  runs.forEach((r, ri) => {
    r.series.alphas.forEach((values, i) => {
      if (!shownAlpha(i)) return
      lines.push({ id: `r${r.runId}a${i}`, name: r.label, x: r.series.steps, y: values, color: seriesColor(ri), lineType: ALPHA_LINE_TYPES[i % ALPHA_LINE_TYPES.length] })
    })
  })
  const option = linesOption(lines, { zoom: true, unitInterval: true })
  return {
    ...option,
    tooltip: axisTooltip({
      trigger: 'item',
      formatter: (p) => {
        const item = Array.isArray(p) ? p[0] : p
        const alpha = /a(\d+)$/.exec(String(item.seriesId ?? ''))
        const [step, value] = item.value as [number, number]
        return `${item.marker ?? ''}${esc(item.seriesName ?? '')} · ${alpha ? alphaName(Number(alpha[1])) : 'α'} = <b>${fmtNum(value, 4)}</b><br/>step ${step}`
      }
    })
  }
}
