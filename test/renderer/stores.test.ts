// @vitest-environment happy-dom
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setApiClient } from '../../src/renderer/src/api/client'
import { useComparisonStore } from '../../src/renderer/src/stores/comparison'
import { useNoticesStore } from '../../src/renderer/src/stores/notices'
import { useParallelRunsStore } from '../../src/renderer/src/stores/parallel-runs'
import { useRunDetailStore } from '../../src/renderer/src/stores/run-detail'
import { MAX_COMPARE, useRunsStore } from '../../src/renderer/src/stores/runs'
import { useStatsStore } from '../../src/renderer/src/stores/stats'
import { useStatusStore } from '../../src/renderer/src/stores/status'
import { LIVE_REDRAW_MS, useLiveRunsStore } from '../../src/renderer/src/stores/live-runs'
import { useSweepDraftStore } from '../../src/renderer/src/stores/sweep-draft'
import { useSweepsStore } from '../../src/renderer/src/stores/sweeps'
import type { RunDetail } from '../../src/shared/results'
import { PAPER_TRAIN_DEFAULTS } from '../../src/shared/config'
import { fakeClient, runSummary, sweepRow, type FakeClient } from './fake-client'

let client: FakeClient

function install(c: FakeClient): FakeClient {
  client = c
  setApiClient(c)
  setActivePinia(createPinia())
  return c
}

function progress(runId: number, steps: number[], alphas: number[], over: { step?: number; sweepId?: number } = {}) {
  return {
    type: 'run-progress' as const,
    runId,
    sweepId: over.sweepId ?? 1,
    step: over.step ?? steps[steps.length - 1],
    totalSteps: 100,
    steps,
    alphas,
    nAlpha: 3,
    loss: 2.3
  }
}

beforeEach(() => install(fakeClient()))
afterEach(() => {
  vi.useRealTimers()
  setApiClient(null)
})

describe('status store', () => {
  it('loads the status and follows queue-changed events', async () => {
    const status = useStatusStore()
    status.connect()
    await flushPromises()
    expect(status.engineLabel).toBe('native/avx2')
    expect(status.tfjsBackend).toBe('wasm')
    expect(status.workers).toBe(2)
    expect(client.listenerCount()).toBe(1)

    client.emit({ type: 'queue-changed', queue: { workers: 4, running: 3, queued: 9 } })
    expect(status.queue).toEqual({ workers: 4, running: 3, queued: 9 })
    expect(status.workers).toBe(4)

    status.connect()
    expect(client.listenerCount()).toBe(1)
    status.disconnect()
    expect(client.listenerCount()).toBe(0)
  })

  it('reports an unreachable back end', async () => {
    install(
      fakeClient({
        getStatus: () => {
          throw new Error('cannot reach the back end')
        }
      })
    )
    const status = useStatusStore()
    await status.refresh()
    expect(status.error).toBe('cannot reach the back end')
  })
})

