import type { RunListOrder, RunListQuery } from '../../shared/api-schemas'
import { lambdaBounds } from '../../shared/lambda'
import { RUN_STATUSES, type CollapseGroup, type KeyedCollapseInput, type FinalAlphaQuery, type FinalAlphaRow, type RunDetail, type RunPage, type RunStatus } from '../../shared/results'
import { echo } from '../../shared/echo'
import { StoreError } from './errors'
import { RUN_DETAIL_COLUMNS, RUN_SUMMARY_COLUMNS, toRunDetail, toRunSummary, type RunDetailDbRow, type RunSummaryDbRow } from './rows'
import type { Sql } from './sql'

/**
 * Which runs to list: the API's query (filters, search, sort, page) plus what
 * only the back end asks for (one status, a dataset id, one λ).
 */
export type RunQuery = Omit<RunListQuery, 'status'> & {
  status?: RunStatus | RunStatus[]
  datasetId?: number
  /** Runs at this λ (the same λ to 9 decimals, shared/lambda.ts). */
  lambda?: number
}

const finalAlpha = (i: number): string => `COALESCE(json_extract(r.final_alpha_json, '$[${i}]'), -1)`

/** Sort keys. NULLs (not finished, no accuracy) sort first ascending; a run without final α sorts as α = -1. */
const ORDER_SQL: Record<RunListOrder, string> = {
  id: 'r.id',
  lambda: 'r.lambda',
  status: 'r.status',
  createdAt: 'r.created_at',
  finishedAt: 'r.finished_at',
  testAccuracy: 'r.test_accuracy',
  dataset: 'd.name',
  sweepId: 'r.sweep_id',
  finalAlpha0: finalAlpha(0),
  finalAlpha1: finalAlpha(1),
  finalAlpha2: finalAlpha(2)
}

/** What free-text search looks in: run id (also as #id), sweep name, dataset, λ, status, engine/backend ('imported' when none), the run's name and tags. */
const SEARCH_TEXT = `lower('#' || r.id || ' ' || r.id || ' ' || s.name || ' ' || d.name || ' ' || r.lambda || ' ' || r.status || ' ' ||
  COALESCE(json_extract(r.engine_json, '$.engine') || '/' || json_extract(r.engine_json, '$.backend'), 'imported') || ' ' ||
  COALESCE(r.name, '') || ' ' || COALESCE((SELECT group_concat(t.tag, ' ') FROM run_tags t WHERE t.run_id = r.id), ''))`

export const MAX_PAGE = 10_000

export function getRun(sql: Sql, id: number): RunDetail | null {
  const row = sql
    .stmt(`SELECT ${RUN_DETAIL_COLUMNS} FROM runs r JOIN datasets d ON d.id = r.dataset_id WHERE r.id = ?`)
    .get(id) as RunDetailDbRow | undefined
  return row ? toRunDetail(row) : null
}

function checkQuery(q: RunQuery): void {
  if (q.orderBy !== undefined && !Object.hasOwn(ORDER_SQL, q.orderBy)) {
    throw new StoreError(`cannot order runs by '${String(q.orderBy)}'; use one of ${Object.keys(ORDER_SQL).join(', ')}`)
  }
  const statuses = q.status === undefined ? [] : Array.isArray(q.status) ? q.status : [q.status]
  for (const s of statuses) {
    if (!RUN_STATUSES.includes(s)) throw new StoreError(`unknown run status '${String(s)}'; use one of ${RUN_STATUSES.join(', ')}`)
  }
  const limit = q.limit ?? 100
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new StoreError(`limit must be an integer in 1..${MAX_PAGE}`)
  if (q.offset !== undefined && (!Number.isInteger(q.offset) || q.offset < 0)) throw new StoreError('offset must be an integer ≥ 0')
}

/** The sweeps a filter names (sweepId and sweepIds together), each once. */
function sweepsOf(q: { sweepId?: number; sweepIds?: readonly number[] }): number[] {
  return [...new Set([...(q.sweepId === undefined ? [] : [q.sweepId]), ...(q.sweepIds ?? [])])]
}

