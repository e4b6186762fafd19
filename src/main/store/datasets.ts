import type { DatasetRow, NewDataset } from '../../shared/results'
import { StoreError } from './errors'
import { json, toDataset, type DatasetDbRow } from './rows'
import type { Sql } from './sql'

export function getDatasetByName(sql: Sql, name: string): DatasetRow | null {
  const row = sql.stmt('SELECT * FROM datasets WHERE name = ?').get(name) as DatasetDbRow | undefined
  return row ? toDataset(row) : null
}

export function listDatasets(sql: Sql): DatasetRow[] {
  return (sql.stmt('SELECT * FROM datasets ORDER BY name').all() as DatasetDbRow[]).map(toDataset)
}

/** Inserts a dataset; throws if the name is taken. */
export function createDataset(sql: Sql, d: NewDataset): DatasetRow {
  return sql.write(() => {
    if (getDatasetByName(sql, d.name)) throw new StoreError(`a dataset named '${d.name}' already exists`)
    const id = sql
      .stmt(
        `INSERT INTO datasets (name, source, content_hash, train_count, test_count, subsample_json, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`
      )
      .run(d.name, d.source, d.contentHash ?? null, d.trainCount ?? null, d.testCount ?? null, json(d.subsample), sql.now())
      .lastInsertRowid
    return toDataset(sql.stmt('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetDbRow)
  })
}

/**
 * The dataset with this name, created if missing. An existing one must have
 * the same source and content hash: two different training sets under one
 * name would silently pool their statistics.
 */
export function ensureDataset(sql: Sql, d: NewDataset): DatasetRow {
  return sql.write(() => {
    const existing = getDatasetByName(sql, d.name)
    if (!existing) return createDataset(sql, d)
    const hash = d.contentHash ?? null
    if (existing.source !== d.source || (hash !== null && existing.contentHash !== null && existing.contentHash !== hash)) {
      throw new StoreError(
        `dataset '${d.name}' already exists with different contents ` +
          `(source ${existing.source}, hash ${existing.contentHash ?? 'none'}; given ${d.source}, ${hash ?? 'none'})`
      )
    }
    return existing
  })
}