describe('sweeps store', () => {
  it('collects live α from progress events and redraws at most every LIVE_REDRAW_MS', async () => {
    vi.useFakeTimers()
    const sweeps = useLiveRunsStore()
    sweeps.connect()
    await vi.runOnlyPendingTimersAsync()
    const before = sweeps.revision

    client.emit({ type: 'run-started', runId: 5, sweepId: 1, engine: 'native', backend: 'avx2', totalSteps: 100 })
    client.emit(progress(5, [0, 1], [0.5, 0.5, 0.5, 0.49, 0.5, 0.51]))
    client.emit(progress(5, [2], [0.48, 0.5, 0.52]))
    expect(sweeps.revision).toBe(before)

    vi.advanceTimersByTime(LIVE_REDRAW_MS)
    expect(sweeps.revision).toBe(before + 1)
    const [run] = sweeps.liveRuns
    expect(run).toMatchObject({ runId: 5, sweepId: 1, status: 'running', engine: 'native/avx2', step: 2, totalSteps: 100, nAlpha: 3 })
    expect(run.steps).toEqual([0, 1, 2])
    expect(run.alphas).toEqual([
      [0.5, 0.49, 0.48],
      [0.5, 0.5, 0.5],
      [0.5, 0.51, 0.52]
    ])

    client.emit({ type: 'run-epoch', runId: 5, sweepId: 1, epoch: 0, trainLoss: 2, testLoss: 2.1, testAccuracy: 0.4 })
    client.emit({ type: 'run-finished', runId: 5, sweepId: 1, finalAlpha: [0.4, 0.5, 0.6], testAccuracy: 0.42 })
    vi.advanceTimersByTime(LIVE_REDRAW_MS)
    expect(sweeps.liveRuns[0]).toMatchObject({ status: 'done', finalAlpha: [0.4, 0.5, 0.6], testAccuracy: 0.42, step: 100, epoch: 0 })
    sweeps.disconnect()
  })

  it('backfills a run first seen mid-way from its stored history', async () => {
    install(fakeClient({ getAlphaHistory: () => [{ runId: 9, steps: [0, 10], epochs: [0, 0], alphas: [[0.9, 0.8], [0.5, 0.5], [0.1, 0.1]], losses: [null, null] }] }))
    const sweeps = useLiveRunsStore()
    sweeps.connect()
    client.emit(progress(9, [20], [0.7, 0.5, 0.1]))
    await flushPromises()
    expect(client.callsTo('getAlphaHistory')).toEqual([[[9], { maxPoints: 500 }]])
    const run = sweeps.liveRuns.find((r) => r.runId === 9)
    expect(run?.steps).toEqual([0, 10, 20])
    expect(run?.alphas[0]).toEqual([0.9, 0.8, 0.7])
    sweeps.disconnect()
  })

  it('keeps the sweep list current from sweep-changed and marks runs stopped when their sweep stops', async () => {
    const sweeps = useSweepsStore()
    const live = useLiveRunsStore()
    sweeps.connect()
    live.connect()
    await flushPromises()
    client.emit({ type: 'sweep-changed', sweep: sweepRow({ id: 2 }) })
    client.emit(progress(11, [1], [0.5, 0.5, 0.5], { sweepId: 2 }))
    expect(sweeps.activeSweeps.map((s) => s.id)).toEqual([2])

    const cancelled = sweepRow({ id: 2, status: 'cancelled', progress: { ...sweepRow().progress, running: 0, queued: 0, cancelled: 4 } })
    client.emit({ type: 'sweep-changed', sweep: cancelled })
    expect(sweeps.activeSweeps).toEqual([])
    expect(sweeps.pastSweeps.map((s) => s.status)).toEqual(['cancelled'])
    expect(live.liveRuns.find((r) => r.runId === 11)?.status).toBe('stopped')
    sweeps.disconnect()
    live.disconnect()
  })

  it('marks a run stopped on run-stopped, and starts its curves afresh when it trains again', async () => {
    install(fakeClient({ getAlphaHistory: () => [{ runId: 12, steps: [0, 5, 10], epochs: [0, 0, 0], alphas: [[0.5, 0.4, 0.3], [0.5, 0.5, 0.5], [0.5, 0.6, 0.7]], losses: [null, null, null] }] }))
    vi.useFakeTimers()
    const live = useLiveRunsStore()
    live.connect()
    await vi.runOnlyPendingTimersAsync()
    client.emit({ type: 'run-started', runId: 12, sweepId: 1, engine: 'native', backend: 'avx2', totalSteps: 100 })
    client.emit(progress(12, [0, 1], [0.5, 0.5, 0.5, 0.45, 0.5, 0.55]))
    client.emit({ type: 'run-stopped', runId: 12, sweepId: 1, how: 'requeued' })
    await vi.advanceTimersByTimeAsync(LIVE_REDRAW_MS)
    expect(live.liveRuns.find((r) => r.runId === 12)?.status).toBe('stopped')
    expect(client.callsTo('getAlphaHistory')).toEqual([])

    // Resumed from its checkpoint at step 10: what came before is read back from the store.
    client.emit({ type: 'run-started', runId: 12, sweepId: 1, engine: 'native', backend: 'avx2', totalSteps: 100 })
    client.emit(progress(12, [11], [0.25, 0.5, 0.75]))
    await vi.advanceTimersByTimeAsync(LIVE_REDRAW_MS)
    const run = live.liveRuns.find((r) => r.runId === 12)
    expect(run?.status).toBe('running')
    expect(run?.steps).toEqual([0, 5, 10, 11])
    expect(run?.alphas[0]).toEqual([0.5, 0.4, 0.3, 0.25])
    live.disconnect()
  })

  it('shows a stopped card as its run is now once another process finished it (data-changed)', async () => {
    const history = [{ runId: 14, steps: [1, 50, 100], epochs: [0, 0, 1], alphas: [[0.5, 0.2, 0], [0.5, 0.5, 0.5], [0.5, 0.7, 0.9]], losses: [null, null, null] }]
    let status: 'queued' | 'done' = 'queued'
    install(
      fakeClient({
        getAlphaHistory: () => history,
        getRun: (id) => ({ ...runSummary(id, { status, stepsDone: status === 'done' ? 100 : 10, finalAlpha: [0, 0.5, 0.9], testAccuracy: 0.71 }), seeds: null, config: null, notes: null })
      })
    )
    vi.useFakeTimers()
    const live = useLiveRunsStore()
    live.connect()
    await vi.runOnlyPendingTimersAsync()
    client.emit({ type: 'run-started', runId: 14, sweepId: 1, engine: 'native', backend: 'avx2', totalSteps: 100 })
    client.emit(progress(14, [1], [0.5, 0.5, 0.5]))
    client.emit({ type: 'run-stopped', runId: 14, sweepId: 1, how: 'requeued' })
    // Still queued elsewhere: the card stays stopped.
    client.emit({ type: 'data-changed', source: 'other-process' })
    await vi.advanceTimersByTimeAsync(500)
    expect(live.liveRuns.find((r) => r.runId === 14)?.status).toBe('stopped')
    // A CLI on the same database trained it to the end.
    status = 'done'
    client.emit({ type: 'data-changed', source: 'other-process' })
    await vi.advanceTimersByTimeAsync(500)
    const run = live.liveRuns.find((r) => r.runId === 14)
    expect(run).toMatchObject({ status: 'done', step: 100, testAccuracy: 0.71, finalAlpha: [0, 0.5, 0.9] })
    expect(run?.steps).toEqual([1, 50, 100])
    live.disconnect()
  })

  it('estimates the remaining time from the step time until a rate is measured', async () => {
    const status = useStatusStore()
    await status.refresh()
    const sweeps = useSweepsStore()
    const row = sweepRow({ progress: { ...sweepRow().progress, stepsPlanned: 10_000, stepsDone: 2_000 } })
    // 8,000 steps × 1 ms / 2 workers.
    expect(sweeps.etaMs(row)).toBe(4000)
    expect(sweeps.etaMs({ ...row, status: 'paused' })).toBeNull()
  })

  it('queues, pauses, resumes, cancels and deletes through the client, reporting failures', async () => {
    install(
      fakeClient({
        queueSweep: () => sweepRow({ id: 3, status: 'queued' }),
        pauseSweep: (id) => sweepRow({ id, status: 'paused' }),
        resumeSweep: (id) => sweepRow({ id, status: 'running' }),
        cancelSweep: () => {
          throw new Error('no such sweep')
        },
        deleteSweep: () => undefined
      })
    )
    const sweeps = useSweepsStore()
    const notices = useNoticesStore()
    const row = await sweeps.queue({ ...(await import('../../src/shared/sweep-spec')).PRESETS.paper })
    expect(row?.id).toBe(3)
    await sweeps.pause(3)
    expect(sweeps.byId(3)?.status).toBe('paused')
    await sweeps.resume(3)
    expect(sweeps.byId(3)?.status).toBe('running')
    await sweeps.cancel(3)
    expect(notices.notices.map((n) => n.text)).toEqual(['Cancelling sweep 3: no such sweep'])
    await sweeps.remove(3)
    expect(sweeps.byId(3)).toBeUndefined()
    expect(client.calls.map((c) => c.method)).toEqual(['queueSweep', 'pauseSweep', 'resumeSweep', 'cancelSweep', 'deleteSweep'])
  })

  it("says how the back end applied the spec (a subsample capped to a smaller training set) instead of keeping it quiet", async () => {
    const note = 'mnist has 8,000 training images, fewer than the 10,000 asked for: its runs train on all 8,000 (mnist:8000:s0)'
    install(fakeClient({ queueSweep: () => ({ ...sweepRow({ id: 4, status: 'queued' }), notes: [note] }) }))
    await useSweepsStore().queue({ ...(await import('../../src/shared/sweep-spec')).PRESETS.paper, datasets: ['mnist'] })
    expect(useNoticesStore().notices.map((n) => n.text)).toEqual([`Sweep 4: ${note}`])
  })

  it('keeps a sweep row an event replaced while an older list was on its way', async () => {
    let answer: (rows: ReturnType<typeof sweepRow>[]) => void = () => {}
    install(fakeClient({ listSweeps: () => new Promise((resolve) => (answer = resolve)) }))
    const sweeps = useSweepsStore()
    sweeps.connect()
    client.emit({ type: 'sweep-changed', sweep: sweepRow({ id: 5, status: 'done' }) })
    answer([sweepRow({ id: 5, status: 'running' }), sweepRow({ id: 4, status: 'queued' })])
    await flushPromises()
    sweeps.disconnect()
    expect(sweeps.sweeps.map((s) => [s.id, s.status])).toEqual([
      [5, 'done'],
      [4, 'queued']
    ])
  })

  it('applies presets to the draft', () => {
    const drafts = useSweepDraftStore()
    drafts.applyPreset('original-code')
    expect(drafts.draft).toMatchObject({ penalty: 'l2', subsampleAll: true, repeats: 5 })
  })
})

