import Database from 'better-sqlite3'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { openStore, SCHEMA_VERSION, type Store } from '../../../src/main/store'
import type { TrainCheckpoint } from '../../../src/main/engine/trainer'
import { chunk, newRun, tempDir, freshStoreEach } from './helpers'

let store: Store
let datasetId: number
freshStoreEach((s) => ({ store, datasetId } = s))

function params(seed: number): TrainCheckpoint['params'] {
  const f = (n: number, k: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.fround(seed + k + i / 7))
  return { convKernels: [f(4, 1), f(60, 2)], convBiases: [f(15, 3), f(15, 4)], denseKernel: f(90, 5), denseBias: f(10, 6), alpha: f(3, 7) }
}

function claimOne(): number {
  store.createSweep({ name: 's', spec: {} }, [newRun(datasetId, 0.01, 0, 10)])
  const run = store.claimNextRun()
  if (!run) throw new Error('nothing to claim')
  return run.id
}

const historySteps = (id: number): number[] => store.getAlphaHistory([id])[0].steps

describe('run checkpoints', () => {
  it('round-trips parameters bit for bit, with step, epoch, batch and the loss sum', () => {
    const id = claimOne()
    const cp: TrainCheckpoint = { step: 3, epoch: 0, batch: 3, lossSum: 0.1 + 0.2, params: params(1), momentum: null }
    store.appendHistory(id, chunk(1, 3), cp)
    const back = store.getCheckpoint(id)
    expect(back).toEqual(cp)
    expect(back?.lossSum).toBe(0.1 + 0.2)
  })

  it('keeps the momentum buffers in float64, bit for bit, and refuses a count that does not match the parameters', () => {
    const id = claimOne()
    const p = params(1)
    const n = [...p.convKernels, ...p.convBiases, p.denseKernel, p.denseBias, p.alpha].reduce((k, a) => k + a.length, 0)
    // Values float32 cannot hold: TF.js keeps α's buffer in float64.
    const momentum = Float64Array.from({ length: n }, (_, i) => 0.1 * (i + 1) + 1e-12)
    store.appendHistory(id, chunk(1, 3), { step: 3, epoch: 0, batch: 3, lossSum: 1, params: p, momentum })
    expect(store.getCheckpoint(id)?.momentum).toEqual(momentum)
    expect(() => store.appendHistory(id, chunk(4, 5), { step: 5, epoch: 0, batch: 5, lossSum: 1, params: p, momentum: momentum.subarray(1) })).toThrow(
      /momentum values for \d+ parameters/
    )
    // The refused write stored nothing: history and checkpoint as before.
    expect(historySteps(id)).toEqual([1, 2, 3])
    expect(store.getCheckpoint(id)?.step).toBe(3)
  })

  it('pause (requeue) keeps history up to the checkpoint, and the next claim starts from its step', () => {
    const id = claimOne()
    store.appendHistory(id, chunk(1, 3), { step: 3, epoch: 0, batch: 3, lossSum: 1, params: params(1) })
    store.appendHistory(id, chunk(4, 5), { step: 5, epoch: 1, batch: 0, lossSum: 0, params: params(2) })
    store.addEpochMetrics(id, [{ epoch: 0, trainLoss: 1, testLoss: 1, testAccuracy: 0.5 }], { step: 5, epoch: 1, batch: 0, lossSum: 0, params: params(3) })
    store.requeueRun(id)
    expect(store.getRun(id)).toMatchObject({ status: 'queued', stepsDone: 5 })
    expect(historySteps(id)).toEqual([1, 2, 3, 4, 5])
    expect(store.getEpochMetrics(id)).toHaveLength(1)
    const again = store.claimNextRun()
    expect(again).toMatchObject({ id, stepsDone: 5, attempts: 2 })
    expect(store.getCheckpoint(id)?.params).toEqual(params(3))
    store.appendHistory(id, chunk(6, 10))
    store.finishRun(id, { finalAlpha: [0.1, 0.2, 0.3], testAccuracy: 0.9 })
    expect(store.getCheckpoint(id)).toBeNull()
    expect(historySteps(id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  })

  it('a run without a checkpoint (paused before its first chunk) starts over on requeue', () => {
    const id = claimOne()
    store.appendHistory(id, chunk(1, 3))
    store.requeueRun(id)
    expect(store.getRun(id)).toMatchObject({ status: 'queued', stepsDone: 0 })
    expect(historySteps(id)).toEqual([])
  })

  it("a crashed process's run (kill -9) is cut back to its last checkpoint, not to nothing", async () => {
    store.createSweep({ name: 's', spec: {} }, [newRun(datasetId, 0.01, 0, 10)])
    const child = spawn(process.execPath, ['-e', ''])
    await new Promise((resolve) => child.on('exit', resolve))
    const run = store.claimNextRun({ owner: { host: hostname(), pid: child.pid ?? -1, start: null } })
    if (!run) throw new Error('nothing to claim')
    store.appendHistory(run.id, chunk(1, 4), { step: 4, epoch: 0, batch: 4, lossSum: 2, params: params(1) })
    // Rows past the checkpoint and an unfinished epoch's metrics, as a stale writer could leave them.
    store.sql.db
      .prepare('INSERT INTO alpha_history (run_id, step_start, step_end, count, steps, alphas) VALUES (?, 6, 6, 1, ?, ?)')
      .run(run.id, Buffer.from(new Int32Array([6]).buffer), Buffer.from(new Float32Array([0.1, 0.2, 0.3]).buffer))
    store.sql.db.prepare('INSERT INTO epoch_metrics (run_id, epoch, train_loss) VALUES (?, 0, 1)').run(run.id)
    expect(store.resetInterrupted()).toEqual([run.id])
    expect(store.getRun(run.id)).toMatchObject({ status: 'queued', stepsDone: 4 })
    expect(historySteps(run.id)).toEqual([1, 2, 3, 4])
    expect(store.getEpochMetrics(run.id)).toEqual([])
  })

  it('deleting a sweep deletes its runs’ checkpoints', () => {
    const id = claimOne()
    store.appendHistory(id, chunk(1, 3), { step: 3, epoch: 0, batch: 3, lossSum: 1, params: params(1) })
    store.cancelRun(id)
    store.deleteSweep(store.getRun(id)!.sweepId)
    expect((store.sql.db.prepare('SELECT COUNT(*) AS n FROM run_checkpoints').get() as { n: number }).n).toBe(0)
  })
})

describe('ids are never reused (AUTOINCREMENT)', () => {
  it('gives a new sweep and new runs fresh ids after the newest ones were deleted', () => {
    const a = store.createSweep({ name: 'a', spec: {} }, [newRun(datasetId, 0)])
    const b = store.createSweep({ name: 'b', spec: {} }, [newRun(datasetId, 0), newRun(datasetId, 0.1)])
    store.deleteSweep(b.sweep.id)
    const c = store.createSweep({ name: 'c', spec: {} }, [newRun(datasetId, 0)])
    expect(c.sweep.id).toBeGreaterThan(b.sweep.id)
    expect(Math.min(...c.runIds)).toBeGreaterThan(Math.max(...b.runIds))
    expect(a.sweep.id).toBeLessThan(b.sweep.id)
  })

  it('migrates a version-1 file: rows, ids and history kept, and ids past the old maximum afterwards', () => {
    const { dir, cleanup: rm } = tempDir()
    try {
      const path = join(dir, 'v1.db')
      const db = new Database(path)
      db.exec(V1_FIXTURE)
      db.close()
      const s = openStore(path)
      try {
        expect(s.sql.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
        expect(s.getRun(7)).toMatchObject({ id: 7, sweepId: 3, status: 'done' })
        expect(s.getAlphaHistory([7])[0].steps).toEqual([1])
        const sql = s.sql.db.prepare("SELECT sql FROM sqlite_schema WHERE name IN ('runs', 'sweeps') ORDER BY name").all() as { sql: string }[]
        for (const r of sql) expect(r.sql).toMatch(/id INTEGER PRIMARY KEY AUTOINCREMENT/)
        const idx = s.sql.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'runs' ORDER BY name").all()
        // The rebuild keeps migration 1's indexes; migration 6 adds the run list's sort indexes, 7 the statistics' covering index.
        expect(idx).toEqual(['runs_by_accuracy', 'runs_by_dataset', 'runs_by_finished', 'runs_by_lambda', 'runs_by_status', 'runs_by_sweep', 'runs_final_alphas'].map((name) => ({ name })))
        s.deleteSweep(3)
        const ds = s.listDatasets()[0].id
        const next = s.createSweep({ name: 'n', spec: {} }, [newRun(ds, 0)])
        expect(next.sweep.id).toBe(4)
        expect(next.runIds).toEqual([8])
        expect(s.sql.db.pragma('foreign_key_check')).toEqual([])
        expect(s.sql.db.pragma('foreign_keys', { simple: true })).toBe(1)
      } finally {
        s.close()
      }
    } finally {
      rm()
    }
  })
})

/** A version-1 store as the previous release wrote it: one sweep (id 3) with one done run (id 7) and one history row. */
const V1_FIXTURE = `
PRAGMA application_id = ${0x41574231};
CREATE TABLE datasets (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, source TEXT NOT NULL CHECK (source IN ('bundled', 'idx', 'imported-csv')),
  content_hash TEXT, train_count INTEGER, test_count INTEGER, subsample_json TEXT, created_at INTEGER NOT NULL);
CREATE TABLE sweeps (id INTEGER PRIMARY KEY, name TEXT NOT NULL, spec_json TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'done', 'cancelled', 'failed')), created_at INTEGER NOT NULL, finished_at INTEGER);
CREATE TABLE runs (id INTEGER PRIMARY KEY, sweep_id INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id), lambda REAL NOT NULL CHECK (lambda >= 0), run_index INTEGER NOT NULL,
  seeds_json TEXT, config_json TEXT, engine_json TEXT, status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  error TEXT, created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER, steps_planned INTEGER, steps_done INTEGER NOT NULL DEFAULT 0,
  alpha_count INTEGER NOT NULL CHECK (alpha_count >= 0), alpha_init_json TEXT, final_alpha_json TEXT, test_accuracy REAL,
  imported INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, owner_host TEXT, owner_pid INTEGER);
CREATE INDEX runs_by_sweep ON runs(sweep_id, status);
CREATE INDEX runs_by_status ON runs(status, id);
CREATE INDEX runs_by_dataset ON runs(dataset_id, lambda);
CREATE TABLE alpha_history (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step_start INTEGER NOT NULL, step_end INTEGER NOT NULL, count INTEGER NOT NULL CHECK (count > 0), steps BLOB NOT NULL,
  alphas BLOB NOT NULL, losses BLOB, epochs BLOB, UNIQUE (run_id, step_start));
CREATE TABLE epoch_metrics (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, epoch INTEGER NOT NULL,
  train_loss REAL, test_loss REAL, test_accuracy REAL, PRIMARY KEY (run_id, epoch)) WITHOUT ROWID;
INSERT INTO datasets (id, name, source, created_at) VALUES (1, 'fmnist-a', 'bundled', 1);
INSERT INTO sweeps (id, name, spec_json, status, created_at) VALUES (3, 'old', '{}', 'done', 1);
INSERT INTO runs (id, sweep_id, dataset_id, lambda, run_index, status, created_at, steps_planned, steps_done, alpha_count, final_alpha_json)
  VALUES (7, 3, 1, 0.01, 0, 'done', 1, 1, 1, 3, '[0.1,0.2,0.3]');
INSERT INTO alpha_history (run_id, step_start, step_end, count, steps, alphas) VALUES (7, 1, 1, 1, X'01000000', X'CDCCCC3DCDCC4C3E9A99993E');
INSERT INTO epoch_metrics (run_id, epoch, train_loss) VALUES (7, 0, 1.5);
PRAGMA user_version = 1;
`
