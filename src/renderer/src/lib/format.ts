/** Display formatting shared by tables, charts and the status bar. */

const intFormat = new Intl.NumberFormat('en-US')

export function fmtInt(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : intFormat.format(Math.round(n))
}

/** A number with at most `digits` decimals, trailing zeros trimmed. */
export function fmtNum(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—'
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞'
  return String(Number(v.toFixed(digits)))
}

/** λ values are short decimals (0.005, 0.05); show them exactly, never as 0.0049999. */
export function fmtLambda(v: number): string {
  return String(Number(v.toPrecision(6)))
}

/** A 0..1 fraction as a percentage. */
export function fmtFraction(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || Number.isNaN(v) ? '—' : `${(v * 100).toFixed(digits)} %`
}

/** A value already in 0..100. */
export function fmtPct(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || Number.isNaN(v) ? '—' : `${v.toFixed(digits)} %`
}

export function fmtAlphas(values: readonly number[] | null | undefined, digits = 3): string {
  return values && values.length ? values.map((a) => fmtNum(a, digits)).join(', ') : '—'
}

/** "45 s", "12 min", "3 h 05 min", "2 d 4 h". */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—'
  const s = Math.round(ms / 1000)
  if (s < 60) return `${Math.max(s, 1)} s`
  const min = Math.round(s / 60)
  if (min < 60) return `${min} min`
  const h = Math.floor(min / 60)
  if (h < 48) return `${h} h ${String(min % 60).padStart(2, '0')} min`
  return `${Math.floor(h / 24)} d ${h % 24} h`
}

const dateTime = new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' })

export function fmtTime(ts: number | null | undefined): string {
  return ts === null || ts === undefined ? '—' : dateTime.format(new Date(ts))
}

const dayTime = new Intl.DateTimeFormat('en-GB', { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' })

/** fmtTime for table cells: the year only when it is not this year's (`now`), so a 1024-px table keeps its columns. */
export function fmtShortTime(ts: number | null | undefined, now = Date.now()): string {
  if (ts === null || ts === undefined) return '—'
  const d = new Date(ts)
  return d.getFullYear() === new Date(now).getFullYear() ? dayTime.format(d) : dateTime.format(d)
}

/** Subscript digits for α indices: α₀, α₁ … */
export function alphaName(i: number): string {
  return `α${String(i).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)])}`
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
