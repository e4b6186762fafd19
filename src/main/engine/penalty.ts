import type { Penalty } from '../../shared/config'

/** P(α): L1 = Σ|α| (the paper), L2 = ‖α‖₂ (`alpha.norm()` in the original code). */
export function penaltyValue(penalty: Penalty, alpha: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < alpha.length; i++) s += penalty === 'l1' ? Math.abs(alpha[i]) : alpha[i] * alpha[i]
  return penalty === 'l1' ? s : Math.sqrt(s)
}

/**
 * ∂P/∂α with PyTorch's conventions at the kinks: d|α|/dα = 0 at α = 0, and the
 * gradient of the L2 norm at the zero vector is 0 (not NaN).
 */
export function penaltyGrad(penalty: Penalty, alpha: ArrayLike<number>): Float64Array {
  const g = new Float64Array(alpha.length)
  if (penalty === 'l1') {
    for (let i = 0; i < alpha.length; i++) g[i] = Math.sign(alpha[i])
    return g
  }
  const norm = penaltyValue('l2', alpha)
  if (norm === 0) return g
  for (let i = 0; i < alpha.length; i++) g[i] = alpha[i] / norm
  return g
}
