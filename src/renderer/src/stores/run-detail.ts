import { useDebounceFn } from '@vueuse/core'
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AlphaSeries, EpochMetrics, RunDetail, SweepRow } from '@shared/results'
import { apiClient } from '../api/client'
import { latestRequest } from '../lib/latest'
import { useNoticesStore } from './notices'

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

  /** While the run trains, reload at most once a second (the history is downsampled server-side). */
  const reloadSoon = useDebounceFn(
    () => {
      if (runId.value !== null) void load(runId.value)
    },
    1000,
    { maxWait: 1000 }
  )

  let unsubscribe: (() => void) | null = null
  function connect(): void {
    if (unsubscribe) return
    unsubscribe = apiClient().onEvent((e) => {
      if (e.type === 'data-changed') void reloadSoon()
      if (e.type === 'sweep-changed' || e.type === 'queue-changed' || e.type === 'data-changed') return
      if (e.runId === runId.value) void reloadSoon()
    })
  }
  function disconnect(): void {
    unsubscribe?.()
    unsubscribe = null
    reloadSoon.cancel()
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

  return { runId, run, history, metrics, loading, error, load, connect, disconnect, rerun, cancel }
})
