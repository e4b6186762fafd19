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
import { configKey } from './config-key'
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

/**
 * Where each running run stands, so pause, Ctrl-C, quitting and even a crash
 * lose at most the steps since the last stored chunk: written in the same
 * transaction as each chunk of history (and each epoch's metrics), one row a
 * run, replaced each time. `params` is the network's parameters as one float32
 * BLOB in the canonical order (conv kernels, conv biases, dense kernel, dense
 * bias, α), split by `layout_json` (the arrays' lengths). The data order needs
 * no PRNG state: each epoch's permutation is drawn from (order seed, epoch),
 * so `epoch` and `batch` are its state.
 */
const V3_CHECKPOINTS = `
CREATE TABLE run_checkpoints (
  run_id      INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  step        INTEGER NOT NULL CHECK (step >= 0),
  epoch       INTEGER NOT NULL CHECK (epoch >= 0),
  batch       INTEGER NOT NULL CHECK (batch >= 0),
  loss_sum    REAL NOT NULL,
  layout_json TEXT NOT NULL,
  params      BLOB NOT NULL,
  rng_json    TEXT NOT NULL,
  created_at  INTEGER NOT NULL
) WITHOUT ROWID;
`

/**
 * Rebuilds a table with \`id INTEGER PRIMARY KEY AUTOINCREMENT\`, so a deleted
 * row's id is never handed out again (old links and exported CSVs keep
 * pointing nowhere rather than at another run). SQLite cannot add
 * AUTOINCREMENT in place; this is its documented rebuild (foreign keys are off
 * for the migration, checked before commit). The new table's SQL is the
 * current one, so columns added by earlier migrations are kept.
 */
