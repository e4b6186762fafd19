/** A one-line progress bar on stderr (TTY), or a line per 10% when piped. */
export class ProgressBar {
  private lastPct = -1
  private readonly started = Date.now()
  private readonly tty = Boolean(process.stderr.isTTY)

  constructor(private readonly label: string) {}

  update(done: number, total: number, detail = ''): void {
    const frac = total > 0 ? Math.min(1, done / total) : 0
    const pct = Math.floor(frac * 100)
    const elapsed = (Date.now() - this.started) / 1000
    const eta = frac > 0 ? elapsed / frac - elapsed : NaN
    const timing = `${elapsed.toFixed(1)}s${Number.isFinite(eta) && frac < 1 ? `, ETA ${formatSeconds(eta)}` : ''}`
    if (this.tty) {
      const width = 28
      const filled = Math.round(frac * width)
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled)
      process.stderr.write(`\r${this.label} ${bar} ${String(pct).padStart(3)}% ${done}/${total} ${timing} ${detail}\x1b[K`)
    } else if (pct >= this.lastPct + 10 || (pct === 100 && this.lastPct !== 100)) {
      this.lastPct = pct - (pct % 10)
      process.stderr.write(`${this.label} ${pct}% (${done}/${total}, ${timing}) ${detail}\n`)
    }
  }

  finish(): void {
    if (this.tty) process.stderr.write('\n')
  }
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(0)}s`
  const m = Math.floor(s / 60)
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}
