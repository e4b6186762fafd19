import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Store } from '../../../src/main/store'
import type { RunSummary } from '../../../src/shared/results'
import { chunk, newRun, tempStore } from './helpers'

/**
 * The runs table's filters, search, sort and paging, all in SQL
 * (store/run-queries.ts), on a small database whose answers are known.
 */
let store: Store
let cleanup: () => void
const ids: Record<string, number> = {}

beforeEach(() => {
  ;({ store, cleanup } = tempStore())
  const a = store.createDataset({ name: 'fashion-mnist:10000:s0', source: 'bundled' }).id
  const b = store.createDataset({ name: 'mnist:8000:s0', source: 'bundled' }).id
  // λ 0.015000000000000001 is 0.015 (a float range's value); 0.0150001 is not.
  const specs: [string, number, number][] = [
    ['a0', a, 0],
    ['a1', a, 0.005],
    ['a2', a, 0.015000000000000001],
    ['b0', b, 0.015],
    ['b1', b, 0.0150001],
    ['b2', b, 0.05]
  ]
  const { sweep } = store.createSweep({ name: 'grid search', spec: {} }, specs.map(([, ds, l], i) => newRun(ds, l, i)))
  const other = store.createSweep({ name: 'other sweep', spec: {} }, [newRun(a, 0.05, 0)]).sweep
  const all = store.listRuns({ limit: 100 }).runs
  specs.forEach(([name], i) => (ids[name] = all.filter((r) => r.sweepId === sweep.id)[i].id))
  ids.o0 = all.find((r) => r.sweepId === other.id)!.id
  // Finish a0, a2, b0, b2 with known final α and accuracy; a1 fails; b1 and o0 stay queued.
  const finals: Record<string, [number[], number]> = {
    a0: [[0.9, 0.8, 0.7], 0.81],
    a2: [[0.03, 0.01, 0.2], 0.84],
    b0: [[0.04, 0, 0.05], 0.9],
    b2: [[0, 0, 0], 0.7]
  }
  const claimed = specs.map(() => store.claimNextRun({ sweepId: sweep.id })!)
  for (const run of claimed) {
    const name = Object.keys(ids).find((k) => ids[k] === run.id)!
    if (name === 'a1') store.failRun(run.id, 'boom')
    else if (finals[name]) store.finishRun(run.id, { finalAlpha: finals[name][0], testAccuracy: finals[name][1] }, chunk(1, 10))
    else store.requeueRun(run.id)
  }
})
afterEach(() => cleanup())

const names = (runs: RunSummary[]): string[] => runs.map((r) => Object.keys(ids).find((k) => ids[k] === r.id)!)

