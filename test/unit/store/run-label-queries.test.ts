import { describe, expect, it } from 'vitest'
import type { Store } from '../../../src/main/store'
import { newRun, freshStoreEach } from './helpers'

let store: Store
let datasetId: number
freshStoreEach((s) => ({ store, datasetId } = s))

function sweepOf(n: number): number[] {
  return store.createSweep({ name: 'paper', spec: {} }, Array.from({ length: n }, (_, i) => newRun(datasetId, 0.01 * i, 0, 10))).runIds
}

describe('the runs list by name and tag', () => {
  it('search matches names and tags; the tag filter takes runs with any of its tags; tags in use are counted', () => {
    const [a, b, c] = sweepOf(3)
    store.editRun(a, { name: 'Baseline run', tags: ['keep'] })
    store.editRun(b, { tags: ['keep', 'odd-loss'] })
    store.editRun(c, { tags: ['other'] })
    const ids = (q: Parameters<Store['listRuns']>[0]): number[] => store.listRuns({ ...q, orderBy: 'id' }).runs.map((r) => r.id)
    expect(ids({ search: 'baseline' })).toEqual([a])
    expect(ids({ search: 'odd-loss' })).toEqual([b])
    expect(ids({ tags: ['keep'] })).toEqual([a, b])
    expect(ids({ tags: ['odd-loss', 'other'] })).toEqual([b, c])
    expect(store.listRuns({ tags: ['keep'], search: 'odd' }).total).toBe(1)
    expect(store.listTags()).toEqual([
      { tag: 'keep', runs: 2 },
      { tag: 'odd-loss', runs: 1 },
      { tag: 'other', runs: 1 }
    ])
  })
})