describe('runs store', () => {
  it('turns filters, sort and page into one listRuns query, waiting for typing to pause', async () => {
    vi.useFakeTimers()
    install(fakeClient({ listRuns: (q) => ({ total: 230, runs: [runSummary(1), runSummary(2)].slice(0, q.limit ?? 100) }) }))
    const runs = useRunsStore()
    runs.filters.search = 'mni'
    runs.filters.search = 'mnist'
    runs.filters.lambdaMin = 0.01
    runs.filters.statuses = ['done']
    runs.filters.finalAlphaMax = 0.05
    await vi.advanceTimersByTimeAsync(100)
    expect(client.callsTo('listRuns')).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(300)
    expect(client.callsTo('listRuns')).toEqual([
      [{ orderBy: 'id', descending: true, status: ['done'], lambdaMin: 0.01, finalAlphaMax: 0.05, search: 'mnist', limit: 50, offset: 0 }]
    ])
    expect(runs.total).toBe(230)
    expect(runs.pageCount).toBe(5)

    runs.page = 2
    await vi.advanceTimersByTimeAsync(0)
    expect(client.callsTo('listRuns').at(-1)?.[0]).toMatchObject({ offset: 100, limit: 50 })

    runs.sortBy('lambda')
    await vi.advanceTimersByTimeAsync(0)
    expect(client.callsTo('listRuns').at(-1)?.[0]).toMatchObject({ orderBy: 'lambda', descending: false, offset: 0 })
    runs.sortBy('lambda')
    await vi.advanceTimersByTimeAsync(0)
    expect(client.callsTo('listRuns').at(-1)?.[0]).toMatchObject({ orderBy: 'lambda', descending: true })
  })

  it('ignores a slow response that a newer request overtook', async () => {
    const resolvers: ((v: { total: number; runs: ReturnType<typeof runSummary>[] }) => void)[] = []
    install(fakeClient({ listRuns: () => new Promise((r) => resolvers.push(r)) }))
    const runs = useRunsStore()
    const first = runs.fetch()
    const second = runs.fetch()
    resolvers[1]({ total: 1, runs: [runSummary(2)] })
    resolvers[0]({ total: 1, runs: [runSummary(1)] })
    await Promise.all([first, second])
    expect(runs.rows.map((r) => r.id)).toEqual([2])
  })

  it('selects up to 12 runs in the order they were picked', () => {
    const runs = useRunsStore()
    for (let id = 20; id > 0; id--) runs.toggle(id)
    expect(runs.selected).toHaveLength(MAX_COMPARE)
    expect(runs.selected.slice(0, 3)).toEqual([20, 19, 18])
    runs.toggle(19)
    expect(runs.selected).not.toContain(19)
    runs.clearSelection()
    expect(runs.selected).toEqual([])
  })

  it('pages through every matching run for the CSV export', async () => {
    install(
      fakeClient({
        listRuns: (q) => {
          const total = 2500
          const start = q.offset ?? 0
          const n = Math.max(0, Math.min(q.limit ?? 100, total - start))
          return { total, runs: Array.from({ length: n }, (_, i) => runSummary(start + i + 1)) }
        }
      })
    )
    const runs = useRunsStore()
    const all = await runs.fetchAllMatching()
    expect(all).toHaveLength(2500)
    expect(client.callsTo('listRuns').map(([q]) => (q as { offset: number }).offset)).toEqual([0, 1000, 2000])
  })
})

