import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { AlphaSeries, RunDetail } from '@shared/results'
import { apiClient } from '../api/client'
import { diffConfigs, readableConfig } from '../lib/config-diff'
import { latestRequest } from '../lib/latest'
import { useFollowSoon } from '../lib/follow'

const HISTORY_POINTS = 1000

/**
 * What Compare diffs: the training config plus where and how the run trained.
 * An imported run records none of it (the study's CSV holds λ, the iteration
 * and α): its settings are left out, so they show as "not recorded" and do not
 * count as differences; only `source` says it was imported.
 */
export function comparableConfig(run: RunDetail): Record<string, unknown> {
  const seeds = run.seeds ?? run.config?.seeds
  return {
    source: run.imported ? 'imported from a CSV (no training config)' : 'trained here',
    ...(run.config ? readableConfig(run.config, false) : {}),
    // The dataset label (base, size, subsample seed) says more than the config's base name.
    dataset: run.dataset,
    lambda: run.lambda,
    ...(seeds ? { seeds } : {}),
    ...(run.engine ? { engine: `${run.engine.engine}/${run.engine.backend}` } : {})
  }
}

/** 2–12 runs side by side: details, α histories, which α_i are shown, and the config diff. */
export const useComparisonStore = defineStore('comparison', () => {
  const ids = ref<number[]>([])
  const runs = ref<RunDetail[]>([])
  const histories = ref<AlphaSeries[]>([])
  /** Hidden α indices (all shown by default). */
  const hiddenAlpha = ref<number[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)

  const alphaCount = computed(() => Math.max(0, ...runs.value.map((r) => r.alphaCount)))
  const diff = computed(() => diffConfigs(runs.value.map(comparableConfig)))
  const differing = computed(() => diff.value.filter((d) => d.differs))
  const identical = computed(() => diff.value.filter((d) => !d.differs && !d.partial))
  /** Settings some run (an imported one) does not record and the others agree on. */
  const unrecorded = computed(() => diff.value.filter((d) => !d.differs && d.partial))

  function historyOf(runId: number): AlphaSeries | undefined {
    return histories.value.find((h) => h.runId === runId)
  }

  function isAlphaShown(i: number): boolean {
    return !hiddenAlpha.value.includes(i)
  }

  function toggleAlpha(i: number): void {
    hiddenAlpha.value = isAlphaShown(i) ? [...hiddenAlpha.value, i] : hiddenAlpha.value.filter((x) => x !== i)
  }

  const latest = latestRequest({ loading, error })
  async function load(runIds: number[]): Promise<void> {
    ids.value = [...runIds]
    if (runIds.length === 0) {
      latest.invalidate()
      runs.value = []
      histories.value = []
      error.value = null
      return
    }
    const api = apiClient()
    await latest.run(
      () => Promise.all([Promise.all(runIds.map((id) => api.getRun(id))), api.getAlphaHistory(runIds, { maxPoints: HISTORY_POINTS })]),
      ([details, series]) => {
        runs.value = details
        histories.value = series
      }
    )
  }

  // Runs that finish, or change elsewhere (renamed, re-trained, deleted by another process): follow within a second.
  const reloadSoon = useFollowSoon(() => void load(ids.value))
  let unsubscribe: (() => void) | null = null
  function connect(): void {
    if (unsubscribe) return
    unsubscribe = apiClient().onEvent((e) => {
      if (ids.value.length === 0) return
      if (e.type === 'data-changed' || ((e.type === 'run-finished' || e.type === 'run-failed') && ids.value.includes(e.runId))) void reloadSoon()
    })
  }
  function disconnect(): void {
    unsubscribe?.()
    unsubscribe = null
    reloadSoon.cancel()
  }

  return { ids, runs, histories, hiddenAlpha, loading, error, alphaCount, diff, differing, identical, unrecorded, historyOf, isAlphaShown, toggleAlpha, load, connect, disconnect }
})
