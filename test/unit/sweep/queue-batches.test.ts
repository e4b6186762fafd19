import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { PRESETS } from '../../../src/shared/sweep-spec'
import { QUEUE_BATCH, queueSweep } from '../../../src/main/sweep/queue'
import { tempStore } from '../store/helpers'

let cleanup: (() => void) | null = null
afterEach(() => cleanup?.())

describe('queueSweep (issue 13)', () => {
  it(`writes a big sweep ${QUEUE_BATCH} runs per transaction, paused until every run is in, then queued`, async () => {
    const t = tempStore()
    cleanup = t.cleanup
    const spec = { ...PRESETS.paper, datasets: ['mnist'], lambdas: [0, 0.01, 0.02, 0.03, 0.04], runsPerLambda: 1000, subsample: 64, epochs: 1 }
    const writes: number[] = []
    const addRuns = t.store.addRuns.bind(t.store)
    const statuses: string[] = []
    t.store.addRuns = (id, runs) => {
      writes.push(runs.length)
      statuses.push(t.store.getSweep(id)!.status)
      return addRuns(id, runs)
    }
    const { sweep, runIds } = await queueSweep(t.store, spec, { cacheDir: join(t.dir, 'datasets') })
    expect(runIds).toHaveLength(5000)
    expect(writes).toEqual([2000, 1000])
    expect(statuses).toEqual(['paused', 'paused'])
    expect(sweep.status).toBe('queued')
    expect(sweep.progress).toMatchObject({ total: 5000, queued: 5000 })
  })

  it('caps a subsample larger than the training set, and says so: label, stored config and step count are what trains', async () => {
    const t = tempStore()
    cleanup = t.cleanup
    const spec = { ...PRESETS.paper, datasets: ['mnist'], lambdas: [0], runsPerLambda: 1, subsample: 1_000_000_000, epochs: 1 }
    const { sweep, runIds, notes } = await queueSweep(t.store, spec, { cacheDir: join(t.dir, 'datasets') })
    expect(notes).toEqual(['mnist has 8,000 training images, fewer than the 1,000,000,000 asked for: its runs train on all 8,000 (mnist:8000:s0)'])
    expect(t.store.listDatasets().map((d) => d.name)).toEqual(['mnist:8000:s0'])
    const run = t.store.getRun(runIds[0])!
    expect(run.config?.subsample).toBe(8000)
    expect(run.stepsPlanned).toBe(Math.ceil(8000 / 64))
    expect(sweep.status).toBe('queued')
  })
})
