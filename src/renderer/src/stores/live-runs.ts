import { useDebounceFn } from '@vueuse/core'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import type { WorkbenchEvent } from '@shared/api'
import { apiClient } from '../api/client'
import { useFollowSoon } from '../lib/follow'

/** A run training now (or just finished), fed by live events. */
export interface LiveRun {
  runId: number
  sweepId: number
  /** 'stopped': cancelled, or requeued (its sweep paused, the app quitting) while it trained. */
  status: 'running' | 'done' | 'failed' | 'stopped'
  engine: string | null
  /** λ and dataset of the run, when known (run-started, or the runs list). */
  lambda: number | null
  dataset: string | null
  step: number
  totalSteps: number
  nAlpha: number
  /** Recorded steps and alphas[i][k] = α_i at steps[k], decimated past MAX_LIVE_POINTS. */
  steps: number[]
  alphas: number[][]
  loss: number | null
  epoch: number | null
  testAccuracy: number | null
  finalAlpha: number[] | null
  error: string | null
  updatedAt: number
}

/** Live charts redraw at most this often, however fast progress events arrive. */
export const LIVE_REDRAW_MS = 200
const MAX_LIVE_POINTS = 2000
const KEEP_FINISHED = 6
const BACKFILL_POINTS = 500

function halve(values: number[]): number[] {
  const last = values[values.length - 1]
  const kept = values.filter((_, k) => k % 2 === 0)
  if (kept[kept.length - 1] !== last) kept.push(last)
  return kept
}

function newLiveRun(runId: number, sweepId: number, nAlpha: number, totalSteps: number): LiveRun {
  return {
    runId,
    sweepId,
    status: 'running',
    engine: null,
    lambda: null,
    dataset: null,
    step: 0,
    totalSteps,
    nAlpha,
    steps: [],
    alphas: Array.from({ length: nAlpha }, () => []),
    loss: null,
    epoch: null,
    testAccuracy: null,
    finalAlpha: null,
    error: null,
    updatedAt: Date.now()
  }
}

/**
 * The live-run reducer: every run training now (and the last few that ended),
 * with its α curves so far, built from run-* events. Charts redraw at most
 * every LIVE_REDRAW_MS.
 */
