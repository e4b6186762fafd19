/**
 * Exports a sweep in the original study's CSV format, one file per dataset
 * (the format has no dataset column). Only done runs are written: others have
 * no final α. `iteration` is the run's ordinal within its λ in the file
 * (0, 1, …), so two runs never share a (lambda, iteration) pair and re-import
 * splits them exactly as they were. Every history record is one row, except
 * the last, which is written as the run's stored final α at full precision:
 * export → import reproduces the collapse table bit for bit.
 */
import type { RunSummary } from '../../shared/results'
import { StoreError } from './errors'
import { getAlphaHistory } from './history'
import { listRuns, MAX_PAGE } from './run-queries'
import { requireSweep } from './sweeps'
import type { Sql } from './sql'
import type { Store } from './store'

export interface CsvExport {
  dataset: string
  csv: string
  runs: number
}

/** Shortest decimal that reads back as the same float32 (history values are float32). */
export function formatFloat32(v: number): string {
  for (let p = 1; p < 10; p++) {
    const s = v.toPrecision(p)
    if (Math.fround(Number(s)) === v) return String(Number(s))
  }
  return String(v)
}

export function doneRuns(sql: Sql, sweepId: number): RunSummary[] {
  const runs: RunSummary[] = []
  for (let offset = 0; ; offset += MAX_PAGE) {
    const page = listRuns(sql, { sweepId, status: 'done', orderBy: 'lambda', limit: MAX_PAGE, offset })
    runs.push(...page.runs)
    if (runs.length >= page.total || page.runs.length === 0) return runs
  }
}

/** Histories are read this many runs at a time to bound memory on large sweeps. */
const BATCH = 100

function csvFor(sql: Sql, dataset: string, runs: RunSummary[]): string {
  const alphaCount = runs[0].alphaCount
  const other = runs.find((r) => r.alphaCount !== alphaCount)
  if (other) {
    throw new StoreError(`dataset '${dataset}': runs have ${alphaCount} and ${other.alphaCount} α; one CSV file holds one α count`)
  }
  if (alphaCount === 0) throw new StoreError(`dataset '${dataset}': runs have no α to export`)
  const lines = [['lambda', ...Array.from({ length: alphaCount }, (_, i) => `alpha${i}`), 'iteration'].join(',')]
  const perLambda = new Map<number, number>()
  for (let from = 0; from < runs.length; from += BATCH) {
    const batch = runs.slice(from, from + BATCH)
    const histories = getAlphaHistory(sql, batch.map((r) => r.id))
    batch.forEach((run, j) => {
      const iteration = perLambda.get(run.lambda) ?? 0
      perLambda.set(run.lambda, iteration + 1)
      const series = histories[j]
      const row = (alphas: string[]): string => [String(run.lambda), ...alphas, String(iteration)].join(',')
      for (let k = 0; k < series.steps.length - 1; k++) lines.push(row(series.alphas.map((a) => formatFloat32(a[k]))))
      if (!run.finalAlpha) throw new StoreError(`run ${run.id} is done but has no final α`)
      lines.push(row(run.finalAlpha.map(String)))
    })
  }
  return lines.join('\n') + '\n'
}

export function exportSweepCsv(store: Store, sweepId: number): CsvExport[] {
  const sql = store.sql
  return sql.read(() => {
    requireSweep(sql, sweepId)
    const byDataset = new Map<string, RunSummary[]>()
    for (const run of doneRuns(sql, sweepId)) {
      const list = byDataset.get(run.dataset) ?? []
      list.push(run)
      byDataset.set(run.dataset, list)
    }
    return [...byDataset].map(([dataset, runs]) => ({ dataset, runs: runs.length, csv: csvFor(sql, dataset, runs) }))
  })
}
