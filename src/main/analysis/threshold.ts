/**
 * Whether a final α counts as collapsed: α ≤ threshold, compared at float32
 * precision. α is trained and stored in float32, and float32(0.05) =
 * 0.0500000007… is above the double 0.05, so a plain `α ≤ 0.05` calls an α
 * drawn as exactly 0.05 that never moved "not collapsed". The study counted
 * it (numpy `isclose(α, 0, atol=0.05)` on float64 α). Rounding both sides to
 * float32 gives the study's answer for every grid value; values that differ
 * from the threshold only below float32 resolution (~4e-9 at 0.05) count as equal.
 */
export function isCollapsed(alpha: number, threshold: number): boolean {
  return Math.fround(alpha) <= Math.fround(threshold)
}
