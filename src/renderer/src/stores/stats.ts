import { useDebounceFn } from '@vueuse/core'
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { AnalysisQuery } from '@shared/api'
import type { AlphaHistogram, AlphaInitFinalPair, AlphaPoint, CollapseRow } from '@shared/results'
import { apiClient } from '../api/client'
import { latestRequest } from '../lib/latest'
import { statsFromParams, statsToParams, STATS_TYPED_PARAMS, type StatsViewState } from '../lib/stats-url'
import { bindUrl } from '../lib/url-state'

/** The study's collapse threshold: an α collapses when its final value is ≤ 0.05. */
import { COLLAPSE_THRESHOLD as DEFAULT_THRESHOLD } from '@shared/constants'
import { useFollowSoon } from '../lib/follow'

/** The label of pooled rows (src/main/analysis/collapse.ts). */
const POOLED = 'pooled'

export { DEFAULT_THRESHOLD }

/** Collapse statistics (the study's Figures 1–4): filters, threshold and the four result sets. */
export const useStatsStore = defineStore('stats', () => {
  const datasets = ref<string[]>([])
  /** The sweeps whose runs are analysed (none = every sweep). */
  const sweepIds = ref<number[]>([])
  /** "Pool repeats": every table and figure also shows the selected datasets pooled into one. */
  const pool = ref(false)
  const threshold = ref(DEFAULT_THRESHOLD)
  /** The threshold the shown collapse table and figures were computed with: labels use it, so they always match the data. */
  const shownThreshold = ref(DEFAULT_THRESHOLD)
  const bins = ref(10)

  const collapse = ref<CollapseRow[]>([])
  const histograms = ref<AlphaHistogram[]>([])
  const points = ref<AlphaPoint[]>([])
  const pairs = ref<AlphaInitFinalPair[]>([])
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<string | null>(null)

  const query = computed<AnalysisQuery>(() => ({
    ...(sweepIds.value.length ? { sweepIds: [...sweepIds.value] } : {}),
    ...(datasets.value.length ? { datasets: [...datasets.value] } : {}),
    threshold: threshold.value,
    ...(pool.value ? { pool: true } : {})
  }))
  /** Runs the shown tables left out as repeats of a config already counted (two sweeps with one seed, a re-run). */
  const repeats = computed(() => collapse.value.filter((r) => r.dataset !== POOLED).reduce((n, r) => n + r.repeats, 0))
  /** Ticked datasets with no finished run in the chosen sweeps: said, never silently missing from the figures. */
  const missingDatasets = computed(() => (loaded.value ? datasets.value.filter((d) => !collapse.value.some((r) => r.dataset === d)) : []))
  const shownDatasets = computed(() => [...new Set(collapse.value.map((r) => r.dataset))])
  const alphaCount = computed(() => Math.max(0, ...collapse.value.map((r) => r.per_alpha.length)))

  const latestCollapse = latestRequest({ error })
  async function fetchCollapse(): Promise<void> {
    // Figure 3's dark bar is "≤ threshold": its bins move with the threshold too.
    const q = query.value
    await latestCollapse.run(
      () => Promise.all([apiClient().getCollapseStats(q), apiClient().getHistograms({ ...q, bins: bins.value })]),
      ([rows, h]) => {
        collapse.value = rows
        histograms.value = h
        shownThreshold.value = q.threshold ?? DEFAULT_THRESHOLD
      }
    )
  }

  const latestAll = latestRequest({ loading, error })
  async function fetchAll(): Promise<void> {
    // The full fetch carries the collapse table too: a threshold-only fetch in flight is stale.
    latestCollapse.invalidate()
    const api = apiClient()
    const q = query.value
    await latestAll.run(
      () => Promise.all([api.getCollapseStats(q), api.getHistograms({ ...q, bins: bins.value }), api.getFinalAlphaPoints(q), api.getInitFinalPairs(q)]),
      ([c, h, p, ip]) => {
        collapse.value = c
        histograms.value = h
        points.value = p
        pairs.value = ip
        shownThreshold.value = q.threshold ?? DEFAULT_THRESHOLD
        loaded.value = true
      }
    )
  }

  // Dragging the threshold slider refetches only the collapse table, a few times a second at most.
  const collapseSoon = useDebounceFn(() => void fetchCollapse(), 120)
  watch(threshold, () => void collapseSoon())
  watch([datasets, sweepIds, bins, pool], () => void fetchAll(), { deep: true })

  const refreshSoon = useDebounceFn(() => void fetchAll(), 3000, { maxWait: 3000 })
  /** Runs imported, deleted or finished by another process: follow within a second. */
  const followSoon = useFollowSoon(() => void fetchAll())
  /** What the URL carries (lib/stats-url.ts); "pool repeats" belongs to the fits store. */
  function viewState(): StatsViewState {
    return { sweeps: sweepIds.value, datasets: datasets.value, threshold: threshold.value, pool: pool.value, bins: bins.value }
  }
  function restoreView(v: StatsViewState): void {
    if (v.sweeps.join(',') !== sweepIds.value.join(',')) sweepIds.value = v.sweeps
    if (v.datasets.join('\n') !== datasets.value.join('\n')) datasets.value = v.datasets
    threshold.value = v.threshold
    bins.value = v.bins
    pool.value = v.pool
  }

  let unsubscribe: (() => void) | null = null
  let unbindUrl: (() => void) | null = null
  function connect(): void {
    if (unsubscribe) return
    unbindUrl = bindUrl({ route: 'stats', write: () => statsToParams(viewState()), read: (p) => restoreView(statsFromParams(p)), typed: STATS_TYPED_PARAMS })
    unsubscribe = apiClient().onEvent((e) => {
      if (e.type === 'run-finished') void refreshSoon()
      else if (e.type === 'data-changed') void followSoon()
    })
  }
  function disconnect(): void {
    unsubscribe?.()
    unsubscribe = null
    unbindUrl?.()
    unbindUrl = null
    refreshSoon.cancel()
    followSoon.cancel()
    collapseSoon.cancel()
  }

  return {
    datasets,
    sweepIds,
    pool,
    repeats,
    missingDatasets,
    threshold,
    shownThreshold,
    bins,
    collapse,
    histograms,
    points,
    pairs,
    loading,
    loaded,
    error,
    query,
    shownDatasets,
    alphaCount,
    fetchAll,
    fetchCollapse,
    connect,
    disconnect
  }
})
