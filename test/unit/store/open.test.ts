import Database from 'better-sqlite3'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStore, SCHEMA_VERSION, StoreError } from '../../../src/main/store'
import { APPLICATION_ID } from '../../../src/main/store/schema'
import { tempDir } from './helpers'

let dir: string
let cleanup: () => void

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
})
afterEach(() => cleanup())

function expectStoreError(fn: () => unknown, ...parts: (string | RegExp)[]): void {
  let error: unknown
  try {
    fn()
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(StoreError)
  for (const p of parts) expect((error as Error).message).toMatch(p)
}

describe('openStore', () => {
  it('creates a fresh file at the current version in WAL mode with foreign keys on', () => {
    const path = join(dir, 'fresh.db')
    const store = openStore(path)
    const db = store.sql.db
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0)
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
      (t) => t.name
    )
    expect(tables).toEqual(['alpha_history', 'datasets', 'epoch_metrics', 'run_checkpoints', 'run_tags', 'runs', 'sqlite_sequence', 'sweeps'])
    store.close()
  })

  it('reopens an existing file without losing data or re-migrating', () => {
    const path = join(dir, 'reopen.db')
    const a = openStore(path)
    a.createDataset({ name: 'fmnist-a', source: 'bundled', contentHash: 'abc', trainCount: 10_000, testCount: 10_000 })
    a.close()
    const b = openStore(path)
    expect(b.listDatasets().map((d) => [d.name, d.contentHash, d.trainCount])).toEqual([['fmnist-a', 'abc', 10_000]])
    expect(b.sql.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    b.close()
  })

  it('initialises an empty (0-byte) file', () => {
    const path = join(dir, 'empty.db')
    writeFileSync(path, '')
    const store = openStore(path)
    expect(store.listSweeps()).toEqual([])
    store.close()
  })

  it('refuses a file from a newer schema version, naming file and versions, and leaves it byte-identical', () => {
    const path = join(dir, 'newer.db')
    openStore(path).close()
    const raw = new Database(path)
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
    // Rollback-journal mode: opening code that switched to WAL before checking would change the header.
    raw.pragma('journal_mode = DELETE')
    raw.close()
    const before = readFileSync(path)
    expectStoreError(() => openStore(path), path, `version ${SCHEMA_VERSION + 1}`, `this app's ${SCHEMA_VERSION}`)
    expectStoreError(() => openStore(path, { readonly: true }), `version ${SCHEMA_VERSION + 1}`)
    expect(readFileSync(path).equals(before)).toBe(true)
    const check = new Database(path, { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1)
    check.close()
  })

  it('refuses a file that is not SQLite, naming it, and leaves it untouched', () => {
    const path = join(dir, 'notes.db')
    const text = 'lambda,alpha0\n'.repeat(200)
    writeFileSync(path, text)
    expectStoreError(() => openStore(path), path, /not an SQLite file/)
    expect(readFileSync(path, 'utf8')).toBe(text)
    expect(existsSync(`${path}-wal`)).toBe(false)
  })

  it("refuses another application's SQLite database and leaves it untouched", () => {
    const path = join(dir, 'other.db')
    const raw = new Database(path)
    raw.exec('CREATE TABLE things (x INTEGER); INSERT INTO things VALUES (1)')
    raw.close()
    const before = readFileSync(path)
    expectStoreError(() => openStore(path), path, /not an α-Workbench store/)
    expect(readFileSync(path).equals(before)).toBe(true)
  })

  it('refuses a missing file when create is false or readonly, without creating it', () => {
    const path = join(dir, 'missing.db')
    expectStoreError(() => openStore(path, { create: false }), path, /does not exist/)
    expectStoreError(() => openStore(path, { readonly: true }), path, /does not exist/)
    expect(existsSync(path)).toBe(false)
  })

  it('opens read-only for reads and refuses writes', () => {
    const path = join(dir, 'ro.db')
    openStore(path).close()
    const ro = openStore(path, { readonly: true })
    expect(ro.listSweeps()).toEqual([])
    expect(() => ro.createDataset({ name: 'x', source: 'bundled' })).toThrow(/readonly/)
    ro.close()
  })
})
