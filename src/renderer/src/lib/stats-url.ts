import { COLLAPSE_THRESHOLD } from '@shared/constants'
import { param, setParam } from './url-state'

/** Everything of the collapse statistics view that a URL carries. */
export interface StatsViewState {
  sweeps: number[]
  datasets: string[]
  threshold: number
  /** "Pool repeats" of Figures 5–7. */
  pool: boolean
  bins: number
}

export const DEFAULT_BINS = 10
/** The slider and the number field set the threshold: the URL follows after a pause, replacing its entry. */
export const STATS_TYPED_PARAMS = ['threshold'] as const

export function statsToParams(s: StatsViewState): URLSearchParams {
  const p = new URLSearchParams()
  setParam(p, 'sweeps', s.sweeps)
  setParam(p, 'dataset', s.datasets, true)
  if (s.threshold !== COLLAPSE_THRESHOLD) setParam(p, 'threshold', s.threshold)
  if (s.pool) setParam(p, 'pool', 1)
  if (s.bins !== DEFAULT_BINS) setParam(p, 'bins', s.bins)
  return p
}

/** The view a URL describes; anything missing or invalid (threshold=-1, bins=0) is the default. */
export function statsFromParams(p: URLSearchParams): StatsViewState {
  return {
    sweeps: param.ids(p, 'sweeps'),
    datasets: param.strings(p, 'dataset'),
    // As the threshold field: a number in [0, 1).
    threshold: param.number(p, 'threshold', (t) => t >= 0 && t < 1) ?? COLLAPSE_THRESHOLD,
    pool: p.get('pool') === '1',
    bins: param.number(p, 'bins', (b) => Number.isInteger(b) && b >= 2 && b <= 100) ?? DEFAULT_BINS
  }
}
