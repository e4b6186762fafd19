/**
 * Parser for the original study's CSV: header `lambda,alpha0,…,alphaK,iteration`,
 * one row each time α was recorded. In the original files `iteration` is the
 * index of the run within its λ (0..5), so every row of one run carries the
 * same (lambda, iteration): consecutive rows with the same pair form one run,
 * and the same pair appearing again after a different one starts a new run.
 * Rows whose α fields are all empty are skipped (they neither end nor split a
 * run). Pure: no I/O, every problem is a CsvFormatError naming file and line.
 */
import { echo } from '../../shared/echo'
import { MAX_LAMBDA } from '../../shared/sweep-spec'
import { CsvFormatError } from './errors'

/** Largest run index a row may carry (the study's are 0..5). */
export const MAX_ITERATION = 1_000_000

/** α may exceed [0, 1] by float round-off only; such values are clamped. */
const ALPHA_SLACK = 1e-6

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

export interface CsvRecord {
  line: number
  alphas: number[]
}

export interface CsvRun {
  lambda: number
  iteration: number
  /** Line of the run's first record. */
  line: number
  records: CsvRecord[]
}

export interface ParsedCsv {
  alphaCount: number
  runs: CsvRun[]
  /** Data rows skipped because their α fields were empty. */
  skipped: number
}

function parseHeader(file: string, header: string): number {
  const names = header.split(',').map((f) => f.trim().toLowerCase())
  const k = names.length - 2
  const expected = ['lambda', ...Array.from({ length: Math.max(k, 1) }, (_, i) => `alpha${i}`), 'iteration']
  if (k < 1 || names.join(',') !== expected.join(',')) {
    throw new CsvFormatError(file, 1, `expected the header 'lambda,alpha0,…,alphaK,iteration' (e.g. lambda,alpha0,alpha1,alpha2,iteration), got '${echo(header)}'`)
  }
  return k
}

function numberField(file: string, line: number, column: string, text: string): number {
  if (!NUMBER.test(text)) throw new CsvFormatError(file, line, `${column} '${echo(text, 40)}' is not a number`)
  const v = Number(text)
  // '1e999' matches the number syntax but is Infinity: it could be stored but never exported and imported again.
  if (!Number.isFinite(v)) throw new CsvFormatError(file, line, `${column} ${echo(text, 40)} is not a finite number`)
  return v
}

export function parseOriginalCsv(text: string, file: string): ParsedCsv {
  const lines = text.replace(/^\uFEFF/, '').split('\n').map((l) => l.replace(/\r$/, ''))
  if (lines.every((l) => l.trim() === '')) throw new CsvFormatError(file, 1, 'the file is empty')
  const alphaCount = parseHeader(file, lines[0])
  const width = alphaCount + 2
  const runs: CsvRun[] = []
  let skipped = 0
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1
    if (lines[i].trim() === '') continue
    const fields = lines[i].split(',').map((f) => f.trim())
    if (fields.length !== width) throw new CsvFormatError(file, line, `expected ${width} fields, got ${fields.length}`)
    const alphaFields = fields.slice(1, 1 + alphaCount)
    if (alphaFields.every((f) => f === '')) {
      skipped++
      continue
    }
    const lambda = numberField(file, line, 'lambda', fields[0])
    if (lambda < 0) throw new CsvFormatError(file, line, `lambda ${echo(fields[0])} is negative`)
    if (lambda > MAX_LAMBDA) throw new CsvFormatError(file, line, `lambda ${echo(fields[0])} is over ${MAX_LAMBDA}, the largest λ a sweep may use`)
    const alphas = alphaFields.map((f, j) => {
      if (f === '') throw new CsvFormatError(file, line, `alpha${j} is empty while other α fields are not`)
      const a = numberField(file, line, `alpha${j}`, f)
      if (a < -ALPHA_SLACK || a > 1 + ALPHA_SLACK) throw new CsvFormatError(file, line, `alpha${j} ${echo(f)} is outside [0, 1]`)
      return Math.min(1, Math.max(0, a))
    })
    const iteration = numberField(file, line, 'iteration', fields[width - 1])
    if (!Number.isInteger(iteration) || iteration < 0) {
      throw new CsvFormatError(file, line, `iteration ${echo(fields[width - 1])} is not an integer ≥ 0`)
    }
    if (iteration > MAX_ITERATION) {
      throw new CsvFormatError(file, line, `iteration ${echo(fields[width - 1])} is over ${MAX_ITERATION.toLocaleString('en')}`)
    }
    const last = runs.at(-1)
    if (last && last.lambda === lambda && last.iteration === iteration) last.records.push({ line, alphas })
    else runs.push({ lambda, iteration, line, records: [{ line, alphas }] })
  }
  if (runs.length === 0) throw new CsvFormatError(file, 1, 'no rows with α values after the header')
  return { alphaCount, runs, skipped }
}
