import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import type { CsvImportSummary, WorkbenchEvent } from '../../../shared/api'
import type { PresetName, SweepSpec } from '../../../shared/sweep-spec'
import type { SweepRow } from '../../../shared/results'
import { apiClient } from '../api/client'
import { presetForm, type SweepForm } from '../lib/spec-form'
import { throttle } from '../lib/throttle'
import { useNoticesStore } from './notices'
import { useStatusStore } from './status'

/** A run training now (or just finished), fed by live events. */
export interface LiveRun {
  runId: number
  sweepId: number
  /** 'stopped': cancelled, or its sweep paused or cancelled while it trained. */
  status: 'running' | 'done' | 'failed' | 'stopped'
  engine: string | null
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
const ETA_WINDOW_MS = 60_000

const ACTIVE: readonly SweepRow['status'][] = ['queued', 'running', 'paused']

function halve(values: number[]): number[] {
  const last = values[values.length - 1]
  const kept = values.filter((_, k) => k % 2 === 0)
  if (kept[kept.length - 1] !== last) kept.push(last)
  return kept
}

/** Sweeps and the queue: the list, its controls, live progress of running runs, and the form's draft. */
export const useSweepsStore = defineStore('sweeps', () => {
  const notices = useNoticesStore()
  const statusStore = useStatusStore()

  const sweeps = ref<SweepRow[]>([])
  const loaded = ref(false)
  const draft = ref<SweepForm>(presetForm('paper'))

  const live = shallowRef(new Map<number, LiveRun>())
  /** Bumped on every (throttled) live redraw; charts read it to recompute. */
  const revision = ref(0)

  /** stepsDone samples per sweep, for a measured ETA. */
  const samples = new Map<number, { t: number; done: number }[]>()

  const activeSweeps = computed(() => sweeps.value.filter((s) => ACTIVE.includes(s.status)))
  const pastSweeps = computed(() => sweeps.value.filter((s) => !ACTIVE.includes(s.status)))
  const liveRuns = computed(() => {
    void revision.value
    return [...live.value.values()].sort((a, b) => (a.status === b.status ? a.runId - b.runId : a.status === 'running' ? -1 : 1))
  })

  function sample(row: SweepRow): void {
    const now = Date.now()
    const list = samples.get(row.id) ?? []
    list.push({ t: now, done: row.progress.stepsDone })
    while (list.length > 2 && now - list[0].t > ETA_WINDOW_MS) list.shift()
    samples.set(row.id, list)
  }

  function upsert(row: SweepRow): void {
    sample(row)
    const i = sweeps.value.findIndex((s) => s.id === row.id)
    if (i === -1) sweeps.value = [row, ...sweeps.value].sort((a, b) => b.id - a.id)
    else sweeps.value = sweeps.value.map((s) => (s.id === row.id ? row : s))
  }

  async function refresh(): Promise<void> {
    const rows = await notices.attempt('Loading sweeps', () => apiClient().listSweeps())
    if (!rows) return
    for (const r of rows) sample(r)
    sweeps.value = [...rows].sort((a, b) => b.id - a.id)
    loaded.value = true
  }

  const refreshSoon = throttle(() => void refresh(), 1000)
  const redraw = throttle(() => {
    triggerRef(live)
    revision.value++
  }, LIVE_REDRAW_MS)

  /**
   * Remaining time of a sweep: from its measured step rate over the last
   * minute when there is one, else from the back end's step time over its workers.
   */
  function etaMs(row: SweepRow): number | null {
    if (row.status !== 'running' && row.status !== 'queued') return null
    const remaining = row.progress.stepsPlanned - row.progress.stepsDone
    if (remaining <= 0) return 0
    const list = samples.get(row.id) ?? []
    if (list.length >= 2) {
      const first = list[0]
      const last = list[list.length - 1]
      const dt = last.t - first.t
      const rate = (last.done - first.done) / dt
      if (dt >= 3000 && rate > 0) return remaining / rate
    }
    const stepMs = statusStore.stepMs
    return stepMs === null ? null : (remaining * stepMs) / Math.max(1, statusStore.workers)
  }

  function pruneFinished(): void {
    const finished = [...live.value.values()].filter((r) => r.status !== 'running').sort((a, b) => b.updatedAt - a.updatedAt)
    for (const r of finished.slice(KEEP_FINISHED)) live.value.delete(r.runId)
  }

  function markStopped(which: (r: LiveRun) => boolean): void {
    let changed = false
    for (const r of live.value.values()) {
      if (r.status === 'running' && which(r)) {
        r.status = 'stopped'
        r.updatedAt = Date.now()
        changed = true
      }
    }
    if (changed) {
      pruneFinished()
      redraw()
    }
  }

  function ensureLive(runId: number, sweepId: number, nAlpha: number, totalSteps: number): LiveRun {
    let run = live.value.get(runId)
    if (!run) {
      run = {
        runId,
        sweepId,
        status: 'running',
        engine: null,
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
      live.value.set(runId, run)
    }
    return run
  }

  /** A run seen mid-way (page opened during a sweep): fetch what it recorded before we listened. */
  async function backfill(run: LiveRun): Promise<void> {
    const before = run.steps.length ? run.steps[0] : Number.POSITIVE_INFINITY
    const series = await apiClient()
      .getAlphaHistory([run.runId], { maxPoints: 500 })
      .catch(() => [])
    const s = series[0]
    if (!s) return
    const keep = s.steps.map((step, k) => (step < before ? k : -1)).filter((k) => k >= 0)
    run.steps = [...keep.map((k) => s.steps[k]), ...run.steps]
    run.nAlpha = Math.max(run.nAlpha, s.alphas.length)
    run.alphas = Array.from({ length: run.nAlpha }, (_, i) => [...keep.map((k) => s.alphas[i]?.[k] ?? Number.NaN), ...(run.alphas[i] ?? [])])
    redraw()
  }

  function appendProgress(e: Extract<WorkbenchEvent, { type: 'run-progress' }>): void {
    const known = live.value.has(e.runId)
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
    if (!known && e.steps.length && e.steps[0] > 0) void backfill(run)
    redraw()
  }

  function handle(e: WorkbenchEvent): void {
    switch (e.type) {
      case 'sweep-changed':
        upsert(e.sweep)
        // A run stopped by pause or cancel gets no event of its own; its sweep then reports fewer runs training.
        if (e.sweep.progress.running === 0) markStopped((r) => r.sweepId === e.sweep.id)
        break
      case 'run-started': {
        const run = ensureLive(e.runId, e.sweepId, 0, e.totalSteps)
        run.engine = `${e.engine}/${e.backend}`
        run.status = 'running'
        redraw()
        refreshSoon()
        break
      }
      case 'run-progress':
        appendProgress(e)
        refreshSoon()
        break
      case 'run-epoch': {
        const run = live.value.get(e.runId)
        if (run) {
          run.epoch = e.epoch
          run.testAccuracy = e.testAccuracy
          redraw()
        }
        break
      }
      case 'run-finished':
      case 'run-failed': {
        const run = live.value.get(e.runId)
        if (run) {
          run.status = e.type === 'run-finished' ? 'done' : 'failed'
          run.updatedAt = Date.now()
          if (e.type === 'run-finished') {
            run.finalAlpha = e.finalAlpha
            run.testAccuracy = e.testAccuracy
            run.step = run.totalSteps
          } else {
            run.error = e.error
          }
          pruneFinished()
          redraw()
        }
        refreshSoon()
        break
      }
      case 'queue-changed':
        break
    }
  }

  /** Runs already training when the UI connects, shown with their history so far. */
  async function loadRunning(): Promise<void> {
    const page = await apiClient()
      .listRuns({ status: ['running'], limit: 50 })
      .catch(() => null)
    if (!page) return
    for (const r of page.runs) {
      if (live.value.has(r.id)) continue
      const run = ensureLive(r.id, r.sweepId, r.alphaCount, r.stepsPlanned ?? 0)
      run.step = r.stepsDone
      run.engine = r.engine ? `${r.engine.engine}/${r.engine.backend}` : null
      void backfill(run)
    }
    redraw()
  }

  let unsubscribe: (() => void) | null = null
  function connect(): void {
    if (unsubscribe) return
    unsubscribe = apiClient().onEvent(handle)
    void refresh()
    void loadRunning()
  }
  function disconnect(): void {
    unsubscribe?.()
    unsubscribe = null
    refreshSoon.cancel()
    redraw.cancel()
  }

  async function queue(spec: SweepSpec): Promise<SweepRow | undefined> {
    const row = await notices.attempt('Queueing the sweep', () => apiClient().queueSweep(spec))
    if (row) upsert(row)
    return row
  }

  async function control(action: 'pauseSweep' | 'resumeSweep' | 'cancelSweep', id: number): Promise<void> {
    const verb = { pauseSweep: 'Pausing', resumeSweep: 'Resuming', cancelSweep: 'Cancelling' }[action]
    const row = await notices.attempt(`${verb} sweep ${id}`, () => apiClient()[action](id))
    if (row) upsert(row)
  }

  async function remove(id: number): Promise<void> {
    const ok = await notices.attempt(`Deleting sweep ${id}`, async () => {
      await apiClient().deleteSweep(id)
      return true
    })
    if (ok) sweeps.value = sweeps.value.filter((s) => s.id !== id)
  }

  async function cancelRun(runId: number): Promise<void> {
    const ok = await notices.attempt(`Cancelling run ${runId}`, async () => {
      await apiClient().cancelRun(runId)
      return true
    })
    if (ok) markStopped((r) => r.runId === runId)
  }

  async function importCsv(fileName: string, text: string): Promise<CsvImportSummary | undefined> {
    const summary = await notices.attempt(`Importing ${fileName}`, () => apiClient().importCsv({ fileName, text }))
    if (summary) {
      notices.push('info', `Imported ${summary.runs} runs as dataset “${summary.dataset}”${summary.skipped ? ` (${summary.skipped} rows skipped)` : ''}`)
      void refresh()
      void statusStore.refreshDatasets()
    }
    return summary
  }

  async function exportSweep(id: number, format: 'csv' | 'json'): Promise<{ fileName: string; mime: string; text: string }[] | undefined> {
    return notices.attempt(`Exporting sweep ${id}`, () => apiClient().exportSweep(id, format))
  }

  function applyPreset(name: PresetName): void {
    draft.value = presetForm(name)
  }

  function byId(id: number): SweepRow | undefined {
    return sweeps.value.find((s) => s.id === id)
  }

  return {
    sweeps,
    loaded,
    draft,
    revision,
    activeSweeps,
    pastSweeps,
    liveRuns,
    etaMs,
    byId,
    refresh,
    connect,
    disconnect,
    queue,
    pause: (id: number) => control('pauseSweep', id),
    resume: (id: number) => control('resumeSweep', id),
    cancel: (id: number) => control('cancelSweep', id),
    remove,
    cancelRun,
    importCsv,
    exportSweep,
    applyPreset
  }
})
