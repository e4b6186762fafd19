// @vitest-environment happy-dom
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { setApiClient } from '../../src/renderer/src/api/client'
import { brushedQuery, emptyBrush } from '../../src/renderer/src/lib/run-brush'
import { runsFromParams } from '../../src/renderer/src/lib/runs-url'
import { statsFromParams } from '../../src/renderer/src/lib/stats-url'
import { hashParams, TYPING_MS } from '../../src/renderer/src/lib/url-state'
import { navigate, refreshRoute } from '../../src/renderer/src/router'
import { PAGE_SIZES, useRunsStore } from '../../src/renderer/src/stores/runs'
import { useStatsStore } from '../../src/renderer/src/stores/stats'
import type { RunListQuery } from '../../src/shared/api'
import { fakeClient, runSummary, type FakeClient } from './fake-client'

/** Shareable views: the runs and statistics views' state lives in the hash route's query (lib/url-state.ts). */
let client: FakeClient
const stops: (() => void)[] = []

function at(hash: string): void {
  window.history.replaceState(null, '', `/${hash}`)
  refreshRoute()
}
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const lastListRuns = (): RunListQuery => client.callsTo('listRuns').at(-1)?.[0] as RunListQuery

beforeEach(() => {
  at('#/sweep')
  client = fakeClient({ listRuns: (q) => ({ total: 500, runs: [runSummary(1)].slice(0, q?.limit ?? 100) }) })
  setApiClient(client)
  setActivePinia(createPinia())
})
afterEach(() => {
  for (const stop of stops.splice(0)) stop()
  setApiClient(null)
})

function connectRuns(): ReturnType<typeof useRunsStore> {
  const runs = useRunsStore()
  runs.connect()
  stops.push(() => runs.disconnect())
  return runs
}
function connectStats(): ReturnType<typeof useStatsStore> {
  const stats = useStatsStore()
  stats.connect()
  stops.push(() => stats.disconnect())
  return stats
}

describe('runs view in the URL', () => {
  it('restores filters, sort, page and brush from a loaded URL, ignoring invalid values', async () => {
    at('#/runs?sweeps=3,x&dataset=a&dataset=b,c&status=done,bogus&lambdaMin=0.01&alphaMax=2&q=mnist&sort=lambda&dir=asc&rows=25&offset=110&brushAcc=0.8,0.9&brushInit=0.9,0.1')
    const runs = connectRuns()
    await flushPromises()
    expect(runs.filters).toMatchObject({ sweepId: 3, datasets: ['a', 'b,c'], statuses: ['done'], lambdaMin: 0.01, finalAlphaMax: '', search: 'mnist' })
    expect(lastListRuns()).toEqual({
      sweepId: 3,
      datasets: ['a', 'b,c'],
      status: ['done'],
      lambdaMin: 0.01,
      search: 'mnist',
      testAccuracyMin: 0.8,
      testAccuracyMax: 0.9,
      orderBy: 'lambda',
      descending: false,
      limit: 25,
      offset: 100
    })
    // The URL is rewritten without what was ignored (x, bogus, alphaMax=2, a reversed range), offset on a page boundary.
    expect(Object.fromEntries(hashParams())).toMatchObject({ sweeps: '3', status: 'done', offset: '100', brushAcc: '0.8,0.9' })
    expect(hashParams().has('alphaMax')).toBe(false)
    expect(hashParams().has('brushInit')).toBe(false)
    expect(hashParams().getAll('dataset')).toEqual(['a', 'b,c'])
  })

  it('carries the tag filter both ways', async () => {
    at('#/runs?tag=baseline&tag=seed%2C2')
    const runs = connectRuns()
    await flushPromises()
    expect(runs.filters.tags).toEqual(['baseline', 'seed,2'])
    expect(lastListRuns()).toMatchObject({ tags: ['baseline', 'seed,2'] })
    runs.filters.tags = ['ablation']
    await flushPromises()
    expect(hashParams().getAll('tag')).toEqual(['ablation'])
  })

  it('keeps the defaults for a URL of nothing but nonsense', async () => {
    at('#/runs?sort=bogus&dir=sideways&rows=7&offset=-5&lambdaMin=abc&brushLambda=1')
    const runs = connectRuns()
    await flushPromises()
    expect([runs.orderBy, runs.descending, runs.pageSize, runs.page]).toEqual(['id', true, 50, 0])
    expect(lastListRuns()).toEqual({ orderBy: 'id', descending: true, limit: 50, offset: 0 })
    expect(window.location.hash).toBe('#/runs')
  })

  it('writes changes into the URL: typing replaces the entry after a pause, a tick or a sort pushes one', async () => {
    at('#/runs')
    const runs = connectRuns()
    await flushPromises()
    const entries = window.history.length
    runs.filters.search = 'mni'
    await wait(10)
    runs.filters.search = 'mnist'
    await wait(10)
    expect(hashParams().get('q')).toBeNull()
    await wait(TYPING_MS + 50)
    expect(hashParams().get('q')).toBe('mnist')
    expect(window.history.length).toBe(entries)

    runs.filters.statuses = ['done', 'failed']
    await flushPromises()
    expect(hashParams().get('status')).toBe('done,failed')
    expect(window.history.length).toBe(entries + 1)
    runs.sortBy('testAccuracy')
    await flushPromises()
    expect(Object.fromEntries(hashParams())).toMatchObject({ sort: 'testAccuracy', dir: 'desc' })
    runs.setBrush('lambda', [0.01, 0.05])
    runs.setBrushDatasets(['x', 'y'])
    await flushPromises()
    expect(hashParams().get('brushLambda')).toBe('0.01,0.05')
    expect(hashParams().getAll('brushDataset')).toEqual(['x', 'y'])
  })

  it('keeps its state through a bare nav link, and restores what a marked history entry says', async () => {
    at('#/runs')
    const runs = connectRuns()
    runs.filters.statuses = ['failed']
    await flushPromises()
    const filtered = window.location.hash
    expect(filtered).toBe('#/runs?status=failed')
    navigate('/stats')
    await flushPromises()
    // A nav link's new entry: a browser gives it no history state (happy-dom keeps the last one on a hash change).
    window.history.pushState(null, '', '/#/runs')
    refreshRoute()
    await flushPromises()
    expect(window.location.hash).toBe(filtered)
    expect(runs.filters.statuses).toEqual(['failed'])
    // Back to an entry this view wrote (as history.back() does): the URL wins.
    window.history.replaceState({ awbUrlState: 'runs' }, '', '/#/runs?status=done&q=b1')
    refreshRoute()
    await flushPromises()
    expect(runs.filters).toMatchObject({ statuses: ['done'], search: 'b1' })
    expect(lastListRuns()).toMatchObject({ status: ['done'], search: 'b1' })
    window.history.replaceState({ awbUrlState: 'runs' }, '', '/#/runs')
    refreshRoute()
    await flushPromises()
    expect(runs.filters).toMatchObject({ statuses: [], search: '' })
  })

  it('stops following the URL when disconnected', async () => {
    at('#/runs')
    const runs = useRunsStore()
    runs.connect()
    runs.disconnect()
    runs.filters.statuses = ['done']
    await flushPromises()
    expect(window.location.hash).toBe('#/runs')
  })
})

