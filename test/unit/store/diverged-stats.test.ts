/**
 * Issue 13, defect 5: a diverged run (loss exploded, test loss NaN) is stored
 * as 'diverged', not 'done', and stays out of the collapse table. The runner
 * test (runner-faults) checks listFinalAlphas; this checks the path the
 * collapse table reads: store.listCollapseGroups and collectCollapse.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { collectCollapse } from '../../../src/main/reports/collect'
import type { Store } from '../../../src/main/store'
import type { NewRun } from '../../../src/shared/results'
import { chunk, newRun, tempStore } from './helpers'

let store: Store
let cleanup: () => void
let ds: number

beforeEach(() => {
  ;({ store, cleanup } = tempStore())
  ds = store.createDataset({ name: 'mnist', source: 'bundled' }).id
})
afterEach(() => cleanup())

/** Run `seed` at λ with its own seeds: each one a distinct experiment. */
function seeded(lambda: number, seed: number): NewRun {
  const base = newRun(ds, lambda, seed)
  const seeds = { weights: seed, alpha: seed + 100, order: seed + 200, subsample: 0 }
  return { ...base, seeds, config: base.config && { ...base.config, seeds } }
}

describe('diverged runs and the collapse table (issue 13, defect 5)', () => {
  it('leaves diverged runs out of listCollapseGroups and the collapse table, even when their final α look collapsed', () => {
    const { sweep, runIds } = store.createSweep({ name: 'lr 10', spec: {} }, [seeded(0.01, 1), seeded(0.01, 2), seeded(0.01, 3), seeded(0.02, 1)])
    const finish = (expected: number, finalAlpha: number[], diverged?: string): void => {
      const run = store.claimNextRun()
      expect(run?.id).toBe(expected)
      store.finishRun(expected, { finalAlpha, testAccuracy: diverged ? null : 0.9, ...(diverged ? { diverged } : {}) }, chunk(1, 10))
    }
    // λ 0.01: one healthy run with one α of three collapsed; two diverged runs, one with every α at 0 (finite: it would count as fully collapsed), one with NaN.
    finish(runIds[0], [0, 0.5, 0.5])
    finish(runIds[1], [0, 0, 0], 'diverged: train loss 3.00e+15 after epoch 0')
    finish(runIds[2], [Number.NaN, 0, 0], 'diverged: final α NaN')
    // λ 0.02: a healthy run only.
    finish(runIds[3], [0.5, 0.5, 0.5])

    expect(runIds.map((id) => store.getRun(id)?.status)).toEqual(['done', 'diverged', 'diverged', 'done'])
    expect(store.getSweep(sweep.id)?.progress).toMatchObject({ total: 4, done: 2, diverged: 2 })

    const groups = store.listCollapseGroups({ sweepId: sweep.id })
    expect(groups.map((g) => [g.lambda, g.alphaCounts, g.finals])).toEqual([
      [0.01, [3], [0, 0.5, 0.5]],
      [0.02, [3], [0.5, 0.5, 0.5]]
    ])
    // The same with no filter (the whole database), as the Statistics view first asks.
    expect(store.listCollapseGroups().map((g) => g.keys.length)).toEqual([1, 1])

    const table = collectCollapse(store, {})
    expect(table.map((r) => [r.dataset, r.lambda, r.runs, r.n, r.collapsed])).toEqual([
      ['mnist', 0.01, 1, 3, 1],
      ['mnist', 0.02, 1, 3, 0]
    ])
  })
})
