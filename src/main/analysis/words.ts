/** Helpers for the plain-words sentences that state each test's result. */

/** Upper-cases a leading Latin letter only (never turns α into Α). */
export function capitalize(text: string): string {
  return /^[a-z]/.test(text) ? text[0].toUpperCase() + text.slice(1) : text
}

export function formatP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toPrecision(2)
}
