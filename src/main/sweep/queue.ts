import type { SweepSpec } from '../../shared/sweep-spec'
import { alphaCount } from '../../shared/network'
import type { NewRun, SweepRow } from '../../shared/results'
import { loadDataset, type Dataset } from '../data'
import { initAlpha } from '../engine/init'
import { stepsPerEpoch } from '../engine/trainer'
import type { Store } from '../store'
import { expandSweep } from './expand'

export interface QueuedSweep {
  sweep: SweepRow
  runIds: number[]
}

/**
 * Expands a validated spec into runs and queues them in one transaction. The
 * datasets are loaded first (cached: ~0.1 s each) so an unknown dataset fails
 * before anything is written, and each run's planned step count is exact.
 */
export async function queueSweep(store: Store, spec: SweepSpec, opts: { cacheDir: string }): Promise<QueuedSweep> {
  const datasets = new Map<string, Dataset>()
  for (const name of spec.datasets) if (!datasets.has(name)) datasets.set(name, await loadDataset(name, opts))
  const planned = expandSweep(spec)
  const nAlpha = alphaCount(spec.network)
  const datasetIds = new Map<string, number>()
  const runs: NewRun[] = planned.map((p) => {
    const ds = datasets.get(p.datasetBase)!
    const trainCount = p.config.subsample === null ? ds.train.count : Math.min(p.config.subsample, ds.train.count)
    let datasetId = datasetIds.get(p.datasetLabel)
    if (datasetId === undefined) {
      datasetId = store.ensureDataset({
        name: p.datasetLabel,
        source: ds.source,
        contentHash: ds.hash,
        trainCount,
        testCount: ds.test.count,
        subsample: { dataset: p.datasetBase, size: p.config.subsample, seed: p.config.seeds.subsample }
      }).id
      datasetIds.set(p.datasetLabel, datasetId)
    }
    return {
      datasetId,
      lambda: p.lambda,
      runIndex: p.runIndex,
      seeds: p.config.seeds,
      config: p.config,
      stepsPlanned: stepsPerEpoch(trainCount, p.config.batchSize) * p.config.epochs,
      alphaCount: nAlpha,
      alphaInit: Array.from(initAlpha(p.config.alphaInit, nAlpha, p.config.seeds.alpha))
    }
  })
  return store.createSweep({ name: spec.name ?? 'sweep', spec }, runs)
}
