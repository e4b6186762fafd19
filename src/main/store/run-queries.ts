import {
  RUN_ORDER_FIELDS,
  RUN_STATUSES,
  type FinalAlphaQuery,
  type FinalAlphaRow,
  type RunDetail,
  type RunOrderField,
  type RunPage,
  type RunQuery
} from '../../shared/results'
import { StoreError } from './errors'
import { RUN_DETAIL_COLUMNS, RUN_SUMMARY_COLUMNS, toRunDetail, toRunSummary, type RunDetailDbRow, type RunSummaryDbRow } from './rows'
import type { Sql } from './sql'

/** λ filters match within this, so 0.015 finds 0.015000000000000001 (a λ from a float range). */
export const LAMBDA_TOLERANCE = 5e-10

const ORDER_SQL: Record<RunOrderField, string> = {
  id: 'r.id',
  lambda: 'r.lambda',
  status: 'r.status',
  createdAt: 'r.created_at',
  finishedAt: 'r.finished_at',
  testAccuracy: 'r.test_accuracy'
}

export const MAX_PAGE = 10_000

export function getRun(sql: Sql, id: number): RunDetail | null {
  const row = sql
    .stmt(`SELECT ${RUN_DETAIL_COLUMNS} FROM runs r JOIN datasets d ON d.id = r.dataset_id WHERE r.id = ?`)
    .get(id) as RunDetailDbRow | undefined
  return row ? toRunDetail(row) : null
}

function checkQuery(q: RunQuery): void {
  if (q.orderBy !== undefined && !RUN_ORDER_FIELDS.includes(q.orderBy)) {
    throw new StoreError(`cannot order runs by '${String(q.orderBy)}'; use one of ${RUN_ORDER_FIELDS.join(', ')}`)
  }
  const statuses = q.status === undefined ? [] : Array.isArray(q.status) ? q.status : [q.status]
  for (const s of statuses) {
    if (!RUN_STATUSES.includes(s)) throw new StoreError(`unknown run status '${String(s)}'; use one of ${RUN_STATUSES.join(', ')}`)
  }
  const limit = q.limit ?? 100
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new StoreError(`limit must be an integer in 1..${MAX_PAGE}`)
  if (q.offset !== undefined && (!Number.isInteger(q.offset) || q.offset < 0)) throw new StoreError('offset must be an integer ≥ 0')
}

/** One page of runs (default 100, ordered by id) and the number matching the filter. */
export function listRuns(sql: Sql, q: RunQuery = {}): RunPage {
  checkQuery(q)
  const where: string[] = []
  const args: (number | string)[] = []
  if (q.sweepId !== undefined) {
    where.push('r.sweep_id = ?')
    args.push(q.sweepId)
  }
  if (q.datasetId !== undefined) {
    where.push('r.dataset_id = ?')
    args.push(q.datasetId)
  }
  if (q.status !== undefined) {
    where.push('r.status IN (SELECT value FROM json_each(?))')
    args.push(JSON.stringify(Array.isArray(q.status) ? q.status : [q.status]))
  }
  if (q.lambda !== undefined) {
    where.push('r.lambda BETWEEN ? AND ?')
    args.push(q.lambda - LAMBDA_TOLERANCE, q.lambda + LAMBDA_TOLERANCE)
  }
  const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
  const order = `${ORDER_SQL[q.orderBy ?? 'id']} ${q.descending ? 'DESC' : 'ASC'}, r.id ${q.descending ? 'DESC' : 'ASC'}`
  return sql.read(() => {
    const total = (sql.stmt(`SELECT COUNT(*) AS n FROM runs r ${whereSql}`).get(...args) as { n: number }).n
    const rows = sql
      .stmt(`SELECT ${RUN_SUMMARY_COLUMNS} FROM runs r JOIN datasets d ON d.id = r.dataset_id ${whereSql} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...args, q.limit ?? 100, q.offset ?? 0) as RunSummaryDbRow[]
    return { total, runs: rows.map(toRunSummary) }
  })
}

/** Initial and final α of every done run matching the filter, by dataset, λ, run id. */
export function listFinalAlphas(sql: Sql, q: FinalAlphaQuery = {}): FinalAlphaRow[] {
  const where = ["r.status = 'done'"]
  const args: (number | string)[] = []
  if (q.sweepId !== undefined) {
    where.push('r.sweep_id = ?')
    args.push(q.sweepId)
  }
  if (q.datasets !== undefined) {
    where.push('d.name IN (SELECT value FROM json_each(?))')
    args.push(JSON.stringify(q.datasets))
  }
  return sql.read(() => {
    if (q.datasets !== undefined) {
      const known = new Set((sql.stmt('SELECT name FROM datasets').all() as { name: string }[]).map((d) => d.name))
      const unknown = q.datasets.filter((n) => !known.has(n))
      if (unknown.length > 0) throw new StoreError(`no dataset named ${unknown.map((n) => `'${n}'`).join(', ')}`)
    }
    const rows = sql
      .stmt(
        `SELECT r.id, r.sweep_id, d.name AS dataset, r.lambda, r.alpha_init_json, r.final_alpha_json, r.imported
         FROM runs r JOIN datasets d ON d.id = r.dataset_id
         WHERE ${where.join(' AND ')} ORDER BY d.name, r.lambda, r.id`
      )
      .all(...args) as {
      id: number
      sweep_id: number
      dataset: string
      lambda: number
      alpha_init_json: string | null
      final_alpha_json: string
      imported: number
    }[]
    return rows.map((r) => ({
      runId: r.id,
      sweepId: r.sweep_id,
      dataset: r.dataset,
      lambda: r.lambda,
      alphaInit: r.alpha_init_json === null ? null : (JSON.parse(r.alpha_init_json) as number[]),
      finalAlpha: JSON.parse(r.final_alpha_json) as number[],
      imported: r.imported === 1
    }))
  })
}
