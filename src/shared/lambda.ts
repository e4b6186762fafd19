/**
 * When two λ are the same λ: they agree to 9 decimals. 0.015 read from a CSV
 * and 0.015000000000000001 from a float range (0 + 3 × 0.005) are one λ. The
 * one rule for generating, grouping, filtering and comparing λ.
 */
const SCALE = 1e9

/** λ rounded to 9 decimals: the value a λ range generates and statistics group by. */
export function lambdaKey(lambda: number): number {
  return Math.round(lambda * SCALE) / SCALE
}

export function sameLambda(a: number, b: number): boolean {
  return Math.round(a * SCALE) === Math.round(b * SCALE)
}

/**
 * The raw values that are the same λ as `lambda`: [lo, hi), for SQL
 * (`lambda >= lo AND lambda < hi`, which an index on λ serves).
 */
export function lambdaBounds(lambda: number): { lo: number; hi: number } {
  const k = Math.round(lambda * SCALE)
  return { lo: (k - 0.5) / SCALE, hi: (k + 0.5) / SCALE }
}
