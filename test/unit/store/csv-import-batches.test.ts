/**
 * Issue 13: a big CSV import writes in short transactions (each holds the
 * file's lock for a fraction of a second), yet the statistics see the whole
 * file or none of it, a failure part-way leaves nothing behind, and an import
 * a crash cut off is removed by the next one.
 */
import { spawn } from 'node:child_process'
import { hostname } from 'node:os'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IMPORT_BATCH_RECORDS, cleanupAbandonedImports, importOriginalCsv } from '../../../src/main/store/csv-import'
import type { Store } from '../../../src/main/store'
import { studyCsv } from '../../helpers/study-csv'
import { tempStore } from './helpers'

let store: Store
let cleanup: () => void
beforeEach(() => ({ store, cleanup } = tempStore()))
afterEach(() => cleanup())

// 11 λ × 6 runs × 1,000 records = 66,000 records: two write batches.
const big = studyCsv(7, 0.025, 150, 1000)

describe('a CSV import in short transactions', () => {
  it('writes in batches of at most IMPORT_BATCH_RECORDS records, with nothing done (visible to the statistics) until the last', () => {
    const seen: { done: number; queued: number }[] = []
    const write = store.sql.write.bind(store.sql)
    store.sql.write = <T>(fn: () => T): T => {
      const out = write(fn)
      seen.push(store.sql.db.prepare("SELECT count(*) FILTER (WHERE status = 'done') AS done, count(*) FILTER (WHERE status = 'queued') AS queued FROM runs").get() as { done: number; queued: number })
      return out
    }
    const r = importOriginalCsv(store, big, { fileName: 'big.csv' })
    store.sql.write = write
    expect(r.records).toBe(66_000)
    expect(IMPORT_BATCH_RECORDS).toBeLessThan(r.records)
    // Sweep + dataset, then ≥ 2 batches, then the one write that makes it all done.
    expect(seen.length).toBeGreaterThanOrEqual(4)
    expect(seen.slice(0, -1).every((s) => s.done === 0)).toBe(true)
    expect(seen.at(-1)).toEqual({ done: 66, queued: 0 })
    const sweep = store.getSweep(r.sweepId)!
    expect(sweep.status).toBe('done')
    expect(sweep.spec).not.toHaveProperty('importing')
    expect(store.listFinalAlphas({ datasets: ['big'] })).toHaveLength(66)
  })

  it('leaves nothing behind when a write fails part-way', () => {
    const write = store.sql.write.bind(store.sql)
    let calls = 0
    store.sql.write = <T>(fn: () => T): T => {
      if (++calls === 3) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })
      return write(fn)
    }
    expect(() => importOriginalCsv(store, big, { fileName: 'big.csv' })).toThrow(/disk is full/)
    store.sql.write = write
    expect(store.listSweeps()).toEqual([])
    expect(store.listDatasets()).toEqual([])
    expect(store.sql.db.prepare('SELECT count(*) AS n FROM alpha_history').get()).toEqual({ n: 0 })
    // The name is free again.
    expect(importOriginalCsv(store, big, { fileName: 'big.csv' }).records).toBe(66_000)
  })

  it('removes an import a crashed process cut off, and leaves a live process\'s import in progress alone', async () => {
    const gone = spawn(process.execPath, ['-e', ''])
    await new Promise((resolve) => gone.on('exit', resolve))
    const cutOff = (name: string, pid: number) => {
      const ds = store.createDataset({ name, source: 'imported-csv' })
      const { sweep } = store.createSweep({ name: `import ${name}.csv`, status: 'paused', spec: { kind: 'imported-csv', dataset: name, importing: { host: hostname(), pid, start: null } } })
      store.sql.db.prepare("INSERT INTO runs (sweep_id, dataset_id, lambda, run_index, status, created_at, alpha_count, imported) VALUES (?, ?, 0, 0, 'queued', 0, 3, 1)").run(sweep.id, ds.id)
      return sweep.id
    }
    cutOff('crashed', gone.pid!)
    const live = cutOff('in-progress', process.pid)
    // An import in progress is never resumed (its imported runs would be handed to training).
    expect(() => store.resumeSweep(live)).toThrow(/is a CSV import still being written/)
    expect(cleanupAbandonedImports(store.sql)).toBe(1)
    expect(store.listSweeps().map((s) => s.id)).toEqual([live])
    expect(store.listDatasets().map((d) => d.name)).toEqual(['in-progress'])
    // The next import does the same by itself, and may then reuse the crashed one's name.
    cutOff('crashed', gone.pid!)
    expect(importOriginalCsv(store, studyCsv(1), { fileName: 'crashed.csv' }).runIds).toHaveLength(66)
  })
})
