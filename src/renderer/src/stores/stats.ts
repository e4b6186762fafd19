import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { StatsQuery } from '../../../shared/api'
import type { AlphaHistogram, AlphaInitFinalPair, AlphaPoint, CollapseRow } from '../../../shared/results'
import { apiClient } from '../api/client'
import { errorMessage } from '../lib/format'
import { debounce, throttle } from '../lib/throttle'

/** The study's collapse threshold: an α collapses when its final value is ≤ 0.05. */
export const DEFAULT_THRESHOLD = 0.05

/** Collapse statistics (the study's Figures 1–4): filters, threshold and the four result sets. */
export const useStatsStore = defineStore('stats', () => {
  const datasets = ref<string[]>([])
  const sweepId = ref<number | null>(null)
  const threshold = ref(DEFAULT_THRESHOLD)
  const bins = ref(10)

  const collapse = ref<CollapseRow[]>([])
  const histograms = ref<AlphaHistogram[]>([])
  const points = ref<AlphaPoint[]>([])
  const pairs = ref<AlphaInitFinalPair[]>([])
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<string | null>(null)

  const query = computed<StatsQuery>(() => ({
    ...(sweepId.value !== null ? { sweepId: sweepId.value } : {}),
    ...(datasets.value.length ? { datasets: [...datasets.value] } : {}),
    threshold: threshold.value
  }))
  const shownDatasets = computed(() => [...new Set(collapse.value.map((r) => r.dataset))])
  const alphaCount = computed(() => Math.max(0, ...collapse.value.map((r) => r.per_alpha.length)))

  let collapseSeq = 0
  async function fetchCollapse(): Promise<void> {
    const mine = ++collapseSeq
    try {
      const rows = await apiClient().getCollapseStats(query.value)
      if (mine === collapseSeq) {
        collapse.value = rows
        error.value = null
      }
    } catch (err) {
      if (mine === collapseSeq) error.value = errorMessage(err)
    }
  }

  let allSeq = 0
  async function fetchAll(): Promise<void> {
    const mine = ++allSeq
    ++collapseSeq
    loading.value = true
    try {
      const api = apiClient()
      const q = query.value
      const [c, h, p, ip] = await Promise.all([api.getCollapseStats(q), api.getHistograms({ ...q, bins: bins.value }), api.getFinalAlphaPoints(q), api.getInitFinalPairs(q)])
      if (mine !== allSeq) return
      collapse.value = c
      histograms.value = h
      points.value = p
      pairs.value = ip
      error.value = null
      loaded.value = true
    } catch (err) {
      if (mine === allSeq) error.value = errorMessage(err)
    } finally {
      if (mine === allSeq) loading.value = false
    }
  }

  // Dragging the threshold slider refetches only the collapse table, a few times a second at most.
  const collapseSoon = debounce(() => void fetchCollapse(), 120)
  watch(threshold, () => collapseSoon())
  watch([datasets, sweepId, bins], () => void fetchAll(), { deep: true })

  const refreshSoon = throttle(() => void fetchAll(), 3000)
  let unsubscribe: (() => void) | null = null
  function connect(): void {
    if (unsubscribe) return
    unsubscribe = apiClient().onEvent((e) => {
      if (e.type === 'run-finished') refreshSoon()
    })
  }
  function disconnect(): void {
    unsubscribe?.()
    unsubscribe = null
    refreshSoon.cancel()
    collapseSoon.cancel()
  }

  return {
    datasets,
    sweepId,
    threshold,
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