describe('runs listed by SQL', () => {
  it('filters by dataset names, statuses and sweep', () => {
    expect(names(store.listRuns({ datasets: ['mnist:8000:s0'] }).runs)).toEqual(['b0', 'b1', 'b2'])
    expect(names(store.listRuns({ status: ['done', 'failed'] }).runs)).toEqual(['a0', 'a1', 'a2', 'b0', 'b2'])
    expect(names(store.listRuns({ status: 'failed' }).runs)).toEqual(['a1'])
    expect(names(store.listRuns({ datasets: ['fashion-mnist:10000:s0'], status: ['queued'] }).runs)).toEqual(['o0'])
    expect(store.listRuns({ datasets: ['no-such-dataset'] }).total).toBe(0)
  })

  it('takes λ bounds inclusively, as the same λ to 9 decimals', () => {
    expect(names(store.listRuns({ lambdaMin: 0.015, lambdaMax: 0.015 }).runs)).toEqual(['a2', 'b0'])
    expect(names(store.listRuns({ lambdaMin: 0.015000000000000001 }).runs)).toEqual(['a2', 'b0', 'b1', 'b2', 'o0'])
    expect(names(store.listRuns({ lambdaMax: 0.005 }).runs)).toEqual(['a0', 'a1'])
    expect(names(store.listRuns({ lambda: 0.015 }).runs)).toEqual(['a2', 'b0'])
  })

  it('keeps runs whose every final α lies in the range, and only finished runs', () => {
    expect(names(store.listRuns({ finalAlphaMax: 0.05 }).runs)).toEqual(['b0', 'b2'])
    expect(names(store.listRuns({ finalAlphaMin: 0.01, finalAlphaMax: 0.2 }).runs)).toEqual(['a2'])
    expect(names(store.listRuns({ finalAlphaMin: 0 }).runs)).toEqual(['a0', 'a2', 'b0', 'b2'])
  })

  it('takes the parallel-coordinates brush: mean final α, mean initial α and test accuracy, inclusive, runs without the value out', () => {
    // Mean final α: a0 0.8, a2 0.08, b0 0.03, b2 0; accuracy: a0 0.81, a2 0.84, b0 0.9, b2 0.7.
    expect(names(store.listRuns({ finalAlphaMeanMax: 0.1 }).runs)).toEqual(['a2', 'b0', 'b2'])
    expect(names(store.listRuns({ finalAlphaMeanMin: 0.02, finalAlphaMeanMax: 0.1 }).runs)).toEqual(['a2', 'b0'])
    // a2 has one α (0.2) outside [0, 0.1]: the all-α filter drops it, the mean brush keeps it.
    expect(names(store.listRuns({ finalAlphaMax: 0.1 }).runs)).toEqual(['b0', 'b2'])
    expect(names(store.listRuns({ testAccuracyMin: 0.81, testAccuracyMax: 0.9 }).runs)).toEqual(['a0', 'a2', 'b0'])
    expect(names(store.listRuns({ testAccuracyMax: 0.75 }).runs)).toEqual(['b2'])
    // Every run here starts at α = (0.5, 0.25, 0.75), mean 0.5; one more sweep starts lower.
    const low = store.createDataset({ name: 'low-start', source: 'bundled' }).id
    const run = { ...newRun(low, 0.01, 0), alphaInit: [0.1, 0.2, 0.3] }
    const { sweep } = store.createSweep({ name: 'low start', spec: {} }, [run])
    const lowId = store.listRuns({ sweepId: sweep.id }).runs[0].id
    expect(store.listRuns({ alphaInitMeanMax: 0.3 }).runs.map((r) => r.id)).toEqual([lowId])
    expect(store.listRuns({ alphaInitMeanMin: 0.45, alphaInitMeanMax: 0.5 }).total).toBe(7)
    // Not finished, so no accuracy: any accuracy bound leaves it out.
    expect(store.listRuns({ alphaInitMeanMax: 0.3, testAccuracyMin: 0 }).total).toBe(0)
  })

  it('searches every word in id, sweep name, dataset, λ, status and engine', () => {
    expect(names(store.listRuns({ search: 'MNIST:8000 done' }).runs)).toEqual(['b0', 'b2'])
    expect(names(store.listRuns({ search: 'other' }).runs)).toEqual(['o0'])
    expect(names(store.listRuns({ search: `#${ids.b1}` }).runs)).toEqual(['b1'])
    expect(names(store.listRuns({ search: '0.0150001' }).runs)).toEqual(['b1'])
    expect(names(store.listRuns({ search: 'failed grid' }).runs)).toEqual(['a1'])
    expect(store.listRuns({ search: 'grid nothing-like-this' }).total).toBe(0)
    // Text, not a pattern: % and _ match only themselves.
    expect(store.listRuns({ search: '%' }).total).toBe(0)
  })

  it('sorts by any column, ties by id in the same direction, missing values first', () => {
    expect(names(store.listRuns({ orderBy: 'testAccuracy', descending: true }).runs)).toEqual(['b0', 'a2', 'a0', 'b2', 'o0', 'b1', 'a1'])
    expect(names(store.listRuns({ orderBy: 'lambda' }).runs)).toEqual(['a0', 'a1', 'b0', 'a2', 'b1', 'b2', 'o0'])
    expect(names(store.listRuns({ orderBy: 'dataset', descending: true }).runs)).toEqual(['b2', 'b1', 'b0', 'o0', 'a2', 'a1', 'a0'])
    // No final α sorts as −1.
    expect(names(store.listRuns({ orderBy: 'finalAlpha2' }).runs)).toEqual(['a1', 'b1', 'o0', 'b2', 'b0', 'a2', 'a0'])
    expect(names(store.listRuns({ orderBy: 'sweepId', descending: true }).runs)[0]).toBe('o0')
    expect(() => store.listRuns({ orderBy: 'config' as 'id' })).toThrow(/cannot order runs by 'config'/)
  })

  it('pages after filtering and sorting, with the total of all matches', () => {
    const q = { status: ['done' as const], orderBy: 'testAccuracy' as const, limit: 2 }
    const first = store.listRuns({ ...q, offset: 0 })
    const second = store.listRuns({ ...q, offset: 2 })
    const past = store.listRuns({ ...q, offset: 4 })
    expect(first.total).toBe(4)
    expect(names(first.runs)).toEqual(['b2', 'a0'])
    expect(names(second.runs)).toEqual(['a2', 'b0'])
    expect(past).toEqual({ total: 4, runs: [] })
  })
})
