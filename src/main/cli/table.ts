/** A plain aligned text table for terminals. */
export function formatTable(headers: string[], rows: (string | number)[][], align: ('l' | 'r')[] = []): string {
  const cells = [headers, ...rows.map((r) => r.map(String))]
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => r[c]?.length ?? 0)))
  const line = (r: string[]): string =>
    r.map((cell, c) => (align[c] === 'r' ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd()
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...cells.slice(1).map(line)].join('\n')
}