describe('statistics view in the URL', () => {
  it('restores sweeps, datasets, threshold, pool and bins, ignoring invalid values', async () => {
    at('#/stats?sweeps=2,5&dataset=mnist:1000:s0&threshold=0.1&pool=1&bins=20')
    const stats = connectStats()
    await flushPromises()
    expect([stats.sweepIds, stats.datasets, stats.threshold, stats.bins, stats.pool]).toEqual([[2, 5], ['mnist:1000:s0'], 0.1, 20, true])

    at('#/sweep')
    at('#/stats?threshold=-1&bins=0&pool=yes')
    setActivePinia(createPinia())
    const fresh = connectStats()
    await flushPromises()
    expect([fresh.threshold, fresh.bins, fresh.pool]).toEqual([0.05, 10, false])
    expect(window.location.hash).toBe('#/stats')
  })

  it('writes the threshold after a pause, and pool repeats at once', async () => {
    at('#/stats')
    const stats = connectStats()
    await flushPromises()
    stats.threshold = 0.12
    await wait(TYPING_MS + 50)
    expect(hashParams().get('threshold')).toBe('0.12')
    stats.pool = true
    await flushPromises()
    expect(hashParams().get('pool')).toBe('1')
    stats.datasets = ['a', 'b']
    await flushPromises()
    expect(hashParams().getAll('dataset')).toEqual(['a', 'b'])
  })
})

describe('URL codecs and the brush', () => {
  it('reads every runs-view parameter, and nothing invalid', () => {
    const v = runsFromParams(new URLSearchParams('alphaMin=0.2&alphaMax=1.5&lambdaMax=-1&brushFinal=0,0.05&brushDataset=a&brushDataset=a'), PAGE_SIZES)
    expect(v).toMatchObject({ finalAlphaMin: 0.2, finalAlphaMax: '', lambdaMax: '', brush: { finalAlpha: [0, 0.05], datasets: ['a'] } })
    expect(statsFromParams(new URLSearchParams('threshold=1')).threshold).toBe(0.05)
  })

  it('narrows the runs query by the brush, intersecting λ and datasets with the filters', () => {
    const b = { ...emptyBrush(), lambda: [0.01, 0.1] as const, finalAlpha: [0, 0.05] as const, alphaInit: [0.2, 0.6] as const, datasets: ['a', 'c'] }
    expect(brushedQuery({ lambdaMin: 0.02, datasets: ['a', 'b'] }, b)).toEqual({
      lambdaMin: 0.02,
      lambdaMax: 0.1,
      finalAlphaMeanMin: 0,
      finalAlphaMeanMax: 0.05,
      alphaInitMeanMin: 0.2,
      alphaInitMeanMax: 0.6,
      datasets: ['a']
    })
    expect(brushedQuery({ datasets: ['b'] }, b)).toBeNull()
    expect(brushedQuery({ search: 'x' }, emptyBrush())).toEqual({ search: 'x' })
  })

  it('sends the brush with the table query, and asks nothing when the brush excludes every filtered dataset', async () => {
    const runs = useRunsStore()
    runs.setBrush('testAccuracy', [0.8, 0.9])
    await wait(300)
    expect(lastListRuns()).toMatchObject({ testAccuracyMin: 0.8, testAccuracyMax: 0.9, offset: 0 })
    expect(runs.chartQuery).toEqual({})
    const asked = client.callsTo('listRuns').length
    runs.filters.datasets = ['b']
    runs.setBrushDatasets(['a'])
    await runs.fetch()
    expect(client.callsTo('listRuns')).toHaveLength(asked)
    expect([runs.total, runs.rows]).toEqual([0, []])
    expect(runs.filtered).toBe(true)
    runs.resetFilters()
    expect(runs.brush).toEqual(emptyBrush())
  })
})
