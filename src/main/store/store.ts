import type Database from 'better-sqlite3'
import type { HistoryQuery } from '../../shared/api-schemas'
import type {
  AlphaSeries,
  DatasetRow,
  EngineInfo,
  EpochMetrics,
  CollapseGroup,
  FinalAlphaQuery,
  KeyedCollapseInput,
  FinalAlphaRow,
  HistoryChunk,
  NewDataset,
  NewRun,
  NewSweep,
  RunDetail,
  RunPage,
  RunResult,
  SweepProgress,
  SweepRow,
  TagCount
} from '../../shared/results'
import type { RunEdit } from '../../shared/run-labels'
import type { TrainCheckpoint } from '../engine/trainer'
import { getCheckpoint } from './checkpoints'
import { createDataset, ensureDataset, getDatasetByName, listDatasets } from './datasets'
import { getAlphaHistory, getEpochMetrics } from './history'
import { openConnection, type OpenOptions } from './open'
import { editRun, listTags } from './run-labels'
import { getRun, listCollapseGroups, listFinalAlphas, listFinalAlphasLean, listRuns, type RunQuery } from './run-queries'
import * as runs from './runs'
import { Sql } from './sql'
import * as sweeps from './sweeps'

/**
 * One connection to a store file. Each thread or process opens its own (a
 * better-sqlite3 connection must stay on the thread that opened it); every
 * write is a short BEGIN IMMEDIATE transaction, so connections can share the file.
 */
export class Store {
  readonly sql: Sql

  constructor(
    readonly path: string,
    db: Database.Database,
    now: () => number = Date.now
  ) {
    this.sql = new Sql(db, now)
  }

  close(): void {
    // SQLite's advice for every connection that wrote: refresh the planner's statistics
    // (cheap, bounded), so the run list's filters pick the index that serves them.
    if (!this.sql.db.readonly) {
      try {
        this.sql.db.pragma('optimize')
      } catch {
        // Busy or read-only file: the statistics wait for the next close.
      }
    }
    this.sql.db.close()
  }

  /**
   * SQLite's PRAGMA data_version: changes whenever another connection (another
   * process, another thread) commits to the file, never for this connection's
   * own writes. Cheap enough to poll a few times a second.
   */
  dataVersion(): number {
    return this.sql.db.pragma('data_version', { simple: true }) as number
  }

  // datasets
  createDataset(d: NewDataset): DatasetRow {
    return createDataset(this.sql, d)
  }
  ensureDataset(d: NewDataset): DatasetRow {
    return ensureDataset(this.sql, d)
  }
  getDatasetByName(name: string): DatasetRow | null {
    return getDatasetByName(this.sql, name)
  }
  listDatasets(): DatasetRow[] {
    return listDatasets(this.sql)
  }

  // sweeps
  createSweep(sweep: NewSweep, queued: readonly NewRun[] = []): { sweep: SweepRow; runIds: number[] } {
    return sweeps.createSweep(this.sql, sweep, queued)
  }
  addRuns(sweepId: number, queued: readonly NewRun[]): number[] {
    return sweeps.addRuns(this.sql, sweepId, queued)
  }
  getSweep(id: number): SweepRow | null {
    return sweeps.getSweep(this.sql, id)
  }
  listSweeps(): SweepRow[] {
    return sweeps.listSweeps(this.sql)
  }
  sweepProgress(id: number): SweepProgress {
    return sweeps.sweepProgress(this.sql, id)
  }
  pauseSweep(id: number): SweepRow {
    return sweeps.pauseSweep(this.sql, id)
  }
  resumeSweep(id: number): SweepRow {
    return sweeps.resumeSweep(this.sql, id)
  }
  cancelSweep(id: number): number[] {
    return sweeps.cancelSweep(this.sql, id)
  }
  deleteSweep(id: number): void {
    sweeps.deleteSweep(this.sql, id)
  }
  renameSweep(id: number, name: string): SweepRow {
    return sweeps.renameSweep(this.sql, id, name)
  }

  // what researchers write on runs, and runs removed or retried by hand
  editRun(runId: number, edit: RunEdit): void {
    editRun(this.sql, runId, edit)
  }
  listTags(): TagCount[] {
    return listTags(this.sql)
  }
  deleteRun(runId: number): void {
    runs.deleteRun(this.sql, runId)
  }
  retryRun(runId: number): void {
    runs.retryRun(this.sql, runId)
  }

  // run lifecycle (the sweep runner)
  claimNextRun(opts?: { sweepId?: number; owner?: runs.RunOwner; engine?: EngineInfo }): RunDetail | null {
    return runs.claimNextRun(this.sql, opts)
  }
  appendHistory(runId: number, chunk: HistoryChunk, checkpoint?: TrainCheckpoint): void {
    runs.appendHistory(this.sql, runId, chunk, checkpoint)
  }
  addEpochMetrics(runId: number, rows: readonly EpochMetrics[], checkpoint?: TrainCheckpoint): void {
    runs.addEpochMetrics(this.sql, runId, rows, checkpoint)
  }
  /** Where a run stands, to resume it from; null when it has no checkpoint. */
  getCheckpoint(runId: number): TrainCheckpoint | null {
    return getCheckpoint(this.sql, runId)
  }
  finishRun(runId: number, result: RunResult, lastChunk?: HistoryChunk, full?: runs.FullHistory): void {
    runs.finishRun(this.sql, runId, result, lastChunk, full)
  }
  restartRun(runId: number): void {
    runs.restartRun(this.sql, runId)
  }
  failRun(runId: number, error: string, engine?: EngineInfo): void {
    runs.failRun(this.sql, runId, error, engine)
  }
  cancelRun(runId: number): void {
    runs.cancelRun(this.sql, runId)
  }
  requeueRun(runId: number): void {
    runs.requeueRun(this.sql, runId)
  }
  resetInterrupted(opts?: runs.ResetOptions): number[] {
    return runs.resetInterrupted(this.sql, opts)
  }

  // reads (CLI, UI)
  getRun(id: number): RunDetail | null {
    return getRun(this.sql, id)
  }
  listRuns(q?: RunQuery): RunPage {
    return listRuns(this.sql, q)
  }
  getAlphaHistory(runIds: readonly number[], q?: HistoryQuery): AlphaSeries[] {
    return getAlphaHistory(this.sql, runIds, q)
  }
  getEpochMetrics(runId: number): EpochMetrics[] {
    return getEpochMetrics(this.sql, runId)
  }
  listFinalAlphas(q?: FinalAlphaQuery): FinalAlphaRow[] {
    return listFinalAlphas(this.sql, q)
  }

  listFinalAlphasLean(q?: FinalAlphaQuery): KeyedCollapseInput[] {
    return listFinalAlphasLean(this.sql, q)
  }

  listCollapseGroups(q?: FinalAlphaQuery): CollapseGroup[] {
    return listCollapseGroups(this.sql, q)
  }
}

export interface StoreOptions extends OpenOptions {
  /** Clock for timestamps (tests). */
  now?: () => number
}

/** Opens a store file; see openConnection for what is checked and refused. */
export function openStore(path: string, opts: StoreOptions = {}): Store {
  return new Store(path, openConnection(path, opts), opts.now)
}
