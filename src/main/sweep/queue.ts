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
  /** What the user should know about how the spec was applied (a subsample capped to a training set). */
  notes: string[]
}

/** Runs written per transaction when queueing: each write stays short (~0.1 s), so other connections and the UI never wait long. */
export const QUEUE_BATCH = 2000

/**
 * Expands a validated spec into runs and queues them. The datasets are loaded
 * first (cached: ~0.1 s each) so an unknown dataset fails before anything is
 * written, and each run's planned step count is exact. Up to QUEUE_BATCH runs
 * go in one transaction; a larger sweep is written paused, QUEUE_BATCH runs per
 * transaction (yielding to the event loop between them), and queued only once
 * all its runs are in; if that fails part-way the partial sweep is deleted.
 */
export async function queueSweep(store: Store, spec: SweepSpec, opts: { cacheDir: string }): Promise<QueuedSweep> {
  const datasets = new Map<string, Dataset>()
  for (const name of spec.datasets) if (!datasets.has(name)) datasets.set(name, await loadDataset(name, opts))
  // A subsample larger than a training set trains on all of it: labelled and stored as such, and said.
  const trainCounts = new Map([...datasets].map(([name, ds]) => [name, ds.train.count]))
  const planned = expandSweep(spec, trainCounts)
  const notes = [...datasets]
    .filter(([, ds]) => spec.subsample !== null && spec.subsample > ds.train.count)
    .map(([name, ds]) => {
      const labels = [...new Set(planned.filter((p) => p.datasetBase === name).map((p) => p.datasetLabel))]
      const n = ds.train.count.toLocaleString('en')
      return `${name} has ${n} training images, fewer than the ${spec.subsample!.toLocaleString('en')} asked for: its runs train on all ${n} (${labels.join(', ')})`
    })
  const nAlpha = alphaCount(spec.network)
  const datasetIds = new Map<string, number>()
  const runs: NewRun[] = planned.map((p) => {
    const ds = datasets.get(p.datasetBase)!
    const trainCount = p.config.subsample ?? ds.train.count
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
  if (runs.length <= QUEUE_BATCH) return { ...store.createSweep({ name: spec.name ?? 'sweep', spec }, runs), notes }
  const created = store.createSweep({ name: spec.name ?? 'sweep', spec, status: 'paused' }, runs.slice(0, QUEUE_BATCH))
  const runIds = [...created.runIds]
  try {
    for (let i = QUEUE_BATCH; i < runs.length; i += QUEUE_BATCH) {
      await new Promise<void>((resolve) => setImmediate(resolve))
      runIds.push(...store.addRuns(created.sweep.id, runs.slice(i, i + QUEUE_BATCH)))
    }
    return { sweep: store.resumeSweep(created.sweep.id), runIds, notes }
  } catch (err) {
    try {
      store.deleteSweep(created.sweep.id)
    } catch {
      // The sweep stays paused and partial; the error below says why.
    }
    throw err
  }
}
