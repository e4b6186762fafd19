import { describe, expect, it } from 'vitest'
import { StoreError, type Store } from '../../../src/main/store'
import type { TrainCheckpoint } from '../../../src/main/engine/trainer'
import { MAX_TAGS_PER_RUN } from '../../../src/shared/run-labels'
import { chunk, newRun, freshStoreEach } from './helpers'

let store: Store
let datasetId: number
freshStoreEach((s) => ({ store, datasetId } = s))

function sweepOf(n: number, name = 'paper'): { sweepId: number; runIds: number[] } {
  const { sweep, runIds } = store.createSweep({ name, spec: {} }, Array.from({ length: n }, (_, i) => newRun(datasetId, 0.01 * i, 0, 10)))
  return { sweepId: sweep.id, runIds }
}

function checkpoint(step: number): TrainCheckpoint {
  const f = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => i / 8)
  return { step, epoch: 0, batch: step, lossSum: 1, params: { convKernels: [f(4)], convBiases: [f(2)], denseKernel: f(6), denseBias: f(2), alpha: f(3) } }
}

function expectStoreError(fn: () => unknown, ...parts: string[]): StoreError {
  let caught: unknown
  try {
    fn()
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(StoreError)
  for (const p of parts) expect((caught as Error).message).toContain(p)
  return caught as StoreError
}

const steps = (id: number): number[] => store.getAlphaHistory([id])[0]?.steps ?? []

describe('run names, notes and tags', () => {
  it('a new run has none; an edit sets what it names and leaves the rest', () => {
    const [id] = sweepOf(1).runIds
    expect(store.getRun(id)).toMatchObject({ name: null, notes: null, tags: [] })
    store.editRun(id, { name: '  baseline  ', tags: ['lr-high', 'check me'] })
    store.editRun(id, { notes: 'first try\nlooks fine' })
    expect(store.getRun(id)).toMatchObject({ name: 'baseline', notes: 'first try\nlooks fine', tags: ['lr-high', 'check me'] })
    expect(store.listRuns().runs[0]).toMatchObject({ name: 'baseline', tags: ['lr-high', 'check me'] })
    // Tags keep the order given; an empty name or notes clears it.
    store.editRun(id, { name: '', notes: '   ', tags: ['z', 'a'] })
    expect(store.getRun(id)).toMatchObject({ name: null, notes: null, tags: ['z', 'a'] })
  })

  it('refuses bad labels with a message naming the problem, and unknown runs with 404', () => {
    const [id] = sweepOf(1).runIds
    expectStoreError(() => store.editRun(id, { tags: ['a', 'a'] }), "tag 'a' is given twice")
    expectStoreError(() => store.editRun(id, { tags: ['a,b'] }), 'comma')
    expectStoreError(() => store.editRun(id, { tags: ['x'.repeat(41)] }), 'at most 40')
    expectStoreError(() => store.editRun(id, { tags: Array.from({ length: MAX_TAGS_PER_RUN + 1 }, (_, i) => `t${i}`) }), `at most ${MAX_TAGS_PER_RUN} tags`)
    expectStoreError(() => store.editRun(id, { name: 'two\nlines' }), 'name', 'one line')
    expectStoreError(() => store.editRun(id, { name: 'n'.repeat(101) }), 'at most 100')
    expectStoreError(() => store.editRun(id, {}), 'at least one of')
    expect(expectStoreError(() => store.editRun(id + 100, { name: 'x' }), `no run with id ${id + 100}`).status).toBe(404)
    expect(store.getRun(id)).toMatchObject({ name: null, tags: [] })
  })

  it('renames a sweep; run search finds it by the new name; an empty name is refused', () => {
    const { sweepId } = sweepOf(2)
    expect(store.renameSweep(sweepId, '  λ scan, second pass ').name).toBe('λ scan, second pass')
    expect(store.listRuns({ search: 'second' }).total).toBe(2)
    expectStoreError(() => store.renameSweep(sweepId, '   '), 'name', 'cannot be empty')
    expect(expectStoreError(() => store.renameSweep(sweepId + 9, 'x'), `no sweep with id ${sweepId + 9}`).status).toBe(404)
  })
})

describe('deleting one run', () => {
  it('removes it with its history, metrics, checkpoint and tags; its id is never reused', () => {
    const { sweepId, runIds } = sweepOf(2)
    const id = store.claimNextRun()!.id
    store.appendHistory(id, chunk(1, 3), checkpoint(3))
    store.addEpochMetrics(id, [{ epoch: 0, trainLoss: 1, testLoss: 1, testAccuracy: 0.5 }])
    store.editRun(id, { tags: ['gone'] })
    store.cancelRun(id)
    store.deleteRun(id)
    expect(store.getRun(id)).toBeNull()
    expect(store.listTags()).toEqual([])
    const left = (table: string): number => (store.sql.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE run_id = ?`).get(id) as { n: number }).n
    expect([left('alpha_history'), left('epoch_metrics'), left('run_checkpoints'), left('run_tags')]).toEqual([0, 0, 0, 0])
    expect(store.getSweep(sweepId)?.progress.total).toBe(1)
    const [next] = store.addRuns(sweepId, [newRun(datasetId, 0.5)])
    expect(next).toBeGreaterThan(Math.max(...runIds))
  })

  it('refuses a run that is training, and settles its sweep when the last unfinished run goes', () => {
    const { sweepId } = sweepOf(2)
    const first = store.claimNextRun()!
    expectStoreError(() => store.deleteRun(first.id), `run ${first.id} is training`, 'cancel it')
    store.appendHistory(first.id, chunk(1, 10))
    store.finishRun(first.id, { finalAlpha: [0.1, 0.2, 0.3], testAccuracy: 0.9 })
    const queued = store.listRuns({ status: 'queued' }).runs[0].id
    store.deleteRun(queued)
    expect(store.getSweep(sweepId)?.status).toBe('done')
    expect(expectStoreError(() => store.deleteRun(queued), `no run with id ${queued}`).status).toBe(404)
  })
})

describe('retrying a failed or cancelled run', () => {
  it('requeues a failed run at its checkpoint (same id and config), and its failed sweep is active again', () => {
    const { sweepId } = sweepOf(1)
    const run = store.claimNextRun()!
    store.appendHistory(run.id, chunk(1, 3), checkpoint(3))
    store.appendHistory(run.id, chunk(4, 5))
    store.failRun(run.id, 'worker crashed')
    expect(store.getSweep(sweepId)?.status).toBe('failed')
    store.retryRun(run.id)
    expect(store.getRun(run.id)).toMatchObject({ status: 'queued', stepsDone: 3, error: null, finishedAt: null, config: run.config, seeds: run.seeds })
    expect(steps(run.id)).toEqual([1, 2, 3])
    expect(store.getSweep(sweepId)).toMatchObject({ status: 'queued', finishedAt: null })
    const again = store.claimNextRun()
    expect(again).toMatchObject({ id: run.id, stepsDone: 3, attempts: 2 })
    expect(store.getCheckpoint(run.id)?.step).toBe(3)
  })

  it('starts a cancelled run without a checkpoint from step 0; a cancelled sweep runs again, its other runs stay cancelled', () => {
    const { sweepId, runIds } = sweepOf(2)
    const run = store.claimNextRun()!
    store.appendHistory(run.id, chunk(1, 4))
    store.cancelSweep(sweepId)
    store.cancelRun(run.id)
    store.retryRun(run.id)
    expect(store.getRun(run.id)).toMatchObject({ status: 'queued', stepsDone: 0 })
    expect(steps(run.id)).toEqual([])
    expect(store.getSweep(sweepId)?.status).toBe('running')
    expect(store.getRun(runIds[1])?.status).toBe('cancelled')
  })

  it('leaves a paused sweep paused', () => {
    const { sweepId } = sweepOf(2)
    const run = store.claimNextRun()!
    store.failRun(run.id, 'boom')
    store.pauseSweep(sweepId)
    store.retryRun(run.id)
    expect(store.getRun(run.id)?.status).toBe('queued')
    expect(store.getSweep(sweepId)?.status).toBe('paused')
    expect(store.claimNextRun()).toBeNull()
  })

  it('refuses runs that are not failed or cancelled, and imported runs, saying why', () => {
    sweepOf(3)
    const queued = store.listRuns({ status: 'queued' }).runs[0].id
    expectStoreError(() => store.retryRun(queued), `run ${queued} is queued`, 'only a failed or cancelled run')
    const running = store.claimNextRun()!.id
    expectStoreError(() => store.retryRun(running), `run ${running} is training`)
    store.appendHistory(running, chunk(1, 10))
    store.finishRun(running, { finalAlpha: [0.1, 0.2, 0.3], testAccuracy: 0.9 })
    expectStoreError(() => store.retryRun(running), 'is done', 're-run')
    const diverging = store.claimNextRun()!.id
    store.appendHistory(diverging, chunk(1, 10))
    store.finishRun(diverging, { finalAlpha: [0.1, 0.2, 0.3], testAccuracy: null, diverged: 'diverged: test loss NaN after epoch 0' })
    expectStoreError(() => store.retryRun(diverging), 'diverged', 'same config and seeds')
    const imported = store.createSweep({ name: 'csv', spec: {} }, [{ ...newRun(datasetId, 0), config: null, seeds: null }]).runIds[0]
    store.cancelRun(imported)
    expectStoreError(() => store.retryRun(imported), 'imported', 'no training config')
  })
})

describe('resuming a cancelled sweep', () => {
  it('requeues its cancelled runs (from their checkpoints) and keeps its done and failed runs', () => {
    const { sweepId, runIds } = sweepOf(4)
    const done = store.claimNextRun()!.id
    store.appendHistory(done, chunk(1, 10))
    store.finishRun(done, { finalAlpha: [0.1, 0.2, 0.3], testAccuracy: 0.9 })
    const failed = store.claimNextRun()!.id
    store.failRun(failed, 'boom')
    const stopped = store.claimNextRun()!.id
    store.appendHistory(stopped, chunk(1, 4), checkpoint(4))
    store.cancelSweep(sweepId)
    store.cancelRun(stopped)
    expect(store.getSweep(sweepId)?.progress).toMatchObject({ done: 1, failed: 1, cancelled: 2 })

    const resumed = store.resumeSweep(sweepId)
    expect(resumed).toMatchObject({ status: 'running', finishedAt: null })
    expect(resumed.progress).toMatchObject({ done: 1, failed: 1, cancelled: 0, queued: 2 })
    expect(store.getRun(stopped)).toMatchObject({ status: 'queued', stepsDone: 4 })
    expect(steps(stopped)).toEqual([1, 2, 3, 4])
    expect([store.claimNextRun()?.id, store.claimNextRun()?.id]).toEqual([stopped, runIds[3]])
  })

  it('refuses while its runs are still stopping; paused sweeps resume as before; done sweeps are refused', () => {
    const { sweepId } = sweepOf(2)
    const running = store.claimNextRun()!.id
    store.cancelSweep(sweepId)
    expectStoreError(() => store.resumeSweep(sweepId), 'still stopping 1 run')
    store.cancelRun(running)
    expect(store.resumeSweep(sweepId).status).toBe('queued')

    const other = sweepOf(1).sweepId
    store.pauseSweep(other)
    expect(store.resumeSweep(other).status).toBe('queued')
    const id = store.claimNextRun({ sweepId: other })!.id
    store.appendHistory(id, chunk(1, 10))
    store.finishRun(id, { finalAlpha: [0.1, 0.2, 0.3], testAccuracy: 0.9 })
    expectStoreError(() => store.resumeSweep(other), 'is done', 'only a paused or cancelled sweep')
  })
})
