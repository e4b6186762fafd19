/**
 * Imports one original-study CSV as one dataset. The file is parsed and
 * checked completely before anything is written: a bad file leaves the
 * database exactly as it was. The writes then go in short transactions (a
 * 140 MB file is seconds of writing, and one transaction would hold the file's
 * lock, and freeze whoever else writes to it, all that time): the sweep is
 * created paused and marked as importing, its runs go in as queued (invisible
 * to the statistics, which read done runs, and never trained, since the sweep
 * is paused) IMPORT_BATCH_RECORDS records at a time, and one last short
 * transaction turns them all done at once. A failure part-way deletes what was
 * written; an import cut off by a crash is deleted by the next import once
 * its process is gone (cleanupAbandonedImports).
 *
 * Imported runs are complete ('done', imported = 1) with no config: λ, the
 * iteration (as runIndex) and the α trajectory are all the file says. The
 * first recorded row stands in for the initial α (the original code recorded
 * α every 100 batches, so it is α near the start, not necessarily the drawn
 * value); the last row is the final α. The file has no step column, so the
 * step axis is reconstructed from the row order. When the cadence is known
 * (default: the study's, α recorded after the update of batch index 0, 100,
 * …, 900 of every 938-batch epoch of 60,000 images) record k of a run is
 * placed at its true step: epoch e = ⌊k / ⌈938/100⌉⌋, batch j·100 of it, i.e.
 * e·938 + j·100 + 1 steps completed, with its epoch. With batchesPerEpoch 0
 * (cadence unknown) record k sits at k × recordEvery, epochs unknown.
 */
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { basename, extname } from 'node:path'
import { configKey } from './config-key'
import { StoreError } from './errors'
import { processAlive, processStartToken } from './process-identity'
import type { Sql } from './sql'
import { parseOriginalCsv, type CsvRun } from './csv-parse'
import { createDataset, getDatasetByName } from './datasets'
import { appendChunk } from './history'
import type { Store } from './store'

export const ORIGINAL_RECORD_EVERY = 100
/** Records written per transaction (about a tenth of a second of writing). */
export const IMPORT_BATCH_RECORDS = 50_000
/** ⌈60,000 / 64⌉: the study's batches per epoch on the full training set. */
export const ORIGINAL_BATCHES_PER_EPOCH = 938

export interface CsvImportOptions {
  /** Dataset name (must be new); default: the file name without extension. */
  datasetName?: string
  /** Steps between recorded rows within an epoch; default 100. */
  recordEvery?: number
  /** Batches per epoch of the run that wrote the file; default 938 (the study). 0: unknown, rows at k × recordEvery. */
  batchesPerEpoch?: number
  /** Shown in errors and stored in the sweep spec; default: the path or 'input.csv'. */
  fileName?: string
}

export interface CsvImportResult {
  datasetId: number
  sweepId: number
  runIds: number[]
  records: number
  skipped: number
}

interface Cadence {
  recordEvery: number
  batchesPerEpoch: number
}

/** Steps completed (and epoch, when known) at record k; see the file comment. */
export function reconstructedStep(k: number, { recordEvery, batchesPerEpoch }: Cadence): { step: number; epoch: number | null } {
  if (batchesPerEpoch === 0) return { step: k * recordEvery, epoch: null }
  const perEpoch = Math.ceil(batchesPerEpoch / recordEvery)
  const epoch = Math.floor(k / perEpoch)
  return { step: epoch * batchesPerEpoch + (k % perEpoch) * recordEvery + 1, epoch }
}

function insertImportedRun(store: Store, sweepId: number, datasetId: number, alphaCount: number, run: CsvRun, cadence: Cadence): number {
  const sql = store.sql
  const now = sql.now()
  const first = run.records[0].alphas
  const last = run.records[run.records.length - 1].alphas
  const placed = run.records.map((_, k) => reconstructedStep(k, cadence))
  const steps = placed.map((p) => p.step)
  const epochs = cadence.batchesPerEpoch === 0 ? null : placed.map((p) => p.epoch ?? 0)
  const id = Number(
    sql
      .stmt(
        `INSERT INTO runs (sweep_id, dataset_id, lambda, run_index, status, created_at, started_at, finished_at,
           alpha_count, alpha_init_json, final_alpha_json, imported, config_key)
         VALUES (?, ?, ?, ?, 'queued', ?, NULL, ?, ?, ?, ?, 1, ?)`
      )
      .run(sweepId, datasetId, run.lambda, run.iteration, now, now, alphaCount, JSON.stringify(first), JSON.stringify(last),
        configKey({ datasetId, lambda: run.lambda, runIndex: run.iteration, seeds: null, config: null, alphaInit: first }))
      .lastInsertRowid
  )
  appendChunk(sql, id, alphaCount, { steps, epochs, losses: null, alphas: run.records.flatMap((r) => r.alphas) })
  return id
}

/** Who is importing: an import whose owner is gone was cut off by a crash. */
interface ImportOwner {
  host: string
  pid: number
  start: string | null
}

/**
 * Deletes imports a crash cut off (their sweep still paused and marked
 * importing, their process gone on this host), with their datasets. Another
 * live process's import in progress is left alone.
 */
