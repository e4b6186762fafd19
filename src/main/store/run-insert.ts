import { alphaCount } from '../../shared/network'
import type { NewRun } from '../../shared/results'
import { configKey } from './config-key'
import { StoreError } from './errors'
import { json } from './rows'
import type { Sql } from './sql'
import { sameLambda } from '../../shared/lambda'

/** Tolerance on α ∈ [0, 1]: float32 round-off of a clamped value, nothing more. */
export const ALPHA_EPSILON = 1e-6

export function checkAlphaVector(what: string, values: readonly number[], expected: number): void {
  if (values.length !== expected) throw new StoreError(`${what} has ${values.length} values; expected ${expected}`)
  for (const v of values) {
    if (!Number.isFinite(v) || v < -ALPHA_EPSILON || v > 1 + ALPHA_EPSILON) {
      throw new StoreError(`${what} holds ${v}, outside [0, 1]`)
    }
  }
}

function checkRun(run: NewRun, i: number): void {
  const what = `run #${i} (λ ${run.lambda})`
  if (!Number.isFinite(run.lambda) || run.lambda < 0) throw new StoreError(`${what}: λ must be a number ≥ 0`)
  if (!Number.isInteger(run.runIndex) || run.runIndex < 0) throw new StoreError(`${what}: runIndex must be an integer ≥ 0`)
  if (!Number.isInteger(run.alphaCount) || run.alphaCount < 0) throw new StoreError(`${what}: alphaCount must be an integer ≥ 0`)
  if (run.stepsPlanned !== null && (!Number.isInteger(run.stepsPlanned) || run.stepsPlanned < 1)) {
    throw new StoreError(`${what}: stepsPlanned must be a positive integer or null`)
  }
  if (run.alphaInit !== null) checkAlphaVector(`${what}: alphaInit`, run.alphaInit, run.alphaCount)
  if (run.config !== null) {
    if (!sameLambda(run.config.lambda, run.lambda)) {
      throw new StoreError(`${what}: config.lambda ${run.config.lambda} differs from the run's λ`)
    }
    const expected = alphaCount(run.config.network)
    if (expected !== run.alphaCount) throw new StoreError(`${what}: alphaCount ${run.alphaCount} but the network has ${expected} α`)
  }
}

/** Inserts queued runs (inside the caller's transaction); validates them all before the first insert. */
export function insertRuns(sql: Sql, sweepId: number, runs: readonly NewRun[]): number[] {
  runs.forEach(checkRun)
  const datasetIds = new Set(runs.map((r) => r.datasetId))
  for (const id of datasetIds) {
    if (!sql.stmt('SELECT 1 FROM datasets WHERE id = ?').get(id)) throw new StoreError(`no dataset with id ${id}`)
  }
  const insert = sql.stmt(
    `INSERT INTO runs (sweep_id, dataset_id, lambda, run_index, seeds_json, config_json, status, created_at,
       steps_planned, alpha_count, alpha_init_json, config_key)
     VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?)`
  )
  const now = sql.now()
  return runs.map((r) =>
    Number(
      insert.run(sweepId, r.datasetId, r.lambda, r.runIndex, json(r.seeds), json(r.config), now, r.stepsPlanned, r.alphaCount, json(r.alphaInit), configKey(r))
        .lastInsertRowid
    )
  )
}
