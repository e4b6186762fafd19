/**
 * Binomial GLM with the logit link (logistic regression) fitted by Newton's
 * method, which for the canonical link is exactly IRLS. Checked against
 * statsmodels' GLM(Binomial()) in test/unit/analysis/glm.test.ts.
 *
 * Separation (a covariate splits collapsed from not collapsed, e.g. every α
 * collapses at the high λ and none at the low) has no finite maximum
 * likelihood estimate: Newton's coefficients grow without bound. That is
 * reported as identifiable = false with a reason, never as a number.
 */
import { invertSpd, matVec, zeros, type Matrix } from './matrix'

export interface LogitFit {
  n: number
  /** Coefficients in the order of the design's columns. */
  coef: number[]
  /** Model-based covariance: the inverse Fisher information (X'WX)⁻¹. */
  cov: Matrix
  se: number[]
  /** Cluster-robust (sandwich) covariance when clusters were given, else null. See clusterCovariance. */
  clusterCov: Matrix | null
  clusterSe: number[] | null
  clusters: number | null
  logLik: number
  iterations: number
  converged: boolean
  /** False when the MLE does not exist (separation) or the design is singular; then coef/cov must not be read as estimates. */
  identifiable: boolean
  /** Why not identifiable, in words; null when identifiable. */
  problem: string | null
}

export interface LogitOptions {
  /** One key per observation (e.g. the run id): adds cluster-robust standard errors. */
  clusters?: readonly (number | string)[]
  maxIterations?: number
}

/** Fitted probabilities this close to 0 or 1 mean some observations are perfectly predicted: separation. */
export const SATURATED = 1e-9

function logistic(eta: number): number {
  return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta))
}

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))
}

function logLikelihood(x: readonly number[][], y: readonly number[], beta: readonly number[]): number {
  let ll = 0
  for (let i = 0; i < y.length; i++) {
    const eta = x[i].reduce((s, v, j) => s + v * beta[j], 0)
    ll -= y[i] === 1 ? softplus(-eta) : softplus(eta)
  }
  return ll
}

/** X'WX and the score X'(y − μ) at beta. */
function information(x: readonly number[][], y: readonly number[], beta: readonly number[]): { info: Matrix; score: number[]; mu: number[] } {
  const p = beta.length
  const info = zeros(p, p)
  const score = new Array<number>(p).fill(0)
  const mu = y.map((yi, i) => {
    const m = logistic(x[i].reduce((s, v, j) => s + v * beta[j], 0))
    const w = m * (1 - m)
    for (let a = 0; a < p; a++) {
      score[a] += x[i][a] * (yi - m)
      for (let b = 0; b <= a; b++) info[a][b] += w * x[i][a] * x[i][b]
    }
    return m
  })
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) info[a][b] = info[b][a]
  return { info, score, mu }
}

/**
 * Exact check for one covariate plus intercept: the data are (quasi-)separated
 * when the x of every 1 is ≥ the x of every 0 or the other way round (ties
 * included: quasi-complete separation), or when y is all 0 or all 1.
 */
export function separatedOneCovariate(xs: readonly number[], y: readonly number[]): boolean {
  let min1 = Infinity
  let max1 = -Infinity
  let min0 = Infinity
  let max0 = -Infinity
  y.forEach((yi, i) => {
    if (yi === 1) {
      min1 = Math.min(min1, xs[i])
      max1 = Math.max(max1, xs[i])
    } else {
      min0 = Math.min(min0, xs[i])
      max0 = Math.max(max0, xs[i])
    }
  })
  if (min1 === Infinity || min0 === Infinity) return true
  return max0 <= min1 || max1 <= min0
}

/**
 * Cluster-robust covariance as statsmodels' cov_type="cluster" with its
 * defaults (use_correction=True): c · A⁻¹ (Σ_g s_g s_gᵀ) A⁻¹ with A = X'WX,
 * s_g the summed score x_i(y_i − μ_i) of cluster g and
 * c = G/(G − 1) · (N − 1)/(N − K).
 */
