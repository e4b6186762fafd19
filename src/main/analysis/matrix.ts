/** The little dense linear algebra the fits need (p ≤ a handful of parameters). */
export type Matrix = number[][]

export function zeros(rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0))
}

export function matMul(a: Matrix, b: Matrix): Matrix {
  const out = zeros(a.length, b[0].length)
  for (let i = 0; i < a.length; i++) for (let k = 0; k < b.length; k++) for (let j = 0; j < b[0].length; j++) out[i][j] += a[i][k] * b[k][j]
  return out
}

export function matVec(a: Matrix, v: readonly number[]): number[] {
  return a.map((row) => row.reduce((s, x, j) => s + x * v[j], 0))
}

export function quadForm(v: readonly number[], a: Matrix): number {
  return matVec(a, v).reduce((s, x, i) => s + x * v[i], 0)
}

/**
 * Inverse of a symmetric positive-definite matrix by Cholesky; null when it is
 * not numerically positive definite (a pivot ≤ 1e-12 of the diagonal's scale),
 * i.e. the parameters are not identifiable from the data.
 */
export function invertSpd(a: Matrix): Matrix | null {
  const n = a.length
  const scale = Math.max(...a.map((r, i) => Math.abs(r[i])), 0)
  if (!(scale > 0)) return null
  const l = zeros(n, n)
  for (let j = 0; j < n; j++) {
    let d = a[j][j]
    for (let k = 0; k < j; k++) d -= l[j][k] * l[j][k]
    if (!(d > 1e-12 * scale)) return null
    l[j][j] = Math.sqrt(d)
    for (let i = j + 1; i < n; i++) {
      let s = a[i][j]
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k]
      l[i][j] = s / l[j][j]
    }
  }
  // L⁻¹ by forward substitution, then A⁻¹ = L⁻ᵀ L⁻¹.
  const li = zeros(n, n)
  for (let i = 0; i < n; i++) {
    li[i][i] = 1 / l[i][i]
    for (let j = 0; j < i; j++) {
      let s = 0
      for (let k = j; k < i; k++) s -= l[i][k] * li[k][j]
      li[i][j] = s / l[i][i]
    }
  }
  const inv = zeros(n, n)
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
    let s = 0
    for (let k = i; k < n; k++) s += li[k][i] * li[k][j]
    inv[i][j] = inv[j][i] = s
  }
  return inv
}
