/** Okabe–Ito, readable by colour-blind viewers; datasets and runs cycle through it. */
export const SERIES_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#8C6D31', '#000000', '#7F3C8D', '#11A579', '#E73F74', '#3969AC']

/** α_i colours (one per ReLU_α layer) in single-run charts. */
export const ALPHA_COLORS = ['#3b5bdb', '#e8590c', '#2b8a3e', '#ae3ec9', '#1098ad', '#f08c00']

/** α_i line styles when colour already means "run" (Compare). */
export const ALPHA_LINE_TYPES = ['solid', 'dashed', 'dotted'] as const

export function seriesColor(i: number): string {
  return SERIES_COLORS[i % SERIES_COLORS.length]
}

export function alphaColor(i: number): string {
  return ALPHA_COLORS[i % ALPHA_COLORS.length]
}

/** Same colour with an alpha channel, for CI bands. */
export function translucent(hex: string, opacity: number): string {
  const n = parseInt(hex.slice(1), 16)
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${opacity})`
}