describe('stats store', () => {
  it('fetches all four result sets, and only the collapse table and the (threshold-aligned) histograms when the threshold moves', async () => {
    vi.useFakeTimers()
    const stats = useStatsStore()
    await stats.fetchAll()
    expect(client.calls.map((c) => c.method).sort()).toEqual(['getCollapseStats', 'getFinalAlphaPoints', 'getHistograms', 'getInitFinalPairs'])
    expect(client.callsTo('getHistograms')).toEqual([[{ threshold: 0.05, bins: 10 }]])

    client.calls.length = 0
    stats.threshold = 0.1
    await vi.advanceTimersByTimeAsync(20)
    stats.threshold = 0.2
    await vi.advanceTimersByTimeAsync(200)
    expect(client.calls.map((c) => c.method)).toEqual(['getCollapseStats', 'getHistograms'])
    expect(client.callsTo('getCollapseStats')).toEqual([[{ threshold: 0.2 }]])
    expect(client.callsTo('getHistograms')).toEqual([[{ threshold: 0.2, bins: 10 }]])

    client.calls.length = 0
    stats.datasets = ['mnist:1000:s0']
    stats.sweepIds = [4, 6]
    await vi.advanceTimersByTimeAsync(0)
    expect(client.callsTo('getFinalAlphaPoints').at(-1)).toEqual([{ sweepIds: [4, 6], datasets: ['mnist:1000:s0'], threshold: 0.2 }])
    stats.pool = true
    await vi.advanceTimersByTimeAsync(0)
    expect(client.callsTo('getCollapseStats').at(-1)).toEqual([{ sweepIds: [4, 6], datasets: ['mnist:1000:s0'], threshold: 0.2, pool: true }])
  })
})

