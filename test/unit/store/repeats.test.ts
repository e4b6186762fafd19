/**
 * Issue 10, defect 2: identical runs are one observation. Two sweeps queued
 * with the same seeds (or a re-run) must not double n in any statistic, and
 * every table says how many runs it left out.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { configKey } from '../../../src/main/store/config-key'
import { collapseTable, collapseTableOfGroups, countOnce } from '../../../src/main/analysis'
import { collectCollapse, collectFits, collectRunCollapse, statisticRows, withPooled } from '../../../src/main/reports/collect'
import type { Store } from '../../../src/main/store'
import type { NewRun } from '../../../src/shared/results'
import { chunk, newRun, tempStore } from './helpers'

let store: Store
let cleanup: () => void
let ds: number

beforeEach(() => {
  ;({ store, cleanup } = tempStore())
  ds = store.createDataset({ name: 'fashion-mnist:10000:s0', source: 'bundled' }).id
})
afterEach(() => cleanup())

/** Run r at λ with its own seeds (as a sweep expands them): distinct experiments unless the seed repeats. */
function seeded(lambda: number, seed: number): NewRun {
  const base = newRun(ds, lambda, seed)
  const seeds = { weights: seed, alpha: seed + 100, order: seed + 200, subsample: 0 }
  return { ...base, seeds, config: base.config && { ...base.config, seeds } }
}

/** Queues a sweep of these runs and trains it: final α of run k is finals[k]. */
function trainSweep(name: string, runs: NewRun[], finals: number[][]): number {
  const { sweep } = store.createSweep({ name, spec: {} }, runs)
  for (const f of finals) {
    const run = store.claimNextRun()
    if (!run) throw new Error('nothing queued')
    store.finishRun(run.id, { finalAlpha: f, testAccuracy: 0.7 }, chunk(1, 10))
  }
  return sweep.id
}

/** Three runs: two seeds at λ 0.01, one at 0.02. */
const runs = (): NewRun[] => [seeded(0.01, 1), seeded(0.01, 2), seeded(0.02, 1)]
const FINALS = [
  [0, 0.5, 0.5],
  [0, 0, 0.5],
  [0, 0, 0]
]

describe('one experiment counted once', () => {
  it('leaves a second sweep with the same seeds out of every table and says how many runs it left out', () => {
    const first = trainSweep('paper from the form', runs(), FINALS)
    const once = collectCollapse(store, {})
    trainSweep('paper from the CLI', runs(), FINALS)
    const twice = collectCollapse(store, {})
    expect(twice.map((r) => [r.lambda, r.runs, r.n, r.collapsed, r.ci_low])).toEqual(once.map((r) => [r.lambda, r.runs, r.n, r.collapsed, r.ci_low]))
    expect(twice.map((r) => [r.lambda, r.runs, r.repeats])).toEqual([
      [0.01, 2, 2],
      [0.02, 1, 1]
    ])
    expect(once.every((r) => r.repeats === 0)).toBe(true)
    expect(collectRunCollapse(store, {}).map((r) => [r.runs, r.repeats])).toEqual([
      [2, 2],
      [1, 1]
    ])
    const fits = collectFits(store, { threshold: 0.05 })
    expect(fits.fits.find((f) => f.alpha_index === null)?.n).toBe(9)
    // The first sweep's runs are the ones counted.
    expect(new Set(statisticRows(store).rows.map((r) => r.sweepId))).toEqual(new Set([first]))
  })

  it('counts a re-run once, and counts another seed as a new observation', () => {
    trainSweep('s', runs(), FINALS)
    trainSweep('re-run of the first', [runs()[0]], [FINALS[0]])
    trainSweep('new seed', [seeded(0.01, 3)], [[0.5, 0.5, 0.5]])
    const at = collectCollapse(store, {}).find((r) => r.lambda === 0.01)
    expect(at).toMatchObject({ runs: 3, n: 9, collapsed: 3, repeats: 1 })
  })

  it('still counts the copy once the first one is deleted', () => {
    const first = trainSweep('a', runs(), FINALS)
    trainSweep('b', runs(), FINALS)
    store.deleteSweep(first)
    expect(collectCollapse(store, {}).map((r) => [r.runs, r.repeats])).toEqual([
      [2, 0],
      [1, 0]
    ])
  })

  it('keys on dataset, λ, config, seeds and initial α, not on the engine or the run index', () => {
    const a = seeded(0.01, 1)
    expect(configKey({ ...a, runIndex: 7 })).toBe(configKey(a))
    expect(configKey({ ...a, lambda: 0.02, config: a.config && { ...a.config, lambda: 0.02 } })).not.toBe(configKey(a))
    expect(configKey({ ...a, datasetId: a.datasetId + 1 })).not.toBe(configKey(a))
    expect(configKey({ ...a, alphaInit: [0.5, 0.5, 0.5] })).not.toBe(configKey(a))
    expect(configKey(seeded(0.01, 2))).not.toBe(configKey(a))
    // Key order in the stored JSON does not matter.
    const reordered = a.config && (Object.fromEntries(Object.entries(a.config).reverse()) as typeof a.config)
    expect(configKey({ ...a, config: reordered })).toBe(configKey(a))
  })
})

