import { useDebounceFn } from '@vueuse/core'
import { defineStore } from 'pinia'
import { computed, ref, watch, type WatchStopHandle } from 'vue'
import type { RunSummary } from '@shared/results'
import { apiClient } from '../api/client'
import { latestRequest } from '../lib/latest'
import { useRunsStore } from './runs'
import { useFollowSoon } from '../lib/follow'

/** The parallel coordinates draw at most this many runs (the newest); more than that is said under the chart. */
export const PARALLEL_CAP = 2000
/** The API's largest page. */
const PAGE = 1000

/** The runs the parallel coordinates draw: every run the runs view's filters match (not its brush), up to PARALLEL_CAP. */
export const useParallelRunsStore = defineStore('parallel-runs', () => {
  const runs = ref<RunSummary[]>([])
  /** How many runs match the filters: more than runs.length when capped. */
  const total = ref(0)
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<string | null>(null)
  const capped = computed(() => total.value > runs.value.length)

  const latest = latestRequest({ loading, error })
  async function fetch(): Promise<void> {
    const base = { ...useRunsStore().chartQuery, orderBy: 'id' as const, descending: true }
    const api = apiClient()
    await latest.run(
      async () => {
        const first = await api.listRuns({ ...base, limit: PAGE, offset: 0 })
        if (first.total <= PAGE) return first
        const rest = await api.listRuns({ ...base, limit: Math.min(PAGE, PARALLEL_CAP - PAGE), offset: PAGE })
        return { total: first.total, runs: [...first.runs, ...rest.runs] }
      },
      (page) => {
        runs.value = page.runs
        total.value = page.total
        loaded.value = true
      }
    )
  }

  // Follows the filters after a typing pause, and new or finished runs at most every 2 s.
  const fetchSoon = useDebounceFn(() => void fetch(), 250)
  const refreshSoon = useDebounceFn(() => void fetch(), 2000, { maxWait: 2000 })
  /** Another process wrote (data-changed): follow within a second, like the runs table. */
  const followSoon = useFollowSoon(() => void fetch())
  let stopWatch: WatchStopHandle | null = null
  let unsubscribe: (() => void) | null = null
  /** While the chart is on screen. */
  function connect(): void {
    if (stopWatch) return
    const filters = useRunsStore()
    stopWatch = watch(
      () => JSON.stringify(filters.chartQuery),
      () => void fetchSoon()
    )
    unsubscribe = apiClient().onEvent((e) => {
      if (e.type === 'data-changed') void followSoon()
      else if (e.type === 'run-finished' || e.type === 'run-failed' || e.type === 'sweep-changed') void refreshSoon()
    })
    void fetch()
  }
  function disconnect(): void {
    stopWatch?.()
    stopWatch = null
    unsubscribe?.()
    unsubscribe = null
    fetchSoon.cancel()
    refreshSoon.cancel()
    followSoon.cancel()
  }

  return { runs, total, loading, loaded, error, capped, fetch, connect, disconnect }
})
