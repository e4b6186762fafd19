/**
 * Time to collapse. For each α the event time is the first recorded step
 * after which α stays ≤ threshold to the end; an α that does not end
 * collapsed is censored at its last recorded step. Kaplan–Meier curves with
 * Greenwood standard errors, the median time and the log-rank test follow
 * statsmodels' SurvfuncRight and survdiff (checked in test/unit/analysis).
 */
import type { GroupedSeries, LogRankTest, SurvivalCurve } from '../../shared/results'
import { lambdaKey } from './groups'
import { invertSpd, quadForm, zeros } from './matrix'
import { capitalize, formatP } from './words'
import { chiSquareSf } from './special'
import { isCollapsed } from './threshold'
import { Z_95 } from './wilson'

export interface Duration {
  dataset: string
  lambda: number
  runId: number
  alphaIndex: number
  /** Step of the event, or of censoring. */
  time: number
  /** 1 = collapsed, 0 = censored. */
  event: 0 | 1
}

/** The event (or censoring) time of every α of every run that has a history. */
export function durations(input: readonly GroupedSeries[], threshold: number): Duration[] {
  return input.flatMap(({ dataset, lambda, series }) => {
    const n = series.steps.length
    if (n === 0) return []
    return series.alphas.map((values, alphaIndex) => {
      let k = n - 1
      while (k >= 0 && isCollapsed(values[k], threshold)) k--
      const base = { dataset, lambda: lambdaKey(lambda), runId: series.runId, alphaIndex }
      if (k === n - 1) return { ...base, time: series.steps[n - 1], event: 0 as const }
      return { ...base, time: series.steps[k + 1], event: 1 as const }
    })
  })
}

export interface KaplanMeier {
  times: number[]
  /** Deaths and number at risk at each time. */
  d: number[]
  atRisk: number[]
  surv: number[]
  /** NaN where undefined (after survival reaches 0), as statsmodels. */
  se: number[]
}

/** Kaplan–Meier estimate at the event times, Greenwood's standard error. */
export function kaplanMeier(time: readonly number[], event: readonly number[]): KaplanMeier {
  const order = time.map((t, i) => i).sort((a, b) => time[a] - time[b])
  const times: number[] = []
  const d: number[] = []
  const atRisk: number[] = []
  let remaining = time.length
  for (let j = 0; j < order.length; ) {
    const t = time[order[j]]
    let deaths = 0
    let all = 0
    for (; j < order.length && time[order[j]] === t; j++, all++) deaths += event[order[j]]
    if (deaths > 0) {
      times.push(t)
      d.push(deaths)
      atRisk.push(remaining)
    }
    remaining -= all
  }
  const surv: number[] = []
  const se: number[] = []
  let s = 1
  let greenwood = 0
  times.forEach((_, k) => {
    s *= 1 - d[k] / atRisk[k]
    greenwood = atRisk[k] === d[k] ? NaN : greenwood + d[k] / (atRisk[k] * (atRisk[k] - d[k]))
    surv.push(s)
    se.push(s === 0 ? NaN : s * Math.sqrt(greenwood))
  })
  return { times, d, atRisk, surv, se }
}

const cloglog = (x: number): number => Math.log(-Math.log(x))
const cloglogPrime = (x: number): number => -1 / (x * Math.log(x))

/** Pointwise interval on the complementary log-log scale (stays inside [0, 1]). */
export function survivalInterval(s: number, se: number, z = Z_95): { low: number | null; high: number | null } {
  if (!Number.isFinite(se) || !(s > 0) || !(s < 1)) return { low: null, high: null }
  const half = z * se * Math.abs(cloglogPrime(s))
  const g = cloglog(s)
  return { low: Math.exp(-Math.exp(g + half)), high: Math.exp(-Math.exp(g - half)) }
}

/**
 * The first time survival is ≤ 1 − p (the textbook median for p = 0.5).
 * statsmodels' quantile asks for strictly < 1 − p on a survival computed as
 * exp(Σ log), so a curve that sits at exactly 0.5 goes either way by rounding there.
 */
export function survivalQuantile(km: KaplanMeier, p = 0.5): number | null {
  const k = km.surv.findIndex((s) => s <= 1 - p + 1e-12)
  return k < 0 ? null : km.times[k]
}

/** statsmodels' quantile_ci (method 'cloglog'): invert the z-test; high = null means unbounded. */
export function survivalQuantileCi(km: KaplanMeier, p = 0.5, z = Z_95): { low: number | null; high: number | null } {
  const inside: number[] = []
  km.surv.forEach((s, k) => {
    const r = (cloglog(s) - cloglog(1 - p)) / (cloglogPrime(s) * km.se[k])
    if (Math.abs(r) <= z) inside.push(k)
  })
  if (inside.length === 0) return { low: null, high: null }
  const last = inside[inside.length - 1]
  return { low: km.times[inside[0]], high: last === km.times.length - 1 ? null : km.times[last + 1] }
}

