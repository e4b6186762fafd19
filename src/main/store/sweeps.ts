import type { NewRun, NewSweep, SweepProgress, SweepRow, SweepStatus } from '../../shared/results'
import { SweepNameSchema } from '../../shared/run-labels'
import { formatIssues } from '../../shared/validation'
import { requeueFromCheckpoint } from './checkpoints'
import { StoreError } from './errors'
import { insertRuns } from './run-insert'
import { PROGRESS_COLUMNS, json, toProgress, toSweep, type ProgressDbRow, type SweepDbRow } from './rows'
import type { Sql } from './sql'

/** Creates a sweep and its queued runs in one transaction, so a crash never leaves a sweep half expanded. */
export function createSweep(sql: Sql, sweep: NewSweep, runs: readonly NewRun[] = []): { sweep: SweepRow; runIds: number[] } {
  if (sweep.name.trim() === '') throw new StoreError('a sweep needs a non-empty name')
  return sql.write(() => {
    const now = sql.now()
    const status = sweep.status ?? 'queued'
    const finished = status === 'done' || status === 'failed' || status === 'cancelled' ? now : null
    const id = Number(
      sql
        .stmt('INSERT INTO sweeps (name, spec_json, status, created_at, finished_at) VALUES (?, ?, ?, ?, ?)')
        .run(sweep.name, json(sweep.spec) ?? 'null', status, now, finished).lastInsertRowid
    )
    const runIds = insertRuns(sql, id, runs)
    return { sweep: requireSweep(sql, id), runIds }
  })
}

/** Adds queued runs to an existing sweep that is not finished. */
export function addRuns(sql: Sql, sweepId: number, runs: readonly NewRun[]): number[] {
  return sql.write(() => {
    const sweep = requireSweep(sql, sweepId)
    if (sweep.status === 'done' || sweep.status === 'failed' || sweep.status === 'cancelled') {
      throw new StoreError(`sweep ${sweepId} is ${sweep.status}; runs can only be added to an unfinished sweep`)
    }
    return insertRuns(sql, sweepId, runs)
  })
}

export function sweepProgress(sql: Sql, sweepId: number): SweepProgress {
  return toProgress(sql.stmt(`SELECT ${PROGRESS_COLUMNS} FROM runs WHERE sweep_id = ?`).get(sweepId) as ProgressDbRow)
}

export function getSweep(sql: Sql, id: number): SweepRow | null {
  return sql.read(() => {
    const row = sql.stmt('SELECT * FROM sweeps WHERE id = ?').get(id) as SweepDbRow | undefined
    return row ? toSweep(row, sweepProgress(sql, id)) : null
  })
}

export function requireSweep(sql: Sql, id: number): SweepRow {
  const sweep = getSweep(sql, id)
  if (!sweep) throw new StoreError(`no sweep with id ${id}`, 404)
  return sweep
}

/** Every sweep, newest first, with its progress counts (one grouped query). */
export function listSweeps(sql: Sql): SweepRow[] {
  return sql.read(() => {
    const progress = new Map<number, SweepProgress>()
    const rows = sql.stmt(`SELECT sweep_id, ${PROGRESS_COLUMNS} FROM runs GROUP BY sweep_id`).all() as (ProgressDbRow & {
      sweep_id: number
    })[]
    for (const p of rows) progress.set(p.sweep_id, toProgress(p))
    const sweeps = sql.stmt('SELECT * FROM sweeps ORDER BY id DESC').all() as SweepDbRow[]
    return sweeps.map((s) => toSweep(s, progress.get(s.id) ?? toProgress(undefined)))
  })
}

function setStatus(sql: Sql, id: number, status: SweepStatus): void {
  const terminal = status === 'done' || status === 'failed' || status === 'cancelled'
  sql.stmt('UPDATE sweeps SET status = ?, finished_at = ? WHERE id = ?').run(status, terminal ? sql.now() : null, id)
}

/**
 * Ends a queued or running sweep once no run is left queued or running:
 * 'done', or 'failed' when any run failed. Paused and cancelled sweeps keep their status.
 */
export function settleSweep(sql: Sql, sweepId: number): void {
  const sweep = requireSweep(sql, sweepId)
  const p = sweep.progress
  if (sweep.status !== 'queued' && sweep.status !== 'running') return
  if (p.queued + p.running > 0) return
  setStatus(sql, sweepId, p.failed > 0 ? 'failed' : 'done')
}

