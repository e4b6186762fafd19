import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach } from 'vitest'
import { PAPER_TRAIN_DEFAULTS, type TrainConfig } from '../../../src/shared/config'
import type { HistoryChunk, NewRun } from '../../../src/shared/results'
import { openStore, type Store } from '../../../src/main/store'

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'awb-store-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * Before each test, a fresh tempStore with one dataset ('fmnist-a') handed to `use`;
 * after it, the store is closed and its folder removed.
 */
export function freshStoreEach(use: (s: { store: Store; path: string; datasetId: number }) => void): void {
  let cleanup: (() => void) | undefined
  beforeEach(() => {
    const t = tempStore()
    cleanup = t.cleanup
    use({ store: t.store, path: t.path, datasetId: t.store.createDataset({ name: 'fmnist-a', source: 'bundled', contentHash: 'h1' }).id })
  })
  afterEach(() => cleanup?.())
}

/** A fresh store in a temp dir with a clock that ticks 1 ms per call. */
export function tempStore(): { store: Store; path: string; dir: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir()
  const path = join(dir, 'test.db')
  let t = 1_700_000_000_000
  const store = openStore(path, { now: () => t++ })
  return {
    store,
    path,
    dir,
    cleanup: () => {
      if (store.sql.db.open) store.close()
      cleanup()
    }
  }
}

export function config(lambda: number, alphaInit = [0.5, 0.5, 0.5]): TrainConfig {
  return {
    ...PAPER_TRAIN_DEFAULTS,
    lambda,
    alphaInit: { kind: 'explicit', values: alphaInit },
    seeds: { weights: 1, alpha: 2, order: 3, subsample: 4 }
  }
}

export function newRun(datasetId: number, lambda: number, runIndex = 0, stepsPlanned: number | null = 10): NewRun {
  const alphaInit = [0.5, 0.25, 0.75]
  return {
    datasetId,
    lambda,
    runIndex,
    seeds: { weights: 1, alpha: 2, order: 3, subsample: 4 },
    config: config(lambda, alphaInit),
    stepsPlanned,
    alphaCount: 3,
    alphaInit
  }
}

/** Records for steps from..to inclusive; α_i at step s is (i + 1) / (s + 10), loss s / 100, epoch s / 5. */
export function chunk(from: number, to: number, alphaCount = 3): HistoryChunk {
  const steps: number[] = []
  const alphas: number[] = []
  const losses: number[] = []
  const epochs: number[] = []
  for (let s = from; s <= to; s++) {
    steps.push(s)
    for (let i = 0; i < alphaCount; i++) alphas.push((i + 1) / (s + 10))
    losses.push(s / 100)
    epochs.push(Math.floor(s / 5))
  }
  return { steps, alphas, losses, epochs }
}

/** Every table's rows and the schema version, as one string: equal dumps mean an unchanged database. */
export function dump(path: string): string {
  const db = new Database(path, { readonly: true })
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]
    const out: Record<string, unknown> = { version: db.pragma('user_version', { simple: true }) }
    for (const { name } of tables) {
      out[name] = db.prepare(`SELECT * FROM "${name}"`).all()
    }
    // Buffers serialise as their bytes, so BLOB changes show too.
    return JSON.stringify(out)
  } finally {
    db.close()
  }
}