export function clusterCovariance(x: readonly number[][], y: readonly number[], mu: readonly number[], covInv: Matrix, clusters: readonly (number | string)[]): { cov: Matrix; groups: number } {
  const p = covInv.length
  const sums = new Map<number | string, number[]>()
  y.forEach((yi, i) => {
    let s = sums.get(clusters[i])
    if (!s) sums.set(clusters[i], (s = new Array<number>(p).fill(0)))
    for (let a = 0; a < p; a++) s[a] += x[i][a] * (yi - mu[i])
  })
  const meat = zeros(p, p)
  for (const s of sums.values()) for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) meat[a][b] += s[a] * s[b]
  const g = sums.size
  const n = y.length
  const c = (g / (g - 1)) * ((n - 1) / (n - p))
  const left = covInv.map((row) => matVec(meat, row))
  const cov = covInv.map((row) => left.map((l) => c * l.reduce((s, v, k) => s + v * row[k], 0)))
  return { cov, groups: g }
}

/** Fits y ~ X (X includes the intercept column if wanted); y must be 0/1. */
export function fitLogit(x: readonly number[][], y: readonly number[], opts: LogitOptions = {}): LogitFit {
  const n = y.length
  const p = x[0]?.length ?? 0
  if (n === 0 || p === 0) throw new RangeError('a logistic fit needs at least one observation and one covariate')
  if (x.some((row) => row.length !== p || row.some((v) => !Number.isFinite(v)))) throw new RangeError('the design matrix must be rectangular and finite')
  if (y.some((v) => v !== 0 && v !== 1)) throw new RangeError('a logistic fit needs outcomes 0 or 1')
  if (opts.clusters && opts.clusters.length !== n) throw new RangeError(`${opts.clusters.length} cluster keys for ${n} observations`)
  const maxIterations = opts.maxIterations ?? 100

  let beta = new Array<number>(p).fill(0)
  let ll = logLikelihood(x, y, beta)
  let iterations = 0
  let converged = false
  let singular = false
  for (; iterations < maxIterations && !converged; iterations++) {
    const { info, score } = information(x, y, beta)
    const inv = invertSpd(info)
    if (!inv) {
      singular = true
      break
    }
    const step = matVec(inv, score)
    // Step halving keeps each iteration from lowering the likelihood (only matters far from the optimum).
    let t = 1
    let next = beta.map((b, j) => b + step[j])
    let nextLl = logLikelihood(x, y, next)
    while (nextLl < ll - 1e-12 * Math.abs(ll) && t > 1e-6) {
      t /= 2
      next = beta.map((b, j) => b + t * step[j])
      nextLl = logLikelihood(x, y, next)
    }
    const change = Math.max(...step.map((s) => Math.abs(t * s)))
    converged = change <= 1e-11 * (1 + Math.max(...next.map(Math.abs)))
    beta = next
    ll = nextLl
  }
  const { info, mu } = information(x, y, beta)
  const cov = singular ? null : invertSpd(info)
  let problem: string | null = null
  const onlyOneOutcome = y.every((v) => v === y[0])
  if (onlyOneOutcome) problem = `not identifiable: ${y[0] === 1 ? 'every α collapsed' : 'no α collapsed'}, so there is no curve to fit`
  else if (p === 2 && x.every((row) => row[0] === 1) && separatedOneCovariate(x.map((row) => row[1]), y)) {
    problem = 'not identifiable: complete or quasi-complete separation (collapse is perfectly predicted beyond some value), so the slope is infinite'
  } else if (mu.some((m) => m < SATURATED || m > 1 - SATURATED)) {
    problem = 'not identifiable: fitted probabilities of 0 or 1 (separation), so some coefficient is infinite'
  } else if (!cov) problem = 'not identifiable: the covariates do not vary enough (singular design)'
  else if (!converged) problem = `not identifiable: Newton's method did not converge in ${maxIterations} iterations`

  const safeCov = cov ?? zeros(p, p).map((row) => row.map(() => NaN))
  const cluster = opts.clusters && cov ? clusterCovariance(x, y, mu, cov, opts.clusters) : null
  return {
    n,
    coef: beta,
    cov: safeCov,
    se: safeCov.map((row, j) => Math.sqrt(row[j])),
    clusterCov: cluster?.cov ?? null,
    clusterSe: cluster ? cluster.cov.map((row, j) => Math.sqrt(row[j])) : null,
    clusters: cluster?.groups ?? null,
    logLik: ll,
    iterations,
    converged,
    identifiable: problem === null,
    problem
  }
}
