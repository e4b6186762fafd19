/**
 * Dose–response of collapse on λ: one observation per final α (collapsed or
 * not), a logistic fit per dataset, per α index and pooled, λ50 = −b0/b1 with
 * a delta-method interval, and likelihood-ratio tests that groups share one
 * curve. Pure: rows in, numbers out.
 */
import type { CurveTest, DoseFit, FinalAlphaRow, StartCell, StartFit } from '../../shared/results'
import { DEFAULT_COLLAPSE_THRESHOLD } from './collapse'
import { lambdaKey } from './groups'
import { fitLogit, type LogitFit } from './logit'
import type { Matrix } from './matrix'
import { quadForm } from './matrix'
import { chiSquareSf } from './special'
import { isCollapsed } from './threshold'
import { capitalize, formatP } from './words'
import { Z_95 } from './wilson'

export type DoseInput = Pick<FinalAlphaRow, 'runId' | 'dataset' | 'lambda' | 'alphaInit' | 'finalAlpha'>

/** One final α: the unit of every fit. */
export interface Observation {
  dataset: string
  lambda: number
  runId: number
  alphaIndex: number
  /** Null when the run's initial α is unknown. */
  alphaInit: number | null
  collapsed: 0 | 1
}

export function observations(rows: readonly DoseInput[], threshold = DEFAULT_COLLAPSE_THRESHOLD): Observation[] {
  return rows.flatMap((r) =>
    r.finalAlpha.map((a, alphaIndex) => ({
      dataset: r.dataset,
      lambda: lambdaKey(r.lambda),
      runId: r.runId,
      alphaIndex,
      alphaInit: r.alphaInit?.[alphaIndex] ?? null,
      collapsed: isCollapsed(a, threshold) ? (1 as const) : (0 as const)
    }))
  )
}

/** λ50 = −b0/b1 and its delta-method standard error from the coefficients' covariance. */
export function lambda50(b0: number, b1: number, cov: Matrix): { value: number; se: number } {
  const grad = [-1 / b1, b0 / (b1 * b1)]
  return { value: -b0 / b1, se: Math.sqrt(quadForm(grad, cov)) }
}

export function fitDose(obs: readonly Observation[]): LogitFit {
  return fitLogit(
    obs.map((o) => [1, o.lambda]),
    obs.map((o) => o.collapsed),
    { clusters: obs.map((o) => o.runId) }
  )
}

function toDoseFit(obs: readonly Observation[], fit: LogitFit, who: Pick<DoseFit, 'dataset' | 'pooled' | 'alpha_index'>, z: number): DoseFit {
  const ok = fit.identifiable
  const [b0, b1] = fit.coef
  const l50 = ok ? lambda50(b0, b1, fit.cov) : null
  const l50c = ok && fit.clusterCov ? lambda50(b0, b1, fit.clusterCov) : null
  const finite = (v: number | undefined): number | null => (ok && v !== undefined && Number.isFinite(v) ? v : null)
  return {
    ...who,
    n: obs.length,
    collapsed: obs.reduce((s, o) => s + o.collapsed, 0),
    runs: new Set(obs.map((o) => o.runId)).size,
    b0: finite(b0),
    b1: finite(b1),
    se_b0: finite(fit.se[0]),
    se_b1: finite(fit.se[1]),
    lambda50: l50 ? l50.value : null,
    lambda50_ci_low: l50 ? l50.value - z * l50.se : null,
    lambda50_ci_high: l50 ? l50.value + z * l50.se : null,
    cluster_se_b0: finite(fit.clusterSe?.[0]),
    cluster_se_b1: finite(fit.clusterSe?.[1]),
    lambda50_cluster_ci_low: l50c ? l50c.value - z * l50c.se : null,
    lambda50_cluster_ci_high: l50c ? l50c.value + z * l50c.se : null,
    log_lik: fit.logLik,
    identifiable: ok,
    problem: fit.problem,
    tests: []
  }
}


/**
 * Likelihood-ratio test of one shared curve against one curve per group:
 * 2·(Σ log L_group − log L_shared) ~ χ² with 2·(groups − 1) df.
 */
export function sameCurveTest(
  groups: readonly { label: string; obs: readonly Observation[] }[],
  kind: CurveTest['kind'],
  meta: Pick<CurveTest, 'datasets' | 'alpha_indices'>
): CurveTest {
  const df = 2 * (groups.length - 1)
  const what =
    kind === 'datasets'
      ? `the datasets ${meta.datasets.join(', ')}`
      : `${(meta.alpha_indices ?? []).map((i) => `α${i}`).join(', ')} of ${meta.datasets.length === 1 ? meta.datasets[0] : `the pooled datasets ${meta.datasets.join(', ')}`}`
  const base = { kind, ...meta, df }
  if (groups.length < 2) return { ...base, stat: null, p: null, problem: 'needs at least two groups', sentence: `Only one group: nothing to compare for ${what}.` }
  const shared = fitDose(groups.flatMap((g) => g.obs))
  const each = groups.map((g) => ({ label: g.label, fit: fitDose(g.obs) }))
  const bad = [shared, ...each.map((e) => e.fit)].some((f) => !f.identifiable)
  if (bad) {
    const which = each.filter((e) => !e.fit.identifiable).map((e) => e.label)
    const problem = `not identifiable: ${which.length ? `the curve of ${which.join(', ')}` : 'the shared curve'} has no finite estimate (separation), so the likelihood-ratio test is not defined`
    return { ...base, stat: null, p: null, problem, sentence: `No test for ${what}: ${problem.replace('not identifiable: ', '')}.` }
  }
  const stat = Math.max(0, 2 * (each.reduce((s, e) => s + e.fit.logLik, 0) - shared.logLik))
  const p = chiSquareSf(stat, df)
  const verdict = p < 0.05 ? 'differ: they are not consistent with one curve' : 'are consistent with one curve'
  return { ...base, stat, p, problem: null, sentence: `${capitalize(what)} ${verdict} (likelihood ratio χ² = ${stat.toFixed(2)}, df = ${df}, p = ${formatP(p)}).` }
}