/** Stops handing out the sweep's queued runs; runs already running carry on. */
export function pauseSweep(sql: Sql, id: number): SweepRow {
  return sql.write(() => {
    const sweep = requireSweep(sql, id)
    if (sweep.status === 'paused') return sweep
    if (sweep.status !== 'queued' && sweep.status !== 'running') {
      throw new StoreError(`sweep ${id} is ${sweep.status}; only a queued or running sweep can be paused`)
    }
    setStatus(sql, id, 'paused')
    return requireSweep(sql, id)
  })
}

/** Hands out the sweep's queued runs again: 'running' once any of its runs has started, else 'queued'. */
function activate(sql: Sql, id: number): void {
  const p = sweepProgress(sql, id)
  setStatus(sql, id, p.queued < p.total ? 'running' : 'queued')
}

/** A run of this sweep went back to the queue (retry): a sweep that had ended is active again; a paused one stays paused. */
export function reopenSweep(sql: Sql, id: number): void {
  const { status } = requireSweep(sql, id)
  if (status === 'done' || status === 'failed' || status === 'cancelled') activate(sql, id)
}

/**
 * Resumes a paused sweep, or a cancelled one: its cancelled runs go back to
 * the queue (each from its checkpoint, if any), its done and failed runs stay.
 */
export function resumeSweep(sql: Sql, id: number): SweepRow {
  return sql.write(() => {
    const sweep = requireSweep(sql, id)
    if (sweep.status === 'queued' || sweep.status === 'running') return sweep
    // An import in progress is paused so its runs are never trained: it turns done by itself (store/csv-import.ts).
    if (sweep.spec !== null && typeof sweep.spec === 'object' && 'importing' in sweep.spec) {
      throw new StoreError(`sweep ${id} is a CSV import still being written; it finishes by itself`)
    }
    if (sweep.status === 'cancelled') {
      if (sweep.progress.running > 0) {
        throw new StoreError(`sweep ${id} is still stopping ${sweep.progress.running} run(s); resume it once they have stopped`)
      }
      const cancelled = sql.stmt("SELECT id FROM runs WHERE sweep_id = ? AND status = 'cancelled' ORDER BY id").all(id) as { id: number }[]
      for (const r of cancelled) requeueFromCheckpoint(sql, r.id)
    } else if (sweep.status !== 'paused') {
      throw new StoreError(`sweep ${id} is ${sweep.status}; only a paused or cancelled sweep can be resumed`)
    }
    activate(sql, id)
    settleSweep(sql, id)
    return requireSweep(sql, id)
  })
}

/** Renames a sweep (the name is only a label: specs, runs and exports refer to its id). */
export function renameSweep(sql: Sql, id: number, name: string): SweepRow {
  const parsed = SweepNameSchema.safeParse(name)
  if (!parsed.success) throw new StoreError(`sweep ${id}: name: ${formatIssues(parsed.error.issues)}`)
  return sql.write(() => {
    requireSweep(sql, id)
    sql.stmt('UPDATE sweeps SET name = ? WHERE id = ?').run(parsed.data, id)
    return requireSweep(sql, id)
  })
}

/**
 * Cancels the sweep and its queued runs. Returns the ids of its runs still
 * running: the runner should stop them and call cancelRun (or let them finish).
 */
export function cancelSweep(sql: Sql, id: number): number[] {
  return sql.write(() => {
    const sweep = requireSweep(sql, id)
    if (sweep.status === 'done' || sweep.status === 'failed') {
      throw new StoreError(`sweep ${id} is already ${sweep.status}; there is nothing to cancel`)
    }
    if (sweep.status !== 'cancelled') setStatus(sql, id, 'cancelled')
    sql.stmt("UPDATE runs SET status = 'cancelled', finished_at = ? WHERE sweep_id = ? AND status = 'queued'").run(sql.now(), id)
    const running = sql.stmt("SELECT id FROM runs WHERE sweep_id = ? AND status = 'running' ORDER BY id").all(id) as { id: number }[]
    return running.map((r) => r.id)
  })
}

/** Deletes a sweep with its runs, histories and metrics; refused while any of its runs is running. */
export function deleteSweep(sql: Sql, id: number): void {
  sql.write(() => {
    const sweep = requireSweep(sql, id)
    if (sweep.progress.running > 0) {
      throw new StoreError(`sweep ${id} has ${sweep.progress.running} running run(s); cancel it and let them stop first`)
    }
    sql.stmt('DELETE FROM sweeps WHERE id = ?').run(id)
  })
}
