import type { HistoryQuery } from '../../shared/api-schemas'
import type { AlphaSeries, EpochMetrics, HistoryChunk } from '../../shared/results'
import { float32Blob, int32Blob, readFloat32, readInt32, readUint16, uint16Blob } from './blob'
import { StoreError } from './errors'
import { HISTORY_CHUNK } from './schema'
import type { Sql } from './sql'

const MAX_EPOCH = 0xffff

function lastStoredStep(sql: Sql, runId: number): number {
  const row = sql.stmt('SELECT MAX(step_end) AS last FROM alpha_history WHERE run_id = ?').get(runId) as { last: number | null }
  return row.last ?? -1
}

function checkChunk(runId: number, alphaCount: number, chunk: HistoryChunk, after: number): void {
  const n = chunk.steps.length
  const what = `run ${runId}: history chunk`
  if (chunk.alphas.length !== n * alphaCount) {
    throw new StoreError(`${what} has ${chunk.alphas.length} α values for ${n} steps × ${alphaCount} α`)
  }
  if (chunk.epochs && chunk.epochs.length !== n) throw new StoreError(`${what} has ${chunk.epochs.length} epochs for ${n} steps`)
  if (chunk.losses && chunk.losses.length !== n) throw new StoreError(`${what} has ${chunk.losses.length} losses for ${n} steps`)
  let prev = after
  for (let k = 0; k < n; k++) {
    const s = chunk.steps[k]
    if (!Number.isInteger(s) || s <= prev || s > 0x7fffffff) {
      throw new StoreError(`${what}: step ${s} must be an integer greater than the previous step ${prev}`)
    }
    prev = s
    const e = chunk.epochs?.[k]
    if (e !== undefined && (!Number.isInteger(e) || e < 0 || e > MAX_EPOCH)) throw new StoreError(`${what}: epoch ${e} out of range`)
  }
}

function slice(values: ArrayLike<number>, from: number, to: number): number[] {
  const out = new Array<number>(to - from)
  for (let i = from; i < to; i++) out[i - from] = values[i]
  return out
}

/**
 * Appends records to a run's history inside the caller's transaction, split
 * into rows of at most HISTORY_CHUNK records. Steps must continue past what is stored.
 */