export const useLiveRunsStore = defineStore('liveRuns', () => {
  const live = shallowRef(new Map<number, LiveRun>())
  /** Bumped on every (throttled) live redraw; charts read it to recompute. */
  const revision = ref(0)
  /** Runs that trained again after stopping: their first progress backfills what came before. */
  const resumed = new Set<number>()

  const liveRuns = computed(() => {
    void revision.value
    return [...live.value.values()].sort((a, b) => (a.status === b.status ? a.runId - b.runId : a.status === 'running' ? -1 : 1))
  })

  // Trailing-edge throttle: the first change waits LIVE_REDRAW_MS, later ones fold into it.
  const redraw = useDebounceFn(
    () => {
      triggerRef(live)
      revision.value++
    },
    LIVE_REDRAW_MS,
    { maxWait: LIVE_REDRAW_MS }
  )

  function pruneFinished(): void {
    const finished = [...live.value.values()].filter((r) => r.status !== 'running').sort((a, b) => b.updatedAt - a.updatedAt)
    for (const r of finished.slice(KEEP_FINISHED)) live.value.delete(r.runId)
  }

  function ended(run: LiveRun, status: LiveRun['status']): void {
    run.status = status
    run.updatedAt = Date.now()
    pruneFinished()
    void redraw()
  }

  /** Marks the matching running runs stopped (a cancelled run, or every run of a sweep that no longer trains any). */
  function markStopped(which: (r: LiveRun) => boolean): void {
    for (const r of [...live.value.values()]) if (r.status === 'running' && which(r)) ended(r, 'stopped')
  }

  function ensureLive(runId: number, sweepId: number, nAlpha: number, totalSteps: number): LiveRun {
    let run = live.value.get(runId)
    if (!run) {
      run = newLiveRun(runId, sweepId, nAlpha, totalSteps)
      live.value.set(runId, run)
    }
    return run
  }

  /** A run seen mid-way (page opened during a sweep, a run resumed): fetch what it recorded before we listened. */
  async function backfill(run: LiveRun): Promise<void> {
    const before = run.steps.length ? run.steps[0] : Number.POSITIVE_INFINITY
    const series = await apiClient()
      .getAlphaHistory([run.runId], { maxPoints: BACKFILL_POINTS })
      .catch(() => [])
    const s = series[0]
    if (!s) return
    const keep = s.steps.map((step, k) => (step < before ? k : -1)).filter((k) => k >= 0)
    run.steps = [...keep.map((k) => s.steps[k]), ...run.steps]
    run.nAlpha = Math.max(run.nAlpha, s.alphas.length)
    run.alphas = Array.from({ length: run.nAlpha }, (_, i) => [...keep.map((k) => s.alphas[i]?.[k] ?? Number.NaN), ...(run.alphas[i] ?? [])])
    void redraw()
  }

  function appendProgress(e: Extract<WorkbenchEvent, { type: 'run-progress' }>): void {
    const seen = live.value.has(e.runId)
    const run = ensureLive(e.runId, e.sweepId, e.nAlpha, e.totalSteps)
    run.status = 'running'
    run.step = e.step
    run.totalSteps = e.totalSteps
    run.loss = e.loss
    run.updatedAt = Date.now()
    if (run.alphas.length < e.nAlpha) run.alphas.push(...Array.from({ length: e.nAlpha - run.alphas.length }, () => []))
    run.nAlpha = e.nAlpha
    e.steps.forEach((step, k) => {
      run.steps.push(step)
      for (let i = 0; i < e.nAlpha; i++) run.alphas[i].push(e.alphas[k * e.nAlpha + i])
    })
    if (run.steps.length > MAX_LIVE_POINTS) {
      run.steps = halve(run.steps)
      run.alphas = run.alphas.map(halve)
    }
    if ((!seen || resumed.delete(e.runId)) && e.steps.length && e.steps[0] > 0) void backfill(run)
    void redraw()
  }

  /** Applies one live event. */
  function handle(e: WorkbenchEvent): void {
    switch (e.type) {
      case 'sweep-changed':
        // A sweep that trains no run now has none running here either (a missed run-stopped, a reconnect).
        if (e.sweep.progress.running === 0) markStopped((r) => r.sweepId === e.sweep.id)
        break
      case 'run-started': {
        const old = live.value.get(e.runId)
        // A run that stopped and trains again (resumed): start its curves afresh, backfilled from the store.
        if (old && old.status !== 'running') {
          live.value.delete(e.runId)
          resumed.add(e.runId)
        }
        const run = ensureLive(e.runId, e.sweepId, 0, e.totalSteps)
        run.engine = `${e.engine}/${e.backend}`
        run.lambda = e.lambda ?? run.lambda
        run.dataset = e.dataset ?? run.dataset
        run.status = 'running'
        void redraw()
        break
      }
      case 'run-progress':
        appendProgress(e)
        break
      case 'run-epoch': {
        const run = live.value.get(e.runId)
        if (run) {
          run.epoch = e.epoch
          run.testAccuracy = e.testAccuracy
          void redraw()
        }
        break
      }
      case 'run-finished': {
        const run = live.value.get(e.runId)
        if (run) {
          run.finalAlpha = e.finalAlpha
          run.testAccuracy = e.testAccuracy
          run.step = run.totalSteps
          ended(run, 'done')
        }
        break
      }
      case 'run-failed': {
        const run = live.value.get(e.runId)
        if (run) {
          run.error = e.error
          ended(run, 'failed')
        }
        break
      }
      case 'run-stopped': {
        const run = live.value.get(e.runId)
        if (run && run.status === 'running') ended(run, 'stopped')
        break
      }
      case 'data-changed':
        // Runs another process started training (the CLI): show them too.
        void loadRunningSoon()
        break
      case 'queue-changed':
        break
    }
  }

  /**
   * Cards left "stopped" (paused, or stopped before a reconnect) whose run has
   * moved on elsewhere since (another process resumed and finished it): shown
   * as they are now, not as they were.
   */
  async function reconcileStopped(): Promise<void> {
    const stopped = [...live.value.values()].filter((r) => r.status === 'stopped')
    const details = await Promise.all(stopped.map((r) => apiClient().getRun(r.runId).catch(() => null)))
    stopped.forEach((run, i) => {
      const d = details[i]
      if (!d || run.status !== 'stopped') return
      if (d.status === 'done' || d.status === 'diverged') {
        run.finalAlpha = d.finalAlpha
        run.testAccuracy = d.testAccuracy
        run.step = d.stepsDone
        // Its curve now: everything the store holds (what came after the stop was never seen here).
        run.steps = []
        run.alphas = run.alphas.map(() => [])
        ended(run, 'done')
        void backfill(run)
      } else if (d.status === 'failed') {
        run.error = d.error
        ended(run, 'failed')
      } else if (d.status === 'running') {
        live.value.delete(run.runId)
      }
    })
  }

  /** Runs already training when the UI connects, shown with their history so far. */
  async function loadRunning(): Promise<void> {
    await reconcileStopped()
    const page = await apiClient()
      .listRuns({ status: ['running'], limit: 50 })
      .catch(() => null)
    if (!page) return
    for (const r of page.runs) {
      if (live.value.has(r.id)) continue
      const run = ensureLive(r.id, r.sweepId, r.alphaCount, r.stepsPlanned ?? 0)
      run.step = r.stepsDone
      run.lambda = r.lambda
      run.dataset = r.dataset
      run.engine = r.engine ? `${r.engine.engine}/${r.engine.backend}` : null
      void backfill(run)
    }
    void redraw()
  }

  const loadRunningSoon = useFollowSoon(() => void loadRunning())

  let unsubscribe: (() => void) | null = null
  function connect(): void {
    if (unsubscribe) return
    unsubscribe = apiClient().onEvent(handle)
    void loadRunning()
  }
  function disconnect(): void {
    unsubscribe?.()
    unsubscribe = null
    loadRunningSoon.cancel()
    redraw.cancel()
  }

  return { revision, liveRuns, handle, markStopped, connect, disconnect }
})
