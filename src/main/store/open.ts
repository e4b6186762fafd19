import Database from 'better-sqlite3'
import { accessSync, constants, existsSync } from 'node:fs'
import { dirname } from 'node:path'
import { StoreError } from './errors'
import { APPLICATION_ID, SCHEMA_VERSION, migrate, newerVersionError } from './schema'
import { sqliteNativeBinding } from './sqlite-binding'

export interface OpenOptions {
  /** Open without writing anything; the file must exist at the current schema version. */
  readonly?: boolean
  /** Create the file when missing. Default: true unless readonly. */
  create?: boolean
  /** How long a write waits for another connection's lock. Default 15 s. */
  busyTimeoutMs?: number
  /** better-sqlite3's addon file. Default: the Electron-ABI build under Electron, better-sqlite3's own build under Node. */
  nativeBinding?: string
}

function sqliteCode(e: unknown): string | undefined {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined
}

/**
 * Reads the file's identity without writing: application_id, user_version and
 * whether it holds any table. Turns "not a database" into a message naming the path.
 */
function inspect(db: Database.Database, path: string): { appId: number; version: number; tables: number } {
  try {
    return {
      appId: db.pragma('application_id', { simple: true }) as number,
      version: db.pragma('user_version', { simple: true }) as number,
      tables: (db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n
    }
  } catch (e) {
    const code = sqliteCode(e)
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new StoreError(`${path} is not an α-Workbench database: it is not an SQLite file (${(e as Error).message})`)
    }
    throw e
  }
}

/** The reason a file cannot be opened, in words: permissions, a read-only folder under a WAL file, or SQLite's own message. */
function whyNot(path: string, readonly: boolean, e: Error): string {
  const can = (p: string, mode: number): boolean => {
    try {
      accessSync(p, mode)
      return true
    } catch {
      return false
    }
  }
  if (!can(path, constants.R_OK)) return `the file is not readable by this user (${e.message})`
  if (!readonly && !can(path, constants.W_OK)) return `the file is read-only (${e.message})`
  if (!can(dirname(path), constants.W_OK) && !existsSync(`${path}-shm`)) {
    return `its folder ${dirname(path)} is not writable, and SQLite must create ${path}-shm there to read a WAL-mode file (copy the file somewhere writable, or open it once where it is writable) (${e.message})`
  }
  return e.message
}

/**
 * Opens (and if needed creates or migrates) a store file. Everything that
 * could refuse the file is checked before the first write: a newer schema, a
 * foreign SQLite file or a non-SQLite file are left byte-identical.
 */
export function openConnection(path: string, opts: OpenOptions = {}): Database.Database {
  const readonly = opts.readonly ?? false
  const create = opts.create ?? !readonly
  const memory = path === ':memory:'
  if (!memory && !existsSync(path) && (readonly || !create)) {
    throw new StoreError(`database file ${path} does not exist`)
  }
  let db: Database.Database
  try {
    const nativeBinding = opts.nativeBinding ?? sqliteNativeBinding()
    db = new Database(path, { readonly, fileMustExist: !create, timeout: opts.busyTimeoutMs ?? 15_000, ...(nativeBinding ? { nativeBinding } : {}) })
  } catch (e) {
    throw new StoreError(`cannot open database ${path}${readonly ? ' read-only' : ''}: ${whyNot(path, readonly, e as Error)}`)
  }
  try {
    let info: ReturnType<typeof inspect>
    try {
      info = inspect(db, path)
    } catch (e) {
      // A read-only connection meets a file it cannot read (or a WAL it cannot map) here, not at open.
      if (e instanceof StoreError) throw e
      throw new StoreError(`cannot open database ${path}${readonly ? ' read-only' : ''}: ${whyNot(path, readonly, e as Error)}`)
    }
    const { appId, version, tables } = info
    const ours = appId === APPLICATION_ID || (appId === 0 && version === 0 && tables === 0)
    if (!ours) throw new StoreError(`${path} is an SQLite database but not an α-Workbench store (it was left untouched)`)
    if (version > SCHEMA_VERSION) throw newerVersionError(path, version)
    if (readonly) {
      if (version === 0 && tables === 0) throw new StoreError(`${path} is empty: it holds no α-Workbench data yet (it was left untouched)`)
      if (version < SCHEMA_VERSION) {
        throw new StoreError(`${path} has store schema version ${version}; open it once read-write to upgrade it to ${SCHEMA_VERSION}`)
      }
    } else {
      // WAL lets readers run beside one writer; NORMAL sync is still atomic per transaction in WAL mode.
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
    }
    db.pragma('foreign_keys = ON')
    if (!readonly) migrate(db)
    return db
  } catch (e) {
    db.close()
    throw e
  }
}
