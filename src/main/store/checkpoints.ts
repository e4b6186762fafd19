/** Run checkpoints: where a running run stands, stored with each chunk of its history (see schema.ts, V2). */
import { paramArrays, type Params } from '../../shared/network'
import type { TrainCheckpoint } from '../engine/trainer'
import { float32Blob, float64Blob, readFloat32, readFloat64 } from './blob'
import { StoreError } from './errors'
import type { Sql } from './sql'

interface CheckpointRow {
  step: number
  epoch: number
  batch: number
  loss_sum: number
  layout_json: string
  params: Uint8Array
  momentum: Uint8Array | null
}

function pack(p: Params): { layout: number[]; blob: Buffer } {
  const parts = paramArrays(p)
  const all = new Float32Array(parts.reduce((n, a) => n + a.length, 0))
  let at = 0
  for (const a of parts) {
    all.set(a, at)
    at += a.length
  }
  return { layout: [p.convKernels.length, ...parts.map((a) => a.length)], blob: float32Blob(all) }
}

function unpack(runId: number, layoutJson: string, blob: Uint8Array): Params {
  const layout = JSON.parse(layoutJson) as unknown
  const ok = Array.isArray(layout) && layout.length >= 4 && layout.every((n) => Number.isInteger(n) && n >= 0)
  const values = readFloat32(blob)
  const [nConv, ...lengths] = ok ? (layout as number[]) : [0]
  if (!ok || lengths.length !== 2 * nConv + 3 || lengths.reduce((a, b) => a + b, 0) !== values.length) {
    throw new StoreError(`run ${runId}: stored checkpoint is malformed (layout ${layoutJson}, ${values.length} values)`)
  }
  const parts: Float32Array[] = []
  let at = 0
  for (const n of lengths) {
    parts.push(values.slice(at, at + n))
    at += n
  }
  return {
    convKernels: parts.slice(0, nConv),
    convBiases: parts.slice(nConv, 2 * nConv),
    denseKernel: parts[2 * nConv],
    denseBias: parts[2 * nConv + 1],
    alpha: parts[2 * nConv + 2]
  }
}

/** Stores (replaces) a run's checkpoint; call inside the transaction that stores what it follows. */
export function putCheckpoint(sql: Sql, runId: number, cp: TrainCheckpoint): void {
  const { layout, blob } = pack(cp.params)
  const values = blob.byteLength / 4
  if (cp.momentum && cp.momentum.length !== values) {
    throw new StoreError(`run ${runId}: checkpoint has ${cp.momentum.length} momentum values for ${values} parameters`)
  }
  sql
    .stmt(
      `INSERT INTO run_checkpoints (run_id, step, epoch, batch, loss_sum, layout_json, params, momentum, rng_json, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET step = excluded.step, epoch = excluded.epoch, batch = excluded.batch,
         loss_sum = excluded.loss_sum, layout_json = excluded.layout_json, params = excluded.params,
         momentum = excluded.momentum, rng_json = excluded.rng_json, created_at = excluded.created_at`
    )
    .run(
      runId,
      cp.step,
      cp.epoch,
      cp.batch,
      cp.lossSum,
      JSON.stringify(layout),
      blob,
      cp.momentum ? float64Blob(cp.momentum) : null,
      // The order PRNG's whole state: the stream is re-derived from the config's order seed and this epoch.
      JSON.stringify({ orderStream: 'epochOrder(seed, epoch)', epoch: cp.epoch, batch: cp.batch }),
      sql.now()
    )
}

export function getCheckpoint(sql: Sql, runId: number): TrainCheckpoint | null {
  const row = sql.stmt('SELECT step, epoch, batch, loss_sum, layout_json, params, momentum FROM run_checkpoints WHERE run_id = ?').get(runId) as
    | CheckpointRow
    | undefined
  if (!row) return null
  const params = unpack(runId, row.layout_json, row.params)
  const momentum = row.momentum ? readFloat64(row.momentum).slice() : null
  if (momentum && momentum.length !== row.params.byteLength / 4) {
    throw new StoreError(`run ${runId}: stored checkpoint is malformed (${momentum.length} momentum values for ${row.params.byteLength / 4} parameters)`)
  }
  return { step: row.step, epoch: row.epoch, batch: row.batch, lossSum: row.loss_sum, params, momentum }
}

export function deleteCheckpoint(sql: Sql, runId: number): void {
  sql.stmt('DELETE FROM run_checkpoints WHERE run_id = ?').run(runId)
}

/**
 * Cuts a run back to its checkpoint: history after the checkpoint's step and
 * metrics of epochs not yet finished at it are deleted (a crash between the
 * two writes cannot leave them, but a stale worker's could). Returns the
 * checkpoint's step, or null when the run has none (then its history goes).
 */
export function rewindToCheckpoint(sql: Sql, runId: number): number | null {
  const cp = sql.stmt('SELECT step, epoch FROM run_checkpoints WHERE run_id = ?').get(runId) as { step: number; epoch: number } | undefined
  if (!cp) {
    sql.stmt('DELETE FROM alpha_history WHERE run_id = ?').run(runId)
    sql.stmt('DELETE FROM epoch_metrics WHERE run_id = ?').run(runId)
    return null
  }
  const partial = sql.stmt('SELECT COUNT(*) AS n FROM alpha_history WHERE run_id = ? AND step_start <= ? AND step_end > ?').get(runId, cp.step, cp.step) as {
    n: number
  }
  if (partial.n > 0) {
    // Chunks are stored whole with their checkpoint, so one straddling it means the two disagree: start over.
    deleteCheckpoint(sql, runId)
    return rewindToCheckpoint(sql, runId)
  }
  sql.stmt('DELETE FROM alpha_history WHERE run_id = ? AND step_start > ?').run(runId, cp.step)
  sql.stmt('DELETE FROM epoch_metrics WHERE run_id = ? AND epoch >= ?').run(runId, cp.epoch)
  sql.stmt('UPDATE runs SET steps_done = ? WHERE id = ?').run(cp.step, runId)
  return cp.step
}

/**
 * Puts a run back in the queue, cut back to its checkpoint (or to nothing
 * when it has none), without an owner and without its last error. Call inside a write.
 */
export function requeueFromCheckpoint(sql: Sql, runId: number): void {
  const at = rewindToCheckpoint(sql, runId)
  sql
    .stmt(
      `UPDATE runs SET status = 'queued', started_at = NULL, finished_at = NULL, steps_done = ?, error = NULL,
         owner_host = NULL, owner_pid = NULL, owner_start = NULL WHERE id = ?`
    )
    .run(at ?? 0, runId)
}
