/** A run's life: queued → running (claimNextRun) → done | failed | cancelled, or back to queued. */
import { hostname } from 'node:os'
import type { EngineInfo, EpochMetrics, HistoryChunk, RunDetail, RunResult } from '../../shared/results'
import { RunGoneError, StoreError } from './errors'
import type { TrainCheckpoint } from '../engine/trainer'
import { deleteCheckpoint, putCheckpoint, requeueFromCheckpoint } from './checkpoints'
import { processAlive, processStartToken } from './process-identity'
import { appendChunk, deleteHistory, insertEpochMetrics } from './history'
import { checkAlphaVector } from './run-insert'
import { getRun } from './run-queries'
import { json } from './rows'
import { reopenSweep, settleSweep } from './sweeps'
import type { Sql } from './sql'

/** Which process holds a running run, so a restart can tell crashed claims from live ones. */
export interface RunOwner {
  host: string
  pid: number
  /** The process's start token (boot id + start time), so a reused PID is not taken for it; null where unknown. */
  start: string | null
}

export const THIS_PROCESS: RunOwner = { host: hostname(), pid: process.pid, start: processStartToken(process.pid) }

interface LiveRun {
  id: number
  sweep_id: number
  status: string
  alpha_count: number
  steps_planned: number | null
}

function requireRun(sql: Sql, runId: number): LiveRun {
  const run = sql.stmt('SELECT id, sweep_id, status, alpha_count, steps_planned FROM runs WHERE id = ?').get(runId) as
    | LiveRun
    | undefined
  if (!run) throw new RunGoneError(runId, `no run with id ${runId}`, 404)
  return run
}

/** A stale worker (its run was reset or cancelled meanwhile) gets an error instead of writing. */
function requireRunning(sql: Sql, runId: number): LiveRun {
  const run = requireRun(sql, runId)
  if (run.status !== 'running') throw new RunGoneError(runId, `run ${runId} is ${run.status}, not running`)
  return run
}

/**
 * Atomically takes the oldest queued run of a queued or running sweep, marks
 * it running and returns it; null when there is none. BEGIN IMMEDIATE makes
 * the select-then-update one step across connections and processes.
 */
export function claimNextRun(
  sql: Sql,
  opts: { sweepId?: number; owner?: RunOwner; engine?: EngineInfo } = {}
): RunDetail | null {
  return sql.write(() => {
    const filter = opts.sweepId === undefined ? '' : 'AND r.sweep_id = ?'
    const args = opts.sweepId === undefined ? [] : [opts.sweepId]
    const next = sql
      .stmt(
        `SELECT r.id, r.sweep_id FROM runs r JOIN sweeps s ON s.id = r.sweep_id
         WHERE r.status = 'queued' AND s.status IN ('queued', 'running') ${filter} ORDER BY r.id LIMIT 1`
      )
      .get(...args) as { id: number; sweep_id: number } | undefined
    if (!next) return null
    const owner = opts.owner ?? THIS_PROCESS
    sql
      .stmt(
        `UPDATE runs SET status = 'running', started_at = ?, finished_at = NULL, error = NULL,
           steps_done = COALESCE((SELECT step FROM run_checkpoints WHERE run_id = runs.id), 0),
           attempts = attempts + 1, owner_host = ?, owner_pid = ?, owner_start = ?, engine_json = COALESCE(?, engine_json)
         WHERE id = ?`
      )
      .run(sql.now(), owner.host, owner.pid, owner.start, json(opts.engine), next.id)
    sql.stmt("UPDATE sweeps SET status = 'running' WHERE id = ? AND status = 'queued'").run(next.sweep_id)
    return getRun(sql, next.id)
  })
}

/** Appends α records to a running run, with the checkpoint after them (if any), in one transaction. */
export function appendHistory(sql: Sql, runId: number, chunk: HistoryChunk, checkpoint?: TrainCheckpoint): void {
  sql.write(() => {
    appendChunk(sql, runId, requireRunning(sql, runId).alpha_count, chunk)
    if (checkpoint) putCheckpoint(sql, runId, checkpoint)
  })
}

/** Stores epoch metrics, with the checkpoint at the start of the next epoch (if any), in one transaction. */
export function addEpochMetrics(sql: Sql, runId: number, rows: readonly EpochMetrics[], checkpoint?: TrainCheckpoint): void {
  sql.write(() => {
    requireRunning(sql, runId)
    insertEpochMetrics(sql, runId, rows)
    if (checkpoint) putCheckpoint(sql, runId, checkpoint)
  })
}

