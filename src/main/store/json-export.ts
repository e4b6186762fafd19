/**
 * Full export of a sweep as one JSON document: every run (any status) with
 * its config, seeds, engine, α history and epoch metrics, plus the sweep and
 * the datasets its runs used. Meant for archiving and for other tools; it is
 * built in memory (a 1,000-run × 1,570-step sweep is some tens of MB).
 */
import type { AlphaSeries, DatasetRow, EpochMetrics, RunDetail, SweepRow } from '../../shared/results'
import { StoreError } from './errors'
import { listDatasets } from './datasets'
import { getAlphaHistory, getEpochMetrics } from './history'
import { getRun, listRuns, MAX_PAGE } from './run-queries'
import { requireSweep } from './sweeps'
import type { Store } from './store'

export const SWEEP_EXPORT_FORMAT = 'alpha-workbench/sweep'
export const SWEEP_EXPORT_VERSION = 1

export interface ExportedRun extends RunDetail {
  history: AlphaSeries
  epochMetrics: EpochMetrics[]
}

export interface SweepExport {
  format: typeof SWEEP_EXPORT_FORMAT
  version: typeof SWEEP_EXPORT_VERSION
  exportedAt: string
  sweep: SweepRow
  datasets: DatasetRow[]
  runs: ExportedRun[]
}

export function exportSweepJson(store: Store, sweepId: number): SweepExport {
  const sql = store.sql
  return sql.read(() => {
    const sweep = requireSweep(sql, sweepId)
    const ids: number[] = []
    for (let offset = 0; offset < sweep.progress.total; offset += MAX_PAGE) {
      ids.push(...listRuns(sql, { sweepId, limit: MAX_PAGE, offset }).runs.map((r) => r.id))
    }
    const runs = ids.map((id): ExportedRun => {
      const run = getRun(sql, id)
      if (!run) throw new StoreError(`run ${id} vanished during export`)
      return { ...run, history: getAlphaHistory(sql, [id])[0], epochMetrics: getEpochMetrics(sql, id) }
    })
    const used = new Set(runs.map((r) => r.datasetId))
    return {
      format: SWEEP_EXPORT_FORMAT,
      version: SWEEP_EXPORT_VERSION,
      exportedAt: new Date(sql.now()).toISOString(),
      sweep,
      datasets: listDatasets(sql).filter((d) => used.has(d.id)),
      runs
    }
  })
}