describe('comparison store', () => {
  const detail = (id: number, lambda: number): RunDetail => ({
    ...runSummary(id, { lambda }),
    notes: null,
    seeds: { weights: id, alpha: id, order: id, subsample: 0 },
    config: { ...PAPER_TRAIN_DEFAULTS, lambda, alphaInit: { kind: 'grid', grid: [0, 0.5] }, seeds: { weights: id, alpha: id, order: id, subsample: 0 } }
  })

  it('loads the runs and their histories, and separates differing settings from identical ones', async () => {
    install(
      fakeClient({
        getRun: (id) => detail(id, id === 1 ? 0 : 0.05),
        getAlphaHistory: (ids) => ids.map((runId) => ({ runId, steps: [0, 1], epochs: [0, 0], alphas: [[0.5, 0.4], [0.5, 0.5], [0.5, 0.6]], losses: [1, 1] }))
      })
    )
    const cmp = useComparisonStore()
    await cmp.load([1, 2])
    expect(client.callsTo('getAlphaHistory')).toEqual([[[1, 2], { maxPoints: 1000 }]])
    expect(cmp.alphaCount).toBe(3)
    expect(cmp.differing.map((d) => d.key)).toEqual(['lambda', 'seeds.weights', 'seeds.alpha', 'seeds.order'])
    expect(cmp.differing[0].values).toEqual(['0', '0.05'])
    expect(cmp.identical.map((d) => d.key)).toContain('conv 1')
    expect(cmp.identical.find((d) => d.key === 'penalty')?.values[0]).toBe('L1 (Σ|α|)')

    cmp.toggleAlpha(1)
    expect([0, 1, 2].map(cmp.isAlphaShown)).toEqual([true, false, true])
  })

  it('follows changes made elsewhere: a data-changed event reloads the runs on show', async () => {
    let accuracy = 0.5
    install(fakeClient({ getRun: (id) => ({ ...detail(id, 0), testAccuracy: accuracy }) }))
    vi.useFakeTimers()
    const cmp = useComparisonStore()
    cmp.connect()
    await cmp.load([1, 2])
    accuracy = 0.8
    client.emit({ type: 'data-changed', source: 'other-process' })
    await vi.advanceTimersByTimeAsync(500)
    expect(cmp.runs.map((r) => r.testAccuracy)).toEqual([0.8, 0.8])
    cmp.disconnect()
    expect(client.listenerCount()).toBe(0)
  })
})

