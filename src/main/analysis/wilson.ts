/** z for a two-sided 95% interval: the 0.975 quantile of the standard normal. */
export const Z_95 = 1.959963984540054

export interface Interval {
  low: number
  high: number
}

/**
 * Wilson score interval for k successes in n trials, as proportions in [0, 1].
 * Unlike the normal approximation it stays inside [0, 1] and is not
 * degenerate at 0/n or n/n, which is exactly where collapse rates sit.
 */
export function wilsonInterval(k: number, n: number, z = Z_95): Interval {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Wilson interval needs n ≥ 1 trials, got ${n}`)
  if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`Wilson interval needs 0 ≤ k ≤ n, got k = ${k}, n = ${n}`)
  const p = k / n
  const z2 = z * z
  const denom = 1 + z2 / n
  const center = (p + z2 / (2 * n)) / denom
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))
  // At k = 0 and k = n the bound is exactly 0 or 1; round-off must not push it past.
  return { low: k === 0 ? 0 : Math.max(0, center - half), high: k === n ? 1 : Math.min(1, center + half) }
}
