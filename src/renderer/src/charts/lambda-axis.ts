import type { DataZoomComponentOption, XAXisComponentOption } from 'echarts'
import { fmtLambda } from '../lib/format'
import { valueAxis, xZoom } from './base'

/**
 * The λ axis shared by Figures 1, 2 and 4a: linear, or log₁₀ on request, and
 * one zoom window (in λ) that all of them show.
 *
 * The log axis is a value axis over log₁₀ λ rather than ECharts' `type: 'log'`:
 * ECharts' dataZoom interpolates a log axis linearly in λ, so the mouse wheel
 * zooms around the wrong λ and the slider does not line up with the ticks.
 * λ = 0 has no logarithm: it is drawn at a floor, the power of ten below the
 * smallest positive λ, and that tick is labelled "0".
 */

/** A range of λ (lo may be 0); null means everything. */
export interface LambdaWindow {
  lo: number
  hi: number
}

export interface LambdaView {
  log: boolean
  window: LambdaWindow | null
}

export const LINEAR_FULL: LambdaView = { log: false, window: null }

/** The power of ten just below the smallest positive λ (0.001 for 0.005; 0.0001 for 0.001); 0.001 when none is positive. */
export function lambdaFloor(lambdas: readonly number[]): number {
  const positive = lambdas.filter((l) => l > 0)
  if (positive.length === 0) return 1e-3
  return 10 ** (Math.ceil(Math.log10(Math.min(...positive))) - 1)
}

export interface LambdaScale {
  log: boolean
  /** Where λ = 0 is drawn on the log axis (null on a linear axis). */
  floor: number | null
  /** Axis position of a λ. */
  at(lambda: number): number
  /** λ of an axis position (positions at or below the floor read as 0). */
  lambdaAt(position: number): number
}

export function lambdaScale(lambdas: readonly number[], log: boolean): LambdaScale {
  if (!log) return { log, floor: null, at: (l) => l, lambdaAt: (p) => p }
  const floor = lambdaFloor(lambdas)
  const bottom = Math.log10(floor)
  return {
    log,
    floor,
    at: (l) => (l > floor ? Math.log10(l) : bottom),
    lambdaAt: (p) => (p <= bottom + 1e-9 ? 0 : 10 ** p)
  }
}

/** The λ axis; on a log axis, labels are λ (not its logarithm) and the floor reads "0". */
export function lambdaAxis(scale: LambdaScale, extra: Partial<XAXisComponentOption> = {}): XAXisComponentOption {
  if (!scale.log) return valueAxis('λ', { min: 'dataMin', max: 'dataMax', ...extra })
  const bottom = Math.log10(scale.floor ?? 1e-3)
  const axis = valueAxis('λ (log scale)', {
    min: bottom,
    max: 'dataMax',
    axisLabel: {
      color: '#556',
      fontSize: 10,
      hideOverlap: true,
      formatter: (v: number) => (Math.abs(v - bottom) < 1e-9 ? '0' : fmtLambda(Number((10 ** v).toPrecision(2))))
    }
  })
  return { ...axis, ...extra } as XAXisComponentOption
}

/**
 * Wheel/drag zoom and a slider on the λ axes, showing `window` (or all).
 * The window is always set, so every chart given the same view shows the same λ.
 * `pad` widens it on both sides (Figure 4a's jittered points around the edge λ).
 */
export function lambdaZoom(scale: LambdaScale, window: LambdaWindow | null, xAxisIndex: number | number[] = 0, pad = 0): DataZoomComponentOption[] {
  const range = window ? { startValue: scale.at(window.lo) - pad, endValue: scale.at(window.hi) + pad } : { start: 0, end: 100 }
  // No data preview in the slider: it would draw a CI band's lower edge.
  const [inside, slider] = xZoom(xAxisIndex, range)
  return [inside, { ...slider, showDataShadow: false } as DataZoomComponentOption]
}

/** What a chart's zoom reports: percent and axis values of its first dataZoom. */
export interface ZoomState {
  start: number
  end: number
  startValue: number
  endValue: number
}

/** The λ window a zoomed λ axis shows (less `pad`, as lambdaZoom added it), or null when it shows everything. */
export function windowFromZoom(zoom: ZoomState | undefined, scale: LambdaScale, pad = 0): LambdaWindow | null {
  if (!zoom || (zoom.start <= 0 && zoom.end >= 100)) return null
  const lo = scale.lambdaAt(zoom.startValue + pad)
  const hi = scale.lambdaAt(zoom.endValue - pad)
  return lo <= hi ? { lo, hi } : { lo: (lo + hi) / 2, hi: (lo + hi) / 2 }
}

export function inWindow(lambda: number, window: LambdaWindow | null): boolean {
  return window === null || (lambda >= window.lo - 1e-12 && lambda <= window.hi + 1e-12)
}