/** The WHERE clause of a run query, its arguments, and whether it needs the sweeps table. */
function runFilter(q: RunQuery): { where: string; args: (number | string)[]; sweeps: boolean } {
  const where: string[] = []
  const args: (number | string)[] = []
  const add = (clause: string, ...values: (number | string)[]): void => {
    where.push(clause)
    args.push(...values)
  }
  const sweeps = sweepsOf(q)
  if (sweeps.length === 1) add('r.sweep_id = ?', sweeps[0])
  else if (sweeps.length > 1) add('r.sweep_id IN (SELECT value FROM json_each(?))', JSON.stringify(sweeps))
  if (q.datasetId !== undefined) add('r.dataset_id = ?', q.datasetId)
  // By id, so the (dataset_id, lambda) index serves it.
  if (q.datasets?.length) add('r.dataset_id IN (SELECT id FROM datasets WHERE name IN (SELECT value FROM json_each(?)))', JSON.stringify(q.datasets))
  const statuses = q.status === undefined ? [] : Array.isArray(q.status) ? q.status : [q.status]
  if (statuses.length === 1) add('r.status = ?', statuses[0])
  else if (statuses.length > 1) add('r.status IN (SELECT value FROM json_each(?))', JSON.stringify(statuses))
  if (q.lambda !== undefined) {
    const { lo, hi } = lambdaBounds(q.lambda)
    add('r.lambda >= ? AND r.lambda < ?', lo, hi)
  }
  // Bounds are inclusive, λ compared as the same λ (0.015 includes 0.015000000000000001).
  if (q.lambdaMin !== undefined) add('r.lambda >= ?', lambdaBounds(q.lambdaMin).lo)
  if (q.lambdaMax !== undefined) add('r.lambda < ?', lambdaBounds(q.lambdaMax).hi)
  if (q.finalAlphaMin !== undefined || q.finalAlphaMax !== undefined) {
    add(
      'r.final_alpha_json IS NOT NULL AND NOT EXISTS (SELECT 1 FROM json_each(r.final_alpha_json) a WHERE a.value < ? OR a.value > ?)',
      q.finalAlphaMin ?? 0,
      q.finalAlphaMax ?? 1
    )
  }
  const range = (value: string, min: number | undefined, max: number | undefined): void => {
    if (min !== undefined) add(`${value} >= ?`, min)
    if (max !== undefined) add(`${value} <= ?`, max)
  }
  range('(SELECT avg(value) FROM json_each(r.final_alpha_json))', q.finalAlphaMeanMin, q.finalAlphaMeanMax)
  range('(SELECT avg(value) FROM json_each(r.alpha_init_json))', q.alphaInitMeanMin, q.alphaInitMeanMax)
  range('r.test_accuracy', q.testAccuracyMin, q.testAccuracyMax)
  // Runs with any of the tags, through run_tags_by_tag.
  if (q.tags?.length) add('r.id IN (SELECT run_id FROM run_tags WHERE tag IN (SELECT value FROM json_each(?)))', JSON.stringify(q.tags))
  const words = (q.search ?? '').trim().toLowerCase().split(/\s+/).filter(Boolean)
  for (const w of words) add(`instr(${SEARCH_TEXT}, ?) > 0`, w)
  return { where: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', args, sweeps: words.length > 0 }
}

/**
 * One page of runs (default 100, ordered by id) and the number matching the
 * filter: filters, search, sort and paging all in SQL.
 */
export function listRuns(sql: Sql, q: RunQuery = {}): RunPage {
  checkQuery(q)
  const { where, args, sweeps } = runFilter(q)
  // CROSS JOIN keeps runs the outer loop, so a sort index on runs (or the dataset/λ index) serves the page;
  // the count reads the joined tables only when the search needs their names.
  const joined = `runs r CROSS JOIN datasets d ON d.id = r.dataset_id${sweeps ? ' CROSS JOIN sweeps s ON s.id = r.sweep_id' : ''}`
  const dir = q.descending ? 'DESC' : 'ASC'
  const order = `${ORDER_SQL[q.orderBy ?? 'id']} ${dir}, r.id ${dir}`
  return sql.read(() => {
    const total = (sql.stmt(`SELECT COUNT(*) AS n FROM ${sweeps ? joined : 'runs r'} ${where}`).get(...args) as { n: number }).n
    const rows = sql
      .stmt(`SELECT ${RUN_SUMMARY_COLUMNS} FROM ${joined} ${where} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...args, q.limit ?? 100, q.offset ?? 0) as RunSummaryDbRow[]
    return { total, runs: rows.map(toRunSummary) }
  })
}

/** One (dataset, λ) group of done runs as SQLite hands it over: one JSON array text per column, runs in id order. */
interface FinalAlphaColumns {
  dataset: string
  lambda: number
  ids: string
  sweeps: string
  imported: string
  keys: string
  inits: string
  finals: string
}

/**
 * Every done run matching the filter, grouped by dataset and λ (sorted by
 * dataset name, then λ). It reads only the covering index runs_final_alphas
 * (schema v7), in its order (id within a group), and each column of a group
 * arrives as one JSON text: parsing a few hundred texts instead of
 * materialising 100,000 rows keeps the collapse table of 100,000 runs within
 * 200 ms (bench store).
 */
function finalAlphaColumns(sql: Sql, q: FinalAlphaQuery, lean = false): FinalAlphaColumns[] {
  const where = ["r.status = 'done'"]
  const args: (number | string)[] = []
  const sweeps = sweepsOf(q)
  if (sweeps.length === 1) {
    where.push('r.sweep_id = ?')
    args.push(sweeps[0])
  } else if (sweeps.length > 1) {
    where.push('r.sweep_id IN (SELECT value FROM json_each(?))')
    args.push(JSON.stringify(sweeps))
  }
  if (q.datasets !== undefined) {
    where.push('r.dataset_id IN (SELECT id FROM datasets WHERE name IN (SELECT value FROM json_each(?)))')
    args.push(JSON.stringify(q.datasets))
  }
  return sql.read(() => {
    const names = new Map((sql.stmt('SELECT id, name FROM datasets').all() as { id: number; name: string }[]).map((d) => [d.id, d.name]))
    if (q.datasets !== undefined) {
      const known = new Set(names.values())
      const unknown = q.datasets.filter((n) => !known.has(n))
      if (unknown.length > 0) throw new StoreError(`no dataset named ${unknown.map((n) => `'${echo(n)}'`).join(', ')}`)
    }
    // Lean: only the keys and final α (the collapse tables); the other columns come back as empty arrays.
    const column = (expr: string): string => (lean ? `'[]'` : expr)
    const groups = sql
      .stmt(
        `SELECT r.dataset_id, r.lambda, ${column(`'[' || group_concat(r.id) || ']'`)}, ${column(`'[' || group_concat(r.sweep_id) || ']'`)},
           ${column(`'[' || group_concat(r.imported) || ']'`)}, '["' || group_concat(COALESCE(r.config_key, 'run:' || r.id), '","') || '"]',
           ${column(`'[' || group_concat(COALESCE(r.alpha_init_json, 'null')) || ']'`)}, '[' || group_concat(r.final_alpha_json) || ']'
         FROM runs r INDEXED BY runs_final_alphas
         WHERE ${where.join(' AND ')} GROUP BY r.dataset_id, r.lambda`
      )
      .raw()
      .all(...args) as [number, number, string, string, string, string, string, string][]
    return groups
      .map(([datasetId, lambda, ids, sweeps, imported, keys, inits, finals]) => ({
        dataset: names.get(datasetId) ?? `#${datasetId}`,
        lambda,
        ids,
        sweeps,
        imported,
        keys,
        inits,
        finals
      }))
      .sort((a, b) => (a.dataset < b.dataset ? -1 : a.dataset > b.dataset ? 1 : a.lambda - b.lambda))
  })
}