/** A run's whole history and epoch metrics, delivered at once (a remote worker's result). */
export interface FullHistory {
  history: HistoryChunk
  epochs: readonly EpochMetrics[]
}

/** A running run started over (its remote worker died and another took it): its partial history is dropped. */
export function restartRun(sql: Sql, runId: number): void {
  sql.write(() => {
    requireRunning(sql, runId)
    deleteHistory(sql, runId)
    deleteCheckpoint(sql, runId)
    sql.stmt('UPDATE runs SET steps_done = 0 WHERE id = ?').run(runId)
  })
}

/**
 * Marks a running run done, in the same transaction as its last history rows
 * (lastChunk, if given). Refused unless the stored history reaches the planned
 * last step: a run never looks done without its full history. With `full`,
 * whatever history arrived live is replaced by it in the same transaction.
 */
export function finishRun(sql: Sql, runId: number, result: RunResult, lastChunk?: HistoryChunk, full?: FullHistory): void {
  sql.write(() => {
    const run = requireRunning(sql, runId)
    let finalAlpha: number[] | null = result.finalAlpha
    let acc = result.testAccuracy
    if (result.diverged !== undefined) {
      // A diverged run keeps what is meaningful: its history, and its final α / accuracy only where finite and in range.
      if (finalAlpha.length !== run.alpha_count || finalAlpha.some((a) => !Number.isFinite(a) || a < 0 || a > 1)) finalAlpha = null
      if (acc !== null && !(acc >= 0 && acc <= 1)) acc = null
    } else {
      checkAlphaVector(`run ${runId}: finalAlpha`, finalAlpha, run.alpha_count)
      if (acc !== null && !(acc >= 0 && acc <= 1)) throw new StoreError(`run ${runId}: testAccuracy ${acc} is not in [0, 1]`)
    }
    if (full) {
      deleteHistory(sql, runId)
      appendChunk(sql, runId, run.alpha_count, full.history)
      insertEpochMetrics(sql, runId, full.epochs)
    }
    if (lastChunk) appendChunk(sql, runId, run.alpha_count, lastChunk)
    const stored = sql.stmt('SELECT COUNT(*) AS chunks, MAX(step_end) AS last FROM alpha_history WHERE run_id = ?').get(runId) as {
      chunks: number
      last: number | null
    }
    if (stored.chunks === 0) throw new StoreError(`run ${runId} has no α history; refusing to mark it done`)
    if (run.steps_planned !== null && stored.last !== run.steps_planned) {
      throw new StoreError(`run ${runId}: history reaches step ${stored.last} of ${run.steps_planned}; refusing to mark it done`)
    }
    sql
      .stmt(
        `UPDATE runs SET status = ?, error = ?, finished_at = ?, final_alpha_json = ?, test_accuracy = ?,
           engine_json = COALESCE(?, engine_json), worker = COALESCE(?, worker), owner_host = NULL, owner_pid = NULL, owner_start = NULL
         WHERE id = ?`
      )
      .run(
        result.diverged === undefined ? 'done' : 'diverged',
        result.diverged ?? null,
        sql.now(),
        json(finalAlpha),
        acc,
        json(result.engine),
        result.worker ?? null,
        runId
      )
    deleteCheckpoint(sql, runId)
    settleSweep(sql, run.sweep_id)
  })
}

/** Marks a queued or running run failed with its error; its partial history is kept for inspection. */
export function failRun(sql: Sql, runId: number, error: string, engine?: EngineInfo): void {
  sql.write(() => {
    const run = requireRun(sql, runId)
    if (run.status !== 'running' && run.status !== 'queued') throw new StoreError(`run ${runId} is ${run.status}; cannot mark it failed`)
    sql
      .stmt(
        `UPDATE runs SET status = 'failed', error = ?, finished_at = ?, engine_json = COALESCE(?, engine_json),
           owner_host = NULL, owner_pid = NULL, owner_start = NULL WHERE id = ?`
      )
      .run(error, sql.now(), json(engine), runId)
    settleSweep(sql, run.sweep_id)
  })
}

/** Cancels a queued or running run (the runner stops a running one first). */
export function cancelRun(sql: Sql, runId: number): void {
  sql.write(() => {
    const run = requireRun(sql, runId)
    if (run.status === 'cancelled') return
    if (run.status !== 'running' && run.status !== 'queued') throw new StoreError(`run ${runId} is ${run.status}; cannot cancel it`)
    sql
      .stmt("UPDATE runs SET status = 'cancelled', finished_at = ?, owner_host = NULL, owner_pid = NULL, owner_start = NULL WHERE id = ?")
      .run(sql.now(), runId)
    settleSweep(sql, run.sweep_id)
  })
}