export function survivalCurve(items: readonly Duration[], who: Pick<SurvivalCurve, 'dataset' | 'lambda'>): SurvivalCurve {
  const km = kaplanMeier(
    items.map((d) => d.time),
    items.map((d) => d.event)
  )
  const ci = km.surv.map((s, k) => survivalInterval(s, km.se[k]))
  const median = survivalQuantile(km)
  const mci = survivalQuantileCi(km)
  return {
    ...who,
    n: items.length,
    events: items.reduce((s, d) => s + d.event, 0),
    times: km.times,
    surv: km.surv,
    se: km.se.map((v) => (Number.isFinite(v) ? v : null)),
    ci_low: ci.map((c) => c.low),
    ci_high: ci.map((c) => c.high),
    median,
    median_ci_low: mci.low,
    median_ci_high: mci.high,
    last_step: Math.max(0, ...items.map((d) => d.time))
  }
}

/** O − E and its covariance for groups 1..G−1 (group 0 the reference) within one stratum, as statsmodels' _survdiff. */
function logRankParts(items: readonly { time: number; event: number; group: number }[], groups: number): { oe: number[]; v: number[][] } {
  const m = groups - 1
  const oe = new Array<number>(m).fill(0)
  const v = zeros(m, m)
  const times = [...new Set(items.map((d) => d.time))].sort((a, b) => a - b)
  for (const t of times) {
    const atRisk = new Array<number>(groups).fill(0)
    const obs = new Array<number>(groups).fill(0)
    for (const d of items) {
      if (d.time >= t) atRisk[d.group]++
      if (d.time === t) obs[d.group] += d.event
    }
    const total = atRisk.reduce((s, x) => s + x, 0)
    if (total <= 1) continue
    const deaths = obs.reduce((s, x) => s + x, 0)
    const r = atRisk.map((x) => x / total)
    const scale = (deaths * (total - deaths)) / (total - 1)
    for (let g = 1; g < groups; g++) {
      oe[g - 1] += obs[g] - r[g] * deaths
      for (let h = 1; h < groups; h++) v[g - 1][h - 1] += r[h] * ((g === h ? 1 : 0) - r[g]) * scale
    }
  }
  return { oe, v }
}

/** Log-rank χ² (and p) that the groups' survival is equal, optionally stratified. */
export function logRank(items: readonly { time: number; event: number; group: string; stratum?: string }[]): { stat: number; df: number; p: number } | null {
  const names = [...new Set(items.map((d) => d.group))].sort()
  if (names.length < 2) return null
  const index = new Map(names.map((n, i) => [n, i]))
  const strata = new Map<string, { time: number; event: number; group: number }[]>()
  for (const d of items) {
    const key = d.stratum ?? ''
    let list = strata.get(key)
    if (!list) strata.set(key, (list = []))
    list.push({ time: d.time, event: d.event, group: index.get(d.group) ?? 0 })
  }
  const m = names.length - 1
  const oe = new Array<number>(m).fill(0)
  const v = zeros(m, m)
  for (const list of strata.values()) {
    const part = logRankParts(list, names.length)
    part.oe.forEach((x, i) => (oe[i] += x))
    part.v.forEach((row, i) => row.forEach((x, j) => (v[i][j] += x)))
  }
  const inv = invertSpd(v)
  if (!inv) return null
  const stat = quadForm(oe, inv)
  return { stat, df: m, p: chiSquareSf(stat, m) }
}

/** The log-rank test across the values of `kind`, stratified by the other factor when it varies. */
export function logRankTest(items: readonly Duration[], kind: LogRankTest['kind']): LogRankTest {
  const group = (d: Duration): string => (kind === 'datasets' ? d.dataset : String(d.lambda))
  const other = (d: Duration): string => (kind === 'datasets' ? String(d.lambda) : d.dataset)
  const groups = [...new Set(items.map(group))].sort()
  const stratified = new Set(items.map(other)).size > 1
  const what = kind === 'datasets' ? `the datasets ${groups.join(', ')}` : `λ = ${groups.join(', ')}`
  const within = stratified ? (kind === 'datasets' ? ', comparing within each λ' : ', comparing within each dataset') : ''
  const base = { kind, groups, stratified, df: Math.max(0, groups.length - 1) }
  const r = logRank(items.map((d) => ({ time: d.time, event: d.event, group: group(d), stratum: stratified ? other(d) : undefined })))
  if (!r) {
    const problem = groups.length < 2 ? 'needs at least two groups' : 'no information: no group has events at times when another is at risk'
    return { ...base, stat: null, p: null, problem, sentence: `No log-rank test for ${what}: ${problem}.` }
  }
  const verdict = r.p < 0.05 ? 'collapse at different times' : 'are consistent with one time-to-collapse curve'
  return { ...base, stat: r.stat, p: r.p, problem: null, sentence: `${capitalize(what)} ${verdict}${within} (log-rank χ² = ${r.stat.toFixed(2)}, df = ${r.df}, p = ${formatP(r.p)}).` }
}