function byKey<T, K>(obs: readonly T[], key: (o: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>()
  for (const o of obs) {
    let list = m.get(key(o))
    if (!list) m.set(key(o), (list = []))
    list.push(o)
  }
  return m
}

export interface DoseOptions {
  /** Add a fit pooling every dataset (and the test that they share one curve). */
  pool?: boolean
  z?: number
}

/** Fits for one set of observations: all α, then each α index; the all-α fit carries the test across α. */
function fitsFor(obs: readonly Observation[], who: Pick<DoseFit, 'dataset' | 'pooled'>, datasets: string[], z: number): DoseFit[] {
  const all = toDoseFit(obs, fitDose(obs), { ...who, alpha_index: null }, z)
  const perAlpha = [...byKey(obs, (o) => o.alphaIndex)].sort((a, b) => a[0] - b[0])
  const fits = perAlpha.map(([i, list]) => toDoseFit(list, fitDose(list), { ...who, alpha_index: i }, z))
  if (perAlpha.length > 1) {
    all.tests.push(
      sameCurveTest(
        perAlpha.map(([i, list]) => ({ label: `α${i}`, obs: list })),
        'alpha',
        { datasets, alpha_indices: perAlpha.map(([i]) => i) }
      )
    )
  }
  return [all, ...fits]
}

/**
 * Per dataset: the all-α fit (with the test across α_i) and one fit per α
 * index. With pool: the same for all datasets together, whose all-α fit also
 * carries the test that the datasets share one curve.
 */
export function doseResponse(obs: readonly Observation[], opts: DoseOptions = {}): DoseFit[] {
  const z = opts.z ?? Z_95
  const perDataset = [...byKey(obs, (o) => o.dataset)].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const out = perDataset.flatMap(([name, list]) => fitsFor(list, { dataset: name, pooled: null }, [name], z))
  if (opts.pool && perDataset.length > 0) {
    const names = perDataset.map(([name]) => name)
    const pooled = fitsFor(obs, { dataset: null, pooled: names }, names, z)
    if (perDataset.length > 1) {
      pooled[0].tests.unshift(sameCurveTest(perDataset.map(([label, list]) => ({ label, obs: list })), 'datasets', { datasets: names, alpha_indices: null }))
    }
    out.push(...pooled)
  }
  return out
}

/**
 * Does the start decide? P(collapse) ~ α_init + λ, and for each observed
 * (α_init, λ) cell the observed share next to the fitted probability.
 * Observations without a known initial α are left out.
 */
/** Initial α as drawn: stored in float32 (0.85 comes back as 0.8500000238), so cells key on 6 decimals. */
const initKey = (a: number): number => Math.round(a * 1e6) / 1e6

export function startFit(obs: readonly Observation[], who: Pick<StartFit, 'dataset' | 'pooled'>): StartFit {
  const known = obs.filter((o): o is Observation & { alphaInit: number } => o.alphaInit !== null)
  const cellsByKey = byKey(known, (o) => `${initKey(o.alphaInit)}|${o.lambda}`)
  const empty = { ...who, n: known.length, b0: null, b_alpha: null, b_lambda: null, se_b0: null, se_b_alpha: null, se_b_lambda: null }
  const cellsOf = (predict: ((a: number, l: number) => number) | null): StartCell[] =>
    [...cellsByKey.values()]
      .map((list) => {
        const alpha_init = initKey(list[0].alphaInit)
        const lambda = list[0].lambda
        const collapsed = list.reduce((s, o) => s + o.collapsed, 0)
        return { alpha_init, lambda, n: list.length, collapsed, observed: collapsed / list.length, fitted: predict ? predict(alpha_init, lambda) : null }
      })
      .sort((a, b) => a.alpha_init - b.alpha_init || a.lambda - b.lambda)
  if (known.length === 0) return { ...empty, identifiable: false, problem: 'no run with a known initial α', cells: [] }
  const fit = fitLogit(
    known.map((o) => [1, o.alphaInit, o.lambda]),
    known.map((o) => o.collapsed)
  )
  if (!fit.identifiable) return { ...empty, identifiable: false, problem: fit.problem, cells: cellsOf(null) }
  const [b0, ba, bl] = fit.coef
  return {
    ...who,
    n: known.length,
    b0,
    b_alpha: ba,
    b_lambda: bl,
    se_b0: fit.se[0],
    se_b_alpha: fit.se[1],
    se_b_lambda: fit.se[2],
    identifiable: true,
    problem: null,
    cells: cellsOf((a, l) => 1 / (1 + Math.exp(-(b0 + ba * a + bl * l))))
  }
}
