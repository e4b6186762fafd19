import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
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
    throw new StoreError(`cannot open database ${path}: ${(e as Error).message}`)
  }
  try {
    const { appId, version, tables } = inspect(db, path)
    const ours = appId === APPLICATION_ID || (appId === 0 && version === 0 && tables === 0)
    if (!ours) throw new StoreError(`${path} is an SQLite database but not an α-Workbench store (it was left untouched)`)
    if (version > SCHEMA_VERSION) throw newerVersionError(path, version)
    if (readonly) {
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
