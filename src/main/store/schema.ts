/**
 * Schema migrations. The file's version lives in `PRAGMA user_version`; each
 * migration moves it up by one inside the same transaction as its DDL, so a
 * crash mid-migration leaves the previous version intact.
 *
 * Why α history is stored in chunks: a 1,000-run sweep of 1,570 steps is 1.5M
 * records. One SQLite row per record would be ~1.5M rows plus an index the same
 * size, and reading 100 runs would walk 157k rows. Instead one row holds up to
 * HISTORY_CHUNK records of one run as little-endian BLOBs (steps int32, α
 * float32 row-major, loss float32, epoch uint16): ~7 rows per run, a 100-run
 * read is ~700 rows, and the writer appends a chunk per transaction without
 * ever rewriting what is stored. Chunks are ~5 KB, so the table keeps its
 * rowid (WITHOUT ROWID suits small rows only).
 */
import type Database from 'better-sqlite3'
import { StoreError } from './errors'

/** 'AWB1': marks the file as an α-Workbench store (PRAGMA application_id). */
export const APPLICATION_ID = 0x41574231

/** Most records one alpha_history row holds; longer chunks are split. */
export const HISTORY_CHUNK = 256

const V1 = `
CREATE TABLE datasets (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  source        TEXT NOT NULL CHECK (source IN ('bundled', 'idx', 'imported-csv')),
  content_hash  TEXT,
  train_count   INTEGER,
  test_count    INTEGER,
  subsample_json TEXT,
  created_at    INTEGER NOT NULL
);

CREATE TABLE sweeps (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  spec_json   TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'done', 'cancelled', 'failed')),
  created_at  INTEGER NOT NULL,
  finished_at INTEGER
);

CREATE TABLE runs (
  id               INTEGER PRIMARY KEY,
  sweep_id         INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
  dataset_id       INTEGER NOT NULL REFERENCES datasets(id),
  lambda           REAL NOT NULL CHECK (lambda >= 0),
  run_index        INTEGER NOT NULL,
  seeds_json       TEXT,
  config_json      TEXT,
  engine_json      TEXT,
  status           TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  error            TEXT,
  created_at       INTEGER NOT NULL,
  started_at       INTEGER,
  finished_at      INTEGER,
  steps_planned    INTEGER,
  steps_done       INTEGER NOT NULL DEFAULT 0,
  alpha_count      INTEGER NOT NULL CHECK (alpha_count >= 0),
  alpha_init_json  TEXT,
  final_alpha_json TEXT,
  test_accuracy    REAL,
  imported         INTEGER NOT NULL DEFAULT 0,
  attempts         INTEGER NOT NULL DEFAULT 0,
  owner_host       TEXT,
  owner_pid        INTEGER
);
-- progress counts and per-sweep lists; claimNextRun's scan of queued runs
CREATE INDEX runs_by_sweep ON runs(sweep_id, status);
CREATE INDEX runs_by_status ON runs(status, id);
-- statistics and lists per dataset and λ
CREATE INDEX runs_by_dataset ON runs(dataset_id, lambda);

CREATE TABLE alpha_history (
  id         INTEGER PRIMARY KEY,
  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step_start INTEGER NOT NULL,
  step_end   INTEGER NOT NULL,
  count      INTEGER NOT NULL CHECK (count > 0),
  steps      BLOB NOT NULL,
  alphas     BLOB NOT NULL,
  losses     BLOB,
  epochs     BLOB,
  UNIQUE (run_id, step_start)
);

CREATE TABLE epoch_metrics (
  run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  epoch         INTEGER NOT NULL,
  train_loss    REAL,
  test_loss     REAL,
  test_accuracy REAL,
  PRIMARY KEY (run_id, epoch)
) WITHOUT ROWID;
`

/** Which worker trained each run ("host/pid" of a cluster worker, "local@host" for this machine's threads). */
const V2_RUN_WORKER = `ALTER TABLE runs ADD COLUMN worker TEXT;`

/** migrations[i] takes the schema from version i to i + 1. */
const MIGRATIONS: readonly ((db: Database.Database) => void)[] = [(db) => db.exec(V1), (db) => db.exec(V2_RUN_WORKER)]

/** The schema version this build writes and understands. */
export const SCHEMA_VERSION = MIGRATIONS.length

export function newerVersionError(path: string, fileVersion: number): StoreError {
  return new StoreError(
    `${path} has store schema version ${fileVersion}, newer than this app's ${SCHEMA_VERSION}: ` +
      'open it with a newer α-Workbench (the file was left untouched)'
  )
}

/** Brings the file up to SCHEMA_VERSION; the caller has refused newer files already. */
export function migrate(db: Database.Database): void {
  // IMMEDIATE: two processes opening a fresh file at once must not both migrate.
  db.transaction(() => {
    const from = db.pragma('user_version', { simple: true }) as number
    if (from > SCHEMA_VERSION) throw newerVersionError(db.name, from)
    if (from === 0) db.pragma(`application_id = ${APPLICATION_ID}`)
    for (let v = from; v < SCHEMA_VERSION; v++) MIGRATIONS[v](db)
    if (from !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`)
  }).immediate()
}
