import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Store } from '../../../src/main/store'
import { chunk, newRun, tempStore } from './helpers'

let store: Store
let cleanup: () => void
let datasetA: number
let datasetB: number

beforeEach(() => {
  ;({ store, cleanup } = tempStore())
  datasetA = store.createDataset({ name: 'a', source: 'bundled' }).id
  datasetB = store.createDataset({ name: 'b', source: 'idx' }).id
})
afterEach(() => cleanup())

/** Claims the next run, writes history 1..10 and finishes it with the given final α. */
function finishNext(finalAlpha: number[], accuracy = 0.5): number {
  const run = store.claimNextRun()
  if (!run) throw new Error('nothing queued')
  store.finishRun(run.id, { finalAlpha, testAccuracy: accuracy }, chunk(1, 10))
  return run.id
}

describe('datasets', () => {
  it('refuses a duplicate name; ensureDataset returns the same dataset or refuses different contents', () => {
    expect(() => store.createDataset({ name: 'a', source: 'bundled' })).toThrow(/'a' already exists/)
    const c = store.createDataset({ name: 'c', source: 'bundled', contentHash: 'h', subsample: { size: 10_000, seed: 3 } })
    expect(store.ensureDataset({ name: 'c', source: 'bundled', contentHash: 'h' }).id).toBe(c.id)
    expect(store.getDatasetByName('c')?.subsample).toEqual({ size: 10_000, seed: 3 })
    expect(() => store.ensureDataset({ name: 'c', source: 'bundled', contentHash: 'other' })).toThrow(/different contents/)
    expect(store.ensureDataset({ name: 'd', source: 'idx' }).name).toBe('d')
  })
})

describe('listRuns', () => {
  it('filters by sweep, dataset, status and λ (to 1e-9), orders and pages with a total', () => {
    const lambdas = [0, 0.005, 0.015000000000000001, 0.015]
    const { sweep } = store.createSweep(
      { name: 's1', spec: {} },
      lambdas.map((l, i) => newRun(i % 2 === 0 ? datasetA : datasetB, l, i))
    )
    const other = store.createSweep({ name: 's2', spec: {} }, [newRun(datasetA, 0.015)]).sweep
    finishNext([0.1, 0.2, 0.3], 0.9)

    expect(store.listRuns().total).toBe(5)
    expect(store.listRuns({ sweepId: sweep.id }).total).toBe(4)
    expect(store.listRuns({ sweepId: other.id }).runs.map((r) => r.lambda)).toEqual([0.015])
    expect(store.listRuns({ datasetId: datasetB }).runs.map((r) => r.dataset)).toEqual(['b', 'b'])
    expect(store.listRuns({ status: 'done' }).runs.map((r) => r.testAccuracy)).toEqual([0.9])
    expect(store.listRuns({ status: ['done', 'queued'] }).total).toBe(5)
    expect(store.listRuns({ lambda: 0.015 }).total).toBe(3)

    // Ties on λ are broken by id, in the same direction.
    const byLambda = store.listRuns({ orderBy: 'lambda', descending: true, limit: 3, offset: 1 })
    expect(byLambda.total).toBe(5)
    expect(byLambda.runs.map((r) => [r.lambda, r.runIndex])).toEqual([
      [0.015, 0],
      [0.015, 3],
      [0.005, 1]
    ])
    expect(() => store.listRuns({ limit: 0 })).toThrow(/limit/)
  })
})

describe('getAlphaHistory', () => {
  it('returns series in the order asked, downsampled to maxPoints with first and last kept, and after a step', () => {
    store.createSweep({ name: 's', spec: {} }, [newRun(datasetA, 0), newRun(datasetA, 0.01, 1)])
    const first = store.claimNextRun()?.id ?? -1
    store.appendHistory(first, chunk(1, 10))
    const second = store.claimNextRun()?.id ?? -1
    store.appendHistory(second, { steps: [0, 5], epochs: null, losses: null, alphas: [0.5, 0.5, 0.5, 0.25, 0.25, 0.25] })
    store.appendHistory(second, { steps: [6], epochs: [1], losses: [NaN], alphas: [0, 1, 0.5] })

    const [s2, s1] = store.getAlphaHistory([second, first])
    expect(s2).toEqual({
      runId: second,
      steps: [0, 5, 6],
      epochs: [null, null, 1],
      alphas: [
        [0.5, 0.25, 0],
        [0.5, 0.25, 1],
        [0.5, 0.25, 0.5]
      ],
      losses: [null, null, null]
    })
    expect(s1.steps).toHaveLength(10)

    expect(store.getAlphaHistory([first], { maxPoints: 4 })[0].steps).toEqual([1, 4, 7, 10])
    expect(store.getAlphaHistory([first], { maxPoints: 1 })[0].steps).toEqual([10])
    expect(store.getAlphaHistory([first], { afterStep: 7 })[0].steps).toEqual([8, 9, 10])
    expect(store.getAlphaHistory([first], { afterStep: 10 })[0].steps).toEqual([])
    expect(() => store.getAlphaHistory([first, 4242])).toThrow(/no run with id 4242/)
  })
})

describe('listFinalAlphas', () => {
  it('returns done runs only, by dataset and λ, and refuses an unknown dataset name', () => {
    store.createSweep({ name: 's', spec: {} }, [newRun(datasetB, 0.01), newRun(datasetA, 0.02), newRun(datasetA, 0.01)])
    const b = finishNext([0, 0.5, 1])
    const a = finishNext([0.04, 0.06, 0.5])
    store.claimNextRun()
    const rows = store.listFinalAlphas()
    expect(rows.map((r) => [r.dataset, r.lambda, r.runId])).toEqual([
      ['a', 0.02, a],
      ['b', 0.01, b]
    ])
    expect(rows[0]).toMatchObject({ alphaInit: [0.5, 0.25, 0.75], finalAlpha: [0.04, 0.06, 0.5] })
    expect(store.listFinalAlphas({ datasets: ['b'] }).map((r) => r.runId)).toEqual([b])
    expect(() => store.listFinalAlphas({ datasets: ['b', 'nope'] })).toThrow(/no dataset named 'nope'/)
  })
})

describe('deleteSweep', () => {
  it('removes a sweep with its runs and history, and refuses while a run is running', () => {
    const { sweep } = store.createSweep({ name: 's', spec: {} }, [newRun(datasetA, 0), newRun(datasetA, 0)])
    finishNext([0, 0, 0])
    store.claimNextRun()
    expect(() => store.deleteSweep(sweep.id)).toThrow(/running run/)
    store.cancelSweep(sweep.id)
    store.cancelRun(store.listRuns({ status: 'running' }).runs[0].id)
    store.deleteSweep(sweep.id)
    expect(store.listSweeps()).toEqual([])
    expect(store.listRuns().total).toBe(0)
    expect(store.sql.db.prepare('SELECT COUNT(*) AS n FROM alpha_history').get()).toEqual({ n: 0 })
  })
})
