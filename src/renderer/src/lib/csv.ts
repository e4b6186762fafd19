/** Client-side CSV export for every table (RFC 4180 quoting). */

export type CsvValue = string | number | boolean | null | undefined

export interface CsvColumn<T> {
  header: string
  value: (row: T) => CsvValue
}

function cell(v: CsvValue): string {
  if (v === null || v === undefined) return ''
  const s = typeof v === 'number' && !Number.isFinite(v) ? '' : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function toCsv<T>(rows: readonly T[], columns: readonly CsvColumn<T>[]): string {
  const lines = [columns.map((c) => cell(c.header)).join(',')]
  for (const row of rows) lines.push(columns.map((c) => cell(c.value(row))).join(','))
  return lines.join('\r\n') + '\r\n'
}

/** Saves a Blob through a temporary <a download> (a download in Electron, a file save in a browser). */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export function downloadText(fileName: string, text: string, mime = 'text/csv;charset=utf-8'): void {
  downloadBlob(fileName, new Blob([text], { type: mime }))
}

/** A file name fragment safe on every OS. */
export function safeFileName(s: string): string {
  return s.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'export'
}