export function cleanupAbandonedImports(sql: Sql): number {
  const rows = sql
    .stmt("SELECT id, json_extract(spec_json, '$.importing') AS owner FROM sweeps WHERE status = 'paused' AND json_extract(spec_json, '$.importing') IS NOT NULL")
    .all() as { id: number; owner: string }[]
  let removed = 0
  for (const row of rows) {
    const owner = JSON.parse(row.owner) as ImportOwner
    if (owner.host !== hostname() || processAlive(owner.pid, owner.start)) continue
    removeImport(sql, row.id)
    removed++
  }
  return removed
}

/** Deletes an import's sweep (its runs and history cascade) and the datasets only it used. */
function removeImport(sql: Sql, sweepId: number): void {
  sql.write(() => {
    const datasets = sql.stmt('SELECT DISTINCT dataset_id AS id FROM runs WHERE sweep_id = ?').all(sweepId) as { id: number }[]
    const named = sql.stmt("SELECT id FROM datasets WHERE name = (SELECT json_extract(spec_json, '$.dataset') FROM sweeps WHERE id = ?)").get(sweepId) as
      | { id: number }
      | undefined
    sql.stmt('DELETE FROM sweeps WHERE id = ?').run(sweepId)
    for (const id of new Set([...datasets.map((d) => d.id), ...(named ? [named.id] : [])])) {
      sql.stmt('DELETE FROM datasets WHERE id = ? AND NOT EXISTS (SELECT 1 FROM runs WHERE dataset_id = ?)').run(id, id)
    }
  })
}

/** Imports CSV text; `fileName` names it in errors. */
export function importOriginalCsv(store: Store, text: string, opts: CsvImportOptions = {}): CsvImportResult {
  const file = opts.fileName ?? 'input.csv'
  const recordEvery = opts.recordEvery ?? ORIGINAL_RECORD_EVERY
  if (!Number.isInteger(recordEvery) || recordEvery < 1) throw new StoreError(`recordEvery must be a positive integer, got ${recordEvery}`)
  const batchesPerEpoch = opts.batchesPerEpoch ?? ORIGINAL_BATCHES_PER_EPOCH
  if (!Number.isInteger(batchesPerEpoch) || batchesPerEpoch < 0) throw new StoreError(`batchesPerEpoch must be a whole number ≥ 0, got ${batchesPerEpoch}`)
  const steps = batchesPerEpoch === 0 ? `record k at step k × ${recordEvery} (cadence unknown)` : `reconstructed: record k at epoch·${batchesPerEpoch} + batch + 1, α recorded every ${recordEvery} batches of each epoch`
  const name = (opts.datasetName ?? basename(file, extname(file))).trim()
  if (name === '') throw new StoreError(`${file}: the dataset needs a non-empty name`)
  const parsed = parseOriginalCsv(text, file)
  const sql = store.sql
  cleanupAbandonedImports(sql)
  const records = parsed.runs.reduce((n, r) => n + r.records.length, 0)
  const spec = { kind: 'imported-csv', file: basename(file), dataset: name, recordEvery, batchesPerEpoch, steps, runs: parsed.runs.length, records, skipped: parsed.skipped }
  const owner: ImportOwner = { host: hostname(), pid: process.pid, start: processStartToken(process.pid) }
  const { datasetId, sweepId } = sql.write(() => {
    if (getDatasetByName(sql, name)) throw new StoreError(`${file}: a dataset named '${name}' already exists; import it under another name`)
    const dataset = createDataset(sql, { name, source: 'imported-csv', subsample: { file: basename(file) } })
    const { sweep } = store.createSweep({ name: `import ${basename(file)}`, status: 'paused', spec: { ...spec, importing: owner } })
    return { datasetId: dataset.id, sweepId: sweep.id }
  })
  const runIds: number[] = []
  try {
    for (let i = 0; i < parsed.runs.length; ) {
      sql.write(() => {
        for (let written = 0; i < parsed.runs.length && (written === 0 || written + parsed.runs[i].records.length <= IMPORT_BATCH_RECORDS); i++) {
          runIds.push(insertImportedRun(store, sweepId, datasetId, parsed.alphaCount, parsed.runs[i], { recordEvery, batchesPerEpoch }))
          written += parsed.runs[i].records.length
        }
      })
    }
    // All at once: the statistics see the whole file or none of it.
    sql.write(() => {
      sql.stmt("UPDATE runs SET status = 'done' WHERE sweep_id = ?").run(sweepId)
      sql.stmt("UPDATE sweeps SET status = 'done', finished_at = ?, spec_json = ? WHERE id = ?").run(sql.now(), JSON.stringify(spec), sweepId)
    })
  } catch (err) {
    try {
      removeImport(sql, sweepId)
    } catch {
      // Left paused and marked importing: the next import removes it once this process is gone.
    }
    throw err
  }
  return { datasetId, sweepId, runIds, records, skipped: parsed.skipped }
}

/** Reads and imports a CSV file; a missing or unreadable file is an error naming it. */
export function importOriginalCsvFile(store: Store, path: string, opts: Omit<CsvImportOptions, 'fileName'> = {}): CsvImportResult {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new StoreError(`cannot read ${path}: ${(e as Error).message}`)
  }
  return importOriginalCsv(store, text, { ...opts, fileName: path })
}
