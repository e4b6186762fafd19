import { useDebounceFn } from '@vueuse/core'
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { CsvImportSummary, ExportedFile, WorkbenchEvent } from '@shared/api'
import type { SweepSpec } from '@shared/sweep-spec'
import type { SweepRow } from '@shared/results'
import { apiClient } from '../api/client'
import { errorMessage } from '../lib/format'
import { useLiveRunsStore } from './live-runs'
import { useNoticesStore } from './notices'
import { useStatusStore } from './status'
import { useFollowSoon } from '../lib/follow'

const ETA_WINDOW_MS = 60_000
const REFRESH_MS = 1000

const ACTIVE: readonly SweepRow['status'][] = ['queued', 'running', 'paused']
const ACTIVE_STATUSES = new Set<SweepRow['status']>(ACTIVE)

/** The sweep list: its rows kept current from events, its controls, and each sweep's ETA. */
export const useSweepsStore = defineStore('sweeps', () => {
  const notices = useNoticesStore()
  const statusStore = useStatusStore()
  const liveRuns = useLiveRunsStore()

  const sweeps = ref<SweepRow[]>([])
  const loaded = ref(false)

  /** stepsDone samples per sweep, for a measured ETA. */
  const samples = new Map<number, { t: number; done: number }[]>()

  const activeSweeps = computed(() => sweeps.value.filter((s) => ACTIVE.includes(s.status)))
  const pastSweeps = computed(() => sweeps.value.filter((s) => !ACTIVE.includes(s.status)))

  function sample(row: SweepRow): void {
    const now = Date.now()
    const list = samples.get(row.id) ?? []
    list.push({ t: now, done: row.progress.stepsDone })
    while (list.length > 2 && now - list[0].t > ETA_WINDOW_MS) list.shift()
    samples.set(row.id, list)
  }

  /**
   * A sweep seen going (queued/running) that is now over: say so in the app,
   * and with a system notification when the page is hidden and the user allowed them.
   */
  function announceIfFinished(before: SweepRow | undefined, row: SweepRow): void {
    // Done or failed only: a cancel is the user's own doing.
    if (!before || !ACTIVE_STATUSES.has(before.status) || (row.status !== 'done' && row.status !== 'failed')) return
    const p = row.progress
    const text = `Sweep “${row.name}” (#${row.id}) ${row.status}: ${p.done} of ${p.total} runs done${p.failed ? `, ${p.failed} failed` : ''}${p.cancelled ? `, ${p.cancelled} cancelled` : ''}`
    notices.push(row.status === 'failed' ? 'error' : 'info', text)
    const N = typeof Notification === 'undefined' ? null : Notification
    if (N && N.permission === 'granted' && document.visibilityState === 'hidden') new N('α-Workbench', { body: text, tag: `sweep-${row.id}` })
  }

  /** When each sweep's row was last replaced by an event or a control's answer (a counter, not a clock). */
  let changes = 0
  const changedAt = new Map<number, number>()

  function upsert(row: SweepRow): void {
    changedAt.set(row.id, ++changes)
    sample(row)
    announceIfFinished(sweeps.value.find((s) => s.id === row.id), row)
    const i = sweeps.value.findIndex((s) => s.id === row.id)
    if (i === -1) sweeps.value = [row, ...sweeps.value].sort((a, b) => b.id - a.id)
    else sweeps.value = sweeps.value.map((s) => (s.id === row.id ? row : s))
  }

  async function refresh(): Promise<void> {
    const started = changes
    const answer = await notices.attempt('Loading sweeps', () => apiClient().listSweeps())
    if (!answer) return
    const before = new Map(sweeps.value.map((s) => [s.id, s]))
    // A row an event replaced while this list was on its way is newer than the list's: keep it.
    const rows = answer.map((r) => ((changedAt.get(r.id) ?? 0) > started ? (before.get(r.id) ?? r) : r))
    for (const r of rows) {
      sample(r)
      announceIfFinished(before.get(r.id), r)
    }
    sweeps.value = [...rows].sort((a, b) => b.id - a.id)
    loaded.value = true
  }

  // Trailing-edge throttle: a burst of run events becomes one reload a second later.
  const refreshSoon = useDebounceFn(() => void refresh(), REFRESH_MS, { maxWait: REFRESH_MS })
  /** Another process wrote (data-changed): follow within a second. */
  const followSoon = useFollowSoon(() => void refresh())

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

  function handle(e: WorkbenchEvent): void {
    if (e.type === 'sweep-changed') upsert(e.sweep)
    else if (e.type === 'data-changed') void followSoon()
    else if (e.type === 'run-started' || e.type === 'run-progress' || e.type === 'run-finished' || e.type === 'run-failed') void refreshSoon()
  }

  let unsubscribe: (() => void) | null = null
  function connect(): void {
    if (unsubscribe) return
    unsubscribe = apiClient().onEvent(handle)
    void refresh()
  }
  function disconnect(): void {
    unsubscribe?.()
    unsubscribe = null
    refreshSoon.cancel()
    followSoon.cancel()
  }

  async function queue(spec: SweepSpec): Promise<SweepRow | undefined> {
    // Queueing is a click: the one moment a browser lets the page ask for notifications (sweep finished).
    if (typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission().catch(() => undefined)
    const row = await notices.attempt('Queueing the sweep', () => apiClient().queueSweep(spec))
    if (row) upsert(row)
    // How the spec was applied (a subsample capped to a smaller training set): said, never silent.
    for (const note of row?.notes ?? []) notices.push('info', `Sweep ${row?.id}: ${note}`)
    return row
  }

  async function control(action: 'pauseSweep' | 'resumeSweep' | 'cancelSweep', id: number): Promise<void> {
    const verb = { pauseSweep: 'Pausing', resumeSweep: 'Resuming', cancelSweep: 'Cancelling' }[action]
    const row = await notices.attempt(`${verb} sweep ${id}`, () => apiClient()[action](id))
    if (row) upsert(row)
  }

  /** Renames a sweep; resolves to the error to show next to the field, or null once stored. */
  async function rename(id: number, name: string): Promise<string | null> {
    try {
      upsert(await apiClient().renameSweep(id, name))
      return null
    } catch (err) {
      return errorMessage(err)
    }
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
    if (ok) liveRuns.markStopped((r) => r.runId === runId)
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

  async function exportSweep(id: number, format: 'csv' | 'json'): Promise<ExportedFile[] | undefined> {
    return notices.attempt(`Exporting sweep ${id}`, () => apiClient().exportSweep(id, format))
  }

  function byId(id: number): SweepRow | undefined {
    return sweeps.value.find((s) => s.id === id)
  }

  return {
    sweeps,
    loaded,
    activeSweeps,
    pastSweeps,
    etaMs,
    byId,
    refresh,
    connect,
    disconnect,
    queue,
    pause: (id: number) => control('pauseSweep', id),
    resume: (id: number) => control('resumeSweep', id),
    cancel: (id: number) => control('cancelSweep', id),
    rename,
    remove,
    cancelRun,
    importCsv,
    exportSweep
  }
})