describe('several sweeps in one filter', () => {
  it('selects the runs of any of them, each sweep checked', () => {
    const a = trainSweep('a', [seeded(0.01, 1)], [[0, 0, 0]])
    const b = trainSweep('b', [seeded(0.01, 2)], [[1, 1, 1]])
    trainSweep('c', [seeded(0.01, 3)], [[1, 1, 1]])
    expect(store.listFinalAlphas({ sweepIds: [a, b] }).map((r) => r.sweepId)).toEqual([a, b])
    expect(store.listFinalAlphas({ sweepId: a, sweepIds: [b] }).map((r) => r.sweepId)).toEqual([a, b])
    expect(store.listRuns({ sweepIds: [a, b] }).total).toBe(2)
    expect(collectCollapse(store, { sweepIds: [a, b] })[0]).toMatchObject({ runs: 2, n: 6, collapsed: 3 })
  })

  it('gives the lean read and the full read the same runs in the same order', () => {
    trainSweep('a', runs(), FINALS)
    trainSweep('b', [seeded(0.03, 9), seeded(0.015, 4)], [[1, 1, 1], [0.04, 1, 1]])
    const full = store.listFinalAlphas({})
    const lean = store.listFinalAlphasLean({})
    expect(lean).toEqual(full.map((r) => ({ dataset: r.dataset, lambda: r.lambda, finalAlpha: r.finalAlpha, configKey: r.configKey })))
    expect(full.map((r) => r.lambda)).toEqual([0.01, 0.01, 0.015, 0.02, 0.03])
  })

  it('gives the grouped collapse table (no row objects) the same numbers as the row path, pooled too', () => {
    const rng = (i: number): number => ((i * 2654435761) % 1000) / 1000
    const many = Array.from({ length: 30 }, (_, i) => seeded([0, 0.01, 0.02][i % 3], 100 + (i % 15)))
    trainSweep('many', many, many.map((_, i) => [rng(i) * 0.1, rng(i + 7), rng(i + 13) * 0.2]))
    for (const q of [{}, { pool: true, threshold: 0.02 }]) {
      const { rows, repeats } = countOnce(store.listFinalAlphasLean({}))
      const expected = collapseTable(withPooled(rows, q.pool), { threshold: (q as { threshold?: number }).threshold, repeats: withPooled(repeats, q.pool) })
      expect(collapseTableOfGroups(store.listCollapseGroups({}), q)).toEqual(expected)
      expect(collectCollapse(store, q)).toEqual(expected)
    }
    expect(collectCollapse(store, {}).some((r) => r.repeats > 0)).toBe(true)
  })
})