/** Initial and final α of every done run matching the filter, by dataset, λ, run id: the input of every statistic. */
export function listFinalAlphas(sql: Sql, q: FinalAlphaQuery = {}): FinalAlphaRow[] {
  const out: FinalAlphaRow[] = []
  for (const g of finalAlphaColumns(sql, q)) {
    const ids = JSON.parse(g.ids) as number[]
    const sweeps = JSON.parse(g.sweeps) as number[]
    const imported = JSON.parse(g.imported) as number[]
    const keys = JSON.parse(g.keys) as string[]
    const inits = JSON.parse(g.inits) as (number[] | null)[]
    const finals = JSON.parse(g.finals) as number[][]
    for (let i = 0; i < ids.length; i++) {
      out.push({ runId: ids[i], sweepId: sweeps[i], dataset: g.dataset, lambda: g.lambda, alphaInit: inits[i], finalAlpha: finals[i], imported: imported[i] === 1, configKey: keys[i] })
    }
  }
  return out
}

/** The same runs, grouped and column by column, for collapseTableOfGroups: no object per run. */
export function listCollapseGroups(sql: Sql, q: FinalAlphaQuery = {}): CollapseGroup[] {
  return finalAlphaColumns(sql, q, true).map((g) => {
    const nested = JSON.parse(g.finals) as number[][]
    const alphaCounts = new Array<number>(nested.length)
    const finals: number[] = []
    // A plain loop: Array.prototype.flat is several times slower on 100,000 small arrays.
    for (let r = 0; r < nested.length; r++) {
      const f = nested[r]
      alphaCounts[r] = f.length
      for (let i = 0; i < f.length; i++) finals.push(f[i])
    }
    return { dataset: g.dataset, lambda: g.lambda, keys: JSON.parse(g.keys) as string[], alphaCounts, finals }
  })
}

/** The same runs with only what the collapse tables read (dataset, λ, final α, config key): the headline statistic, kept lean. */
export function listFinalAlphasLean(sql: Sql, q: FinalAlphaQuery = {}): KeyedCollapseInput[] {
  const out: KeyedCollapseInput[] = []
  for (const g of finalAlphaColumns(sql, q, true)) {
    const keys = JSON.parse(g.keys) as string[]
    const finals = JSON.parse(g.finals) as number[][]
    for (let i = 0; i < keys.length; i++) out.push({ dataset: g.dataset, lambda: g.lambda, finalAlpha: finals[i], configKey: keys[i] })
  }
  return out
}