describe('run detail store', () => {
  it('loads a run, reloads it while it trains, and re-runs it', async () => {
    vi.useFakeTimers()
    install(
      fakeClient({
        getRun: (id) => ({ ...runSummary(id, { status: 'running' }), seeds: null, config: null, notes: null }),
        getAlphaHistory: ([runId]) => [{ runId, steps: [0], epochs: [0], alphas: [[0.5], [0.5], [0.5]], losses: [null] }],
        getEpochMetrics: () => [],
        rerun: () => sweepRow({ id: 8 })
      })
    )
    const detail = useRunDetailStore()
    detail.connect()
    await detail.load(4)
    expect(detail.run?.id).toBe(4)
    expect(detail.history?.steps).toEqual([0])

    client.emit(progress(4, [1], [0.5, 0.5, 0.5]))
    client.emit(progress(4, [2], [0.5, 0.5, 0.5]))
    client.emit(progress(99, [2], [0.5, 0.5, 0.5]))
    await vi.advanceTimersByTimeAsync(1100)
    expect(client.callsTo('getRun')).toEqual([[4], [4]])

    expect((await detail.rerun())?.id).toBe(8)
    expect(client.callsTo('rerun')).toEqual([[4]])
    detail.disconnect()
  })

  it('shows the back end’s error for a missing run', async () => {
    install(
      fakeClient({
        getRun: () => {
          throw new Error('getRun: no run 404')
        },
        getEpochMetrics: () => []
      })
    )
    const detail = useRunDetailStore()
    await detail.load(404)
    expect(detail.error).toBe('getRun: no run 404')
    expect(detail.run).toBeNull()
  })
})

describe('views follow writes by another process within a second (issue 10, defect 4)', () => {
  /** A run renamed elsewhere (the CLI's run-edit): what each store shows after one data-changed and 600 ms. */
  let name = 'before'
  beforeEach(() => {
    name = 'before'
    vi.useFakeTimers()
    install(
      fakeClient({
        listRuns: () => ({ total: 1, runs: [runSummary(3, { name })] }),
        getRun: (id) => ({ ...runSummary(id, { name }), seeds: null, config: null, notes: null }),
        getEpochMetrics: () => []
      })
    )
  })
  const changed = async (): Promise<void> => {
    name = 'after'
    client.emit({ type: 'data-changed', source: 'other-process' })
    await vi.advanceTimersByTimeAsync(600)
  }

  it('the runs table', async () => {
    const runs = useRunsStore()
    runs.connect()
    await runs.fetch()
    expect(runs.rows.map((r) => r.name)).toEqual(['before'])
    await changed()
    expect(runs.rows.map((r) => r.name)).toEqual(['after'])
    runs.disconnect()
  })

  it('the run detail', async () => {
    const detail = useRunDetailStore()
    detail.connect()
    await detail.load(3)
    expect(detail.run?.name).toBe('before')
    await changed()
    expect(detail.run?.name).toBe('after')
    detail.disconnect()
  })

  it('the parallel coordinates', async () => {
    const parallel = useParallelRunsStore()
    parallel.connect()
    await vi.advanceTimersByTimeAsync(0)
    expect(parallel.runs.map((r) => r.name)).toEqual(['before'])
    await changed()
    expect(parallel.runs.map((r) => r.name)).toEqual(['after'])
    parallel.disconnect()
    expect(client.listenerCount()).toBe(0)
  })
})
