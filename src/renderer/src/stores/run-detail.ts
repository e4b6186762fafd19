import { useDebounceFn } from '@vueuse/core'
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AlphaSeries, EpochMetrics, RunDetail, SweepRow } from '@shared/results'
import type { RunEdit } from '@shared/run-labels'
import { apiClient } from '../api/client'
import { errorMessage } from '../lib/format'
import { latestRequest } from '../lib/latest'
import { useNoticesStore } from './notices'
import { useFollowSoon } from '../lib/follow'

const HISTORY_POINTS = 2000

/** One run opened in detail: its summary, config, α and loss history, and per-epoch metrics; live while it trains. */
export const useRunDetailStore = defineStore('runDetail', () => {
  const notices = useNoticesStore()
  const runId = ref<number | null>(null)
  const run = ref<RunDetail | null>(null)
  const history = ref<AlphaSeries | null>(null)
  const metrics = ref<EpochMetrics[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)

  const latest = latestRequest({ loading, error })
  async function load(id: number): Promise<void> {
    runId.value = id
    const api = apiClient()
    await latest.run(
      () => Promise.all([api.getRun(id), api.getAlphaHistory([id], { maxPoints: HISTORY_POINTS }), api.getEpochMetrics(id)]),
      ([r, h, m]) => {
        run.value = r
        history.value = h[0] ?? null
        metrics.value = m
      },
      () => {
        run.value = null
        history.value = null
        metrics.value = []
      }
    )
  }

  const reloadOpen = (): void => {
    if (runId.value !== null) void load(runId.value)
  }
  /** While the run trains, reload at most once a second (the history is downsampled server-side). */
  const reloadSoon = useDebounceFn(reloadOpen, 1000, { maxWait: 1000 })
  /** Another process wrote (data-changed: a rename, a tag, a delete, its training elsewhere): follow within a second. */
  const followSoon = useFollowSoon(reloadOpen)

  let unsubscribe: (() => void) | null = null
  function connect(): void {
    if (unsubscribe) return
    unsubscribe = apiClient().onEvent((e) => {
      if (e.type === 'data-changed') void followSoon()
      if (e.type === 'sweep-changed' || e.type === 'queue-changed' || e.type === 'data-changed') return
      if (e.runId === runId.value) void reloadSoon()
    })
  }
  function disconnect(): void {
    unsubscribe?.()
    unsubscribe = null
    reloadSoon.cancel()
    followSoon.cancel()
  }

  async function rerun(): Promise<SweepRow | undefined> {
    const id = runId.value
    if (id === null) return undefined
    return notices.attempt(`Re-running run ${id}`, () => apiClient().rerun(id))
  }

  async function cancel(): Promise<void> {
    const id = runId.value
    if (id === null) return
    await notices.attempt(`Cancelling run ${id}`, () => apiClient().cancelRun(id))
    await load(id)
  }

  /** Saves a name, tags or notes; resolves to the error to show next to the field, or null once stored. */
  async function edit(patch: RunEdit): Promise<string | null> {
    const id = runId.value
    if (id === null) return 'no run is open'
    try {
      const updated = await apiClient().editRun(id, patch)
      if (runId.value === id) run.value = updated
      return null
    } catch (err) {
      return errorMessage(err)
    }
  }

  /** Back to the queue (failed or cancelled runs), from its checkpoint if it has one. */
  async function retry(): Promise<void> {
    const id = runId.value
    if (id === null) return
    const updated = await notices.attempt(`Retrying run ${id}`, () => apiClient().retryRun(id))
    if (updated && runId.value === id) run.value = updated
  }

  /** Deletes the open run; resolves to whether it was deleted. */
  async function remove(): Promise<boolean> {
    const id = runId.value
    if (id === null) return false
    const ok = await notices.attempt(`Deleting run ${id}`, async () => {
      await apiClient().deleteRun(id)
      return true
    })
    if (ok && runId.value === id) {
      // Nothing left to follow: a data-changed must not reload a run that is gone.
      runId.value = null
      run.value = null
      history.value = null
      metrics.value = []
    }
    return ok === true
  }

  return { runId, run, history, metrics, loading, error, load, connect, disconnect, rerun, cancel, edit, retry, remove }
})