export function appendChunk(sql: Sql, runId: number, alphaCount: number, chunk: HistoryChunk): void {
  const n = chunk.steps.length
  if (n === 0) return
  checkChunk(runId, alphaCount, chunk, lastStoredStep(sql, runId))
  const insert = sql.stmt(
    `INSERT INTO alpha_history (run_id, step_start, step_end, count, steps, alphas, losses, epochs)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
  )
  for (let from = 0; from < n; from += HISTORY_CHUNK) {
    const to = Math.min(n, from + HISTORY_CHUNK)
    insert.run(
      runId,
      chunk.steps[from],
      chunk.steps[to - 1],
      to - from,
      int32Blob(slice(chunk.steps, from, to)),
      float32Blob(slice(chunk.alphas, from * alphaCount, to * alphaCount)),
      chunk.losses ? float32Blob(slice(chunk.losses, from, to)) : null,
      chunk.epochs ? uint16Blob(slice(chunk.epochs, from, to)) : null
    )
  }
  sql.stmt('UPDATE runs SET steps_done = ? WHERE id = ?').run(chunk.steps[n - 1], runId)
}

export function deleteHistory(sql: Sql, runId: number): void {
  sql.stmt('DELETE FROM alpha_history WHERE run_id = ?').run(runId)
  sql.stmt('DELETE FROM epoch_metrics WHERE run_id = ?').run(runId)
}

interface ChunkDbRow {
  run_id: number
  count: number
  steps: Uint8Array
  alphas: Uint8Array
  losses: Uint8Array | null
  epochs: Uint8Array | null
}

interface DecodedChunk {
  count: number
  steps: Int32Array
  alphas: Float32Array
  losses: Float32Array | null
  epochs: Uint16Array | null
}

/** Indices 0..n-1, or maxPoints of them evenly spaced including the first and the last. */
export function pickIndices(n: number, maxPoints: number | undefined): number[] {
  const m = maxPoints === undefined ? n : Math.min(n, maxPoints)
  const out = new Array<number>(m)
  if (m === n) for (let i = 0; i < n; i++) out[i] = i
  else if (m === 1) out[0] = n - 1
  else for (let i = 0; i < m; i++) out[i] = Math.round((i * (n - 1)) / (m - 1))
  return out
}

function toSeries(runId: number, alphaCount: number, chunks: DecodedChunk[], query: HistoryQuery): AlphaSeries {
  // Records after afterStep, numbered across chunks; then the points asked for, copied straight out of the chunks.
  const after = query.afterStep ?? -1
  const firstIn = chunks.map((c) => {
    let k = 0
    while (k < c.count && c.steps[k] <= after) k++
    return k
  })
  const total = chunks.reduce((sum, c, j) => sum + c.count - firstIn[j], 0)
  const picked = pickIndices(total, query.maxPoints)
  const n = picked.length
  const series: AlphaSeries = {
    runId,
    steps: new Array<number>(n),
    epochs: new Array<number | null>(n),
    alphas: Array.from({ length: alphaCount }, () => new Array<number>(n)),
    losses: new Array<number | null>(n)
  }
  let j = 0
  let base = 0
  chunks.forEach((c, ci) => {
    const inChunk = c.count - firstIn[ci]
    for (; j < n && picked[j] < base + inChunk; j++) {
      const k = firstIn[ci] + picked[j] - base
      series.steps[j] = c.steps[k]
      series.epochs[j] = c.epochs ? c.epochs[k] : null
      for (let i = 0; i < alphaCount; i++) series.alphas[i][j] = c.alphas[k * alphaCount + i]
      const loss = c.losses ? c.losses[k] : NaN
      series.losses[j] = Number.isFinite(loss) ? loss : null
    }
    base += inChunk
  })
  return series
}

/** α histories of the given runs, in the order asked. Throws on an unknown run id. */
export function getAlphaHistory(sql: Sql, runIds: readonly number[], query: HistoryQuery = {}): AlphaSeries[] {
  if (query.maxPoints !== undefined && (!Number.isInteger(query.maxPoints) || query.maxPoints < 1)) {
    throw new StoreError(`maxPoints must be a positive integer, got ${query.maxPoints}`)
  }
  const ids = JSON.stringify(runIds)
  return sql.read(() => {
    const counts = new Map<number, number>()
    const runs = sql.stmt('SELECT id, alpha_count FROM runs WHERE id IN (SELECT value FROM json_each(?))').all(ids) as {
      id: number
      alpha_count: number
    }[]
    for (const r of runs) counts.set(r.id, r.alpha_count)
    const missing = runIds.filter((id) => !counts.has(id))
    if (missing.length > 0) throw new StoreError(`no run with id ${missing.join(', ')}`, 404)

    const chunks = new Map<number, DecodedChunk[]>()
    const rows = sql
      .stmt(
        `SELECT run_id, count, steps, alphas, losses, epochs FROM alpha_history
         WHERE run_id IN (SELECT value FROM json_each(?)) AND step_end > ? ORDER BY run_id, step_start`
      )
      .all(ids, query.afterStep ?? -1) as ChunkDbRow[]
    for (const r of rows) {
      const list = chunks.get(r.run_id) ?? []
      list.push({
        count: r.count,
        steps: readInt32(r.steps),
        alphas: readFloat32(r.alphas),
        losses: r.losses ? readFloat32(r.losses) : null,
        epochs: r.epochs ? readUint16(r.epochs) : null
      })
      chunks.set(r.run_id, list)
    }
    return runIds.map((id) => toSeries(id, counts.get(id) ?? 0, chunks.get(id) ?? [], query))
  })
}

/** Last α record of a run (null when it has none). */
export function lastAlphas(sql: Sql, runId: number): { step: number; alphas: number[] } | null {
  const series = getAlphaHistory(sql, [runId], { maxPoints: 1 })[0]
  if (series.steps.length === 0) return null
  return { step: series.steps[0], alphas: series.alphas.map((a) => a[0]) }
}

export function insertEpochMetrics(sql: Sql, runId: number, rows: readonly EpochMetrics[]): void {
  const insert = sql.stmt('INSERT INTO epoch_metrics (run_id, epoch, train_loss, test_loss, test_accuracy) VALUES (?, ?, ?, ?, ?)')
  for (const m of rows) {
    if (!Number.isInteger(m.epoch) || m.epoch < 0) throw new StoreError(`run ${runId}: epoch ${m.epoch} must be an integer ≥ 0`)
    if (sql.stmt('SELECT 1 FROM epoch_metrics WHERE run_id = ? AND epoch = ?').get(runId, m.epoch)) {
      throw new StoreError(`run ${runId}: metrics for epoch ${m.epoch} are already stored`)
    }
    insert.run(runId, m.epoch, m.trainLoss, m.testLoss, m.testAccuracy)
  }
}

export function getEpochMetrics(sql: Sql, runId: number): EpochMetrics[] {
  const rows = sql
    .stmt('SELECT epoch, train_loss, test_loss, test_accuracy FROM epoch_metrics WHERE run_id = ? ORDER BY epoch')
    .all(runId) as { epoch: number; train_loss: number | null; test_loss: number | null; test_accuracy: number | null }[]
  return rows.map((r) => ({ epoch: r.epoch, trainLoss: r.train_loss, testLoss: r.test_loss, testAccuracy: r.test_accuracy }))
}
