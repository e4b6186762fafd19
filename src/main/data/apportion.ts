/**
 * Splits `total` into integer parts proportional to `weights` (largest
 * remainder method). Ties go to the lower index, so the result never depends
 * on sort stability or map order. Exact for totals·weights below 2^53.
 */
export function apportion(weights: readonly number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0)
  if (sum === 0) return weights.map(() => 0)
  const parts = weights.map((w) => Math.floor((total * w) / sum))
  const remainders = weights.map((w, i) => total * w - parts[i] * sum)
  const order = weights.map((_, i) => i).sort((a, b) => remainders[b] - remainders[a] || a - b)
  let left = total - parts.reduce((a, b) => a + b, 0)
  for (const i of order) {
    if (left === 0) break
    parts[i]++
    left--
  }
  return parts
}