/** Why a run in this status cannot be retried. */
function retryRefusal(runId: number, status: string): string {
  if (status === 'diverged') return `run ${runId} diverged: trained again with the same config and seeds it would diverge the same way; re-run it with a changed config instead`
  if (status === 'done') return `run ${runId} is done; only a failed or cancelled run can be retried (re-run it to train a copy)`
  return `run ${runId} is ${status === 'running' ? 'training' : status}; only a failed or cancelled run can be retried`
}

/**
 * Puts a failed or cancelled run back in the queue: same id, config and
 * seeds, from its checkpoint when it has one (else from step 0). Its sweep
 * becomes active again if it had ended; a paused sweep stays paused.
 */
export function retryRun(sql: Sql, runId: number): void {
  sql.write(() => {
    const run = requireRun(sql, runId)
    if (run.status !== 'failed' && run.status !== 'cancelled') throw new StoreError(retryRefusal(runId, run.status))
    const { trainable } = sql.stmt('SELECT config_json IS NOT NULL AS trainable FROM runs WHERE id = ?').get(runId) as { trainable: number }
    if (!trainable) throw new StoreError(`run ${runId} was imported and has no training config to train again`)
    requeueFromCheckpoint(sql, runId)
    reopenSweep(sql, run.sweep_id)
  })
}

/**
 * Deletes one run with its history, metrics, checkpoint and tags; its id is
 * never given out again. Refused while it trains (cancel it first); its sweep
 * settles if this was its last unfinished run.
 */
export function deleteRun(sql: Sql, runId: number): void {
  sql.write(() => {
    const run = requireRun(sql, runId)
    if (run.status === 'running') throw new StoreError(`run ${runId} is training; cancel it and let it stop before deleting it`)
    sql.stmt('DELETE FROM runs WHERE id = ?').run(runId)
    settleSweep(sql, run.sweep_id)
  })
}

/**
 * Puts a running run back in the queue (pause, Ctrl-C, quit). It keeps its
 * history up to its checkpoint and continues from there; without one (e.g.
 * momentum > 0) its partial history is dropped and it starts over.
 */
export function requeueRun(sql: Sql, runId: number): void {
  sql.write(() => {
    requireRunning(sql, runId)
    requeueFromCheckpoint(sql, runId)
  })
}

function ownerAlive(owner: RunOwner | null): boolean {
  if (!owner) return false
  // Another machine's process cannot be checked: leave its runs alone.
  if (owner.host !== THIS_PROCESS.host) return true
  return processAlive(owner.pid, owner.start)
}

export interface ResetOptions {
  sweepId?: number
  /** Reset every running run, even those whose owning process is alive. Default false. */
  all?: boolean
  /** How to tell a live owner; default: same host, and that PID is the same process (start token) or, without /proc, exists. */
  isAlive?: (owner: RunOwner | null) => boolean
}

/**
 * Runs left 'running' by a process that died go back to queued, cut back to
 * their last checkpoint (which was stored with their last chunk), or to
 * nothing when they have none, all in one transaction.
 * Runs owned by a live process (another CLI, the app) are left alone unless
 * `all`. Returns the ids reset.
 */
export function resetInterrupted(sql: Sql, opts: ResetOptions = {}): number[] {
  const isAlive = opts.isAlive ?? ownerAlive
  return sql.write(() => {
    const filter = opts.sweepId === undefined ? '' : 'AND sweep_id = ?'
    const args = opts.sweepId === undefined ? [] : [opts.sweepId]
    const running = sql
      .stmt(`SELECT id, owner_host, owner_pid, owner_start FROM runs WHERE status = 'running' ${filter} ORDER BY id`)
      .all(...args) as { id: number; owner_host: string | null; owner_pid: number | null; owner_start: string | null }[]
    const reset = running.filter((r) => {
      if (opts.all) return true
      const owner = r.owner_host !== null && r.owner_pid !== null ? { host: r.owner_host, pid: r.owner_pid, start: r.owner_start } : null
      return !isAlive(owner)
    })
    for (const r of reset) requeueFromCheckpoint(sql, r.id)
    return reset.map((r) => r.id)
  })
}