function withAutoincrement(db: Database.Database, table: string): void {
  const row = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table) as { sql: string } | undefined
  if (!row) throw new StoreError(`cannot migrate: table ${table} is missing`)
  if (/AUTOINCREMENT/i.test(row.sql)) return
  const pk = /\bid\s+INTEGER\s+PRIMARY\s+KEY\b/i
  if (!pk.test(row.sql)) throw new StoreError(`cannot migrate: ${table}.id is not an INTEGER PRIMARY KEY`)
  const tmp = `${table}_autoinc`
  const created = row.sql.replace(pk, 'id INTEGER PRIMARY KEY AUTOINCREMENT').replace(/^CREATE TABLE\s+("?)\w+\1/i, `CREATE TABLE ${tmp}`)
  const indexes = db
    .prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL")
    .all(table) as { sql: string }[]
  db.exec(created)
  db.exec(`INSERT INTO ${tmp} SELECT * FROM ${table}`)
  db.exec(`DROP TABLE ${table}`)
  db.exec(`ALTER TABLE ${tmp} RENAME TO ${table}`)
  for (const ix of indexes) db.exec(ix.sql)
}

const RUN_STATUS_CHECK_V1 = "CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled'))"
const RUN_STATUS_CHECK_V5 = "CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled', 'diverged'))"

/**
 * Version 5: runs may be 'diverged' (trained to the end, but a loss or α went
 * non-finite: kept out of the statistics), and a run's owner records its start
 * token (boot id + process start time) so a reused PID does not look alive.
 * SQLite cannot change a CHECK constraint in place: the table is rebuilt from its
 * own stored definition (whatever columns earlier migrations added), rows and
 * indexes kept; migrate() turns foreign keys off around it.
 */
function v5DivergedAndOwnerStart(db: Database.Database): void {
  const table = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'runs'").get() as { sql: string }
  if (!table.sql.includes(RUN_STATUS_CHECK_V1)) throw new StoreError('cannot upgrade the runs table: its status constraint is not the expected one')
  const extras = db
    .prepare("SELECT sql FROM sqlite_schema WHERE tbl_name = 'runs' AND type IN ('index', 'trigger') AND sql IS NOT NULL")
    .all() as { sql: string }[]
  db.exec(table.sql.replace(RUN_STATUS_CHECK_V1, RUN_STATUS_CHECK_V5).replace(/^CREATE TABLE\s+("?)runs\1/i, 'CREATE TABLE runs_v5'))
  db.exec('INSERT INTO runs_v5 SELECT * FROM runs; DROP TABLE runs; ALTER TABLE runs_v5 RENAME TO runs;')
  for (const e of extras) db.exec(e.sql)
  db.exec('ALTER TABLE runs ADD COLUMN owner_start TEXT')
}

/**
 * Version 6: indexes for the runs table's sorts (store/run-queries.ts): the UI's pages
 * sorted by accuracy, finish time or λ walk an index instead of sorting every
 * run. Filters by dataset and λ use runs_by_dataset, by sweep runs_by_sweep.
 */
const V6_RUN_LIST_INDEXES = `
CREATE INDEX runs_by_accuracy ON runs(test_accuracy);
CREATE INDEX runs_by_finished ON runs(finished_at);
CREATE INDEX runs_by_lambda ON runs(lambda);
`

/**
 * Version 7: each run's config key (store/config-key.ts), so statistics count
 * one experiment once however often it was queued; and one covering index for
 * every statistic's read (listFinalAlphas): done runs in (dataset, λ, id)
 * order with all they need, so the collapse table of 100,000 runs reads one
 * index instead of 100,000 table rows (a run's row carries kilobytes of config).
 */
function v7ConfigKeys(db: Database.Database): void {
  db.exec('ALTER TABLE runs ADD COLUMN config_key TEXT')
  const rows = db.prepare('SELECT id, dataset_id, lambda, run_index, seeds_json, config_json, alpha_init_json FROM runs').all() as {
    id: number
    dataset_id: number
    lambda: number
    run_index: number
    seeds_json: string | null
    config_json: string | null
    alpha_init_json: string | null
  }[]
  const set = db.prepare('UPDATE runs SET config_key = ? WHERE id = ?')
  const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text))
  for (const r of rows) {
    const key = configKey({
      datasetId: r.dataset_id,
      lambda: r.lambda,
      runIndex: r.run_index,
      seeds: parse(r.seeds_json),
      config: parse(r.config_json),
      alphaInit: parse(r.alpha_init_json) as number[] | null
    })
    set.run(key, r.id)
  }
  db.exec(FINAL_ALPHAS_INDEX)
}

/** The statistics' covering index (v7); listFinalAlphas reads exactly these columns. */
const FINAL_ALPHAS_INDEX = `
CREATE INDEX runs_final_alphas ON runs(status, dataset_id, lambda, id, sweep_id, imported, config_key, alpha_init_json, final_alpha_json);
`

/**
 * Version 8: what a researcher writes on a run: a display name and notes
 * (columns: read only with the run), and tags in a table of their own, so the
 * runs list's tag filter walks run_tags_by_tag instead of parsing every run's
 * JSON, and the filter's list of tags in use is one index scan. `pos` keeps
 * the order the tags were given in.
 */
const V8_RUN_LABELS = `
ALTER TABLE runs ADD COLUMN name TEXT;
ALTER TABLE runs ADD COLUMN notes TEXT;
CREATE TABLE run_tags (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  tag    TEXT NOT NULL,
  pos    INTEGER NOT NULL,
  PRIMARY KEY (run_id, tag)
) WITHOUT ROWID;
CREATE INDEX run_tags_by_tag ON run_tags(tag, run_id);
`

/**
 * Version 9: checkpoints keep SGD's momentum buffers too (float64, in the
 * canonical parameter order), so a run with momentum > 0 resumes where it
 * stopped, bit for bit, instead of starting over.
 */
const V9_CHECKPOINT_MOMENTUM = `ALTER TABLE run_checkpoints ADD COLUMN momentum BLOB;`

/** migrations[i] takes the schema from version i to i + 1. Append only. */
const MIGRATIONS: readonly ((db: Database.Database) => void)[] = [
  (db) => db.exec(V1),
  (db) => db.exec(V2_RUN_WORKER),
  (db) => db.exec(V3_CHECKPOINTS),
  (db) => {
    withAutoincrement(db, 'sweeps')
    withAutoincrement(db, 'runs')
  },
  v5DivergedAndOwnerStart,
  (db) => db.exec(V6_RUN_LIST_INDEXES),
  v7ConfigKeys,
  (db) => db.exec(V8_RUN_LABELS),
  (db) => db.exec(V9_CHECKPOINT_MOMENTUM)
]

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
  const from0 = db.pragma('user_version', { simple: true }) as number
  if (from0 >= SCHEMA_VERSION) {
    if (from0 > SCHEMA_VERSION) throw newerVersionError(db.name, from0)
    return
  }
  // Table rebuilds must not cascade: foreign keys are off during the
  // migration (the pragma is a no-op inside a transaction) and checked before it commits.
  const fk = db.pragma('foreign_keys', { simple: true }) as number
  db.pragma('foreign_keys = OFF')
  try {
    // IMMEDIATE: two processes opening a fresh file at once must not both migrate.
    db.transaction(() => {
      const from = db.pragma('user_version', { simple: true }) as number
      if (from > SCHEMA_VERSION) throw newerVersionError(db.name, from)
      if (from === 0) db.pragma(`application_id = ${APPLICATION_ID}`)
      for (let v = from; v < SCHEMA_VERSION; v++) MIGRATIONS[v](db)
      const broken = db.pragma('foreign_key_check') as unknown[]
      if (broken.length > 0) throw new StoreError(`migration left ${broken.length} broken foreign key(s); the file was left unchanged`)
      if (from !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`)
    }).immediate()
  } finally {
    if (fk) db.pragma('foreign_keys = ON')
  }
}
