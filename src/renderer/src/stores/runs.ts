import { useDebounceFn } from '@vueuse/core'
import { defineStore } from 'pinia'
import { computed, reactive, ref, watch } from 'vue'
import type { RunListQuery } from '@shared/api'
import type { RunSummary } from '@shared/results'
import { apiClient } from '../api/client'
import { latestRequest } from '../lib/latest'
import { brushedQuery, emptyBrush, isBrushed, type NumericAxis, type Range, type RunBrush } from '../lib/run-brush'
import { runsFromParams, runsToParams, RUNS_TYPED_PARAMS, type RunFilters, type RunsViewState } from '../lib/runs-url'
import { bindUrl } from '../lib/url-state'
import { useNoticesStore } from './notices'
import type { NumInput } from '../lib/spec-form'
import { useFollowSoon } from '../lib/follow'

export type RunSortField = NonNullable<RunListQuery['orderBy']>

export type { RunFilters }

/** Compare takes 2–12 runs. */
export const MAX_COMPARE = 12
export const PAGE_SIZES = [25, 50, 100, 250] as const
const EXPORT_PAGE = 1000

function emptyFilters(): RunFilters {
  return { sweepId: null, datasets: [], statuses: [], lambdaMin: '', lambdaMax: '', finalAlphaMin: '', finalAlphaMax: '', search: '', tags: [] }
}

const numOrUndefined = (v: NumInput): number | undefined => (v === '' || !Number.isFinite(v) ? undefined : v)

/** The runs table: server-side filtering, sorting and paging, and the selection that feeds Compare. */
export const useRunsStore = defineStore('runs', () => {
  const filters = reactive<RunFilters>(emptyFilters())
  /** The parallel-coordinates brush: narrows the table, not the chart (which shows every run the filters match). */
  const brush = reactive<RunBrush>(emptyBrush())
  const orderBy = ref<RunSortField>('id')
  const descending = ref(true)
  const pageSize = ref<number>(50)
  const page = ref(0)

  const rows = ref<RunSummary[]>([])
  const total = ref(0)
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<string | null>(null)
  /** Selected run ids in the order they were picked (Compare keeps that order). */
  const selected = ref<number[]>([])

  const pageCount = computed(() => Math.max(1, Math.ceil(total.value / pageSize.value)))
  const filtered = computed(() => {
    const f = filters
    return isBrushed(brush) || f.sweepId !== null || f.datasets.length > 0 || f.statuses.length > 0 || f.tags.length > 0 || f.search.trim() !== '' || [f.lambdaMin, f.lambdaMax, f.finalAlphaMin, f.finalAlphaMax].some((v) => v !== '')
  })

  function filterQuery(): RunListQuery {
    const f = filters
    const q: RunListQuery = {}
    if (f.sweepId !== null) q.sweepId = f.sweepId
    if (f.datasets.length) q.datasets = [...f.datasets]
    if (f.statuses.length) q.status = [...f.statuses]
    if (f.tags.length) q.tags = [...f.tags]
    const lMin = numOrUndefined(f.lambdaMin)
    const lMax = numOrUndefined(f.lambdaMax)
    const aMin = numOrUndefined(f.finalAlphaMin)
    const aMax = numOrUndefined(f.finalAlphaMax)
    if (lMin !== undefined) q.lambdaMin = lMin
    if (lMax !== undefined) q.lambdaMax = lMax
    if (aMin !== undefined) q.finalAlphaMin = Math.min(1, Math.max(0, aMin))
    if (aMax !== undefined) q.finalAlphaMax = Math.min(1, Math.max(0, aMax))
    if (f.search.trim()) q.search = f.search.trim().slice(0, 200)
    return q
  }

  /** The filters without the brush: what the parallel coordinates draw. */
  const chartQuery = computed<RunListQuery>(() => filterQuery())
  /** The table's filter: the filters narrowed by the brush; null when no run can match. */
  const tableFilter = computed<RunListQuery | null>(() => brushedQuery(filterQuery(), brush))
  const baseQuery = (): RunListQuery => ({ ...(tableFilter.value ?? filterQuery()), orderBy: orderBy.value, descending: descending.value })
  const query = computed<RunListQuery>(() => ({ ...baseQuery(), limit: pageSize.value, offset: page.value * pageSize.value }))

  // Responses can arrive out of order while the user types; only the latest request counts.
  const latest = latestRequest({ loading, error })
  async function fetch(): Promise<void> {
    if (tableFilter.value === null) {
      latest.invalidate()
      rows.value = []
      total.value = 0
      loaded.value = true
      return
    }
    await latest.run(
      () => apiClient().listRuns(query.value),
      (result) => {
        rows.value = result.runs
        total.value = result.total
        loaded.value = true
        if (page.value > 0 && page.value >= Math.ceil(result.total / pageSize.value)) {
          page.value = Math.max(0, Math.ceil(result.total / pageSize.value) - 1)
          void fetch()
        }
      }
    )
  }

  const fetchSoon = useDebounceFn(() => void fetch(), 250)
  // Typing in a filter waits for a pause; sorting and paging fetch at once. A view restored from the URL keeps its page.
  let restoredFilter: string | null = null
  watch(
    () => JSON.stringify(tableFilter.value),
    (key) => {
      if (key === restoredFilter) {
        restoredFilter = null
        return
      }
      page.value = 0
      void fetchSoon()
    }
  )
  watch([orderBy, descending, page, pageSize], () => void fetch())

  function sortBy(field: RunSortField): void {
    page.value = 0
    if (orderBy.value === field) descending.value = !descending.value
    else {
      orderBy.value = field
      descending.value = field === 'testAccuracy' || field === 'finishedAt' || field === 'createdAt'
    }
  }

  function resetFilters(): void {
    Object.assign(filters, emptyFilters())
    clearBrush()
  }

  function setBrush(axis: NumericAxis, range: Range | null): void {
    brush[axis] = range
  }
  function setBrushDatasets(names: string[]): void {
    brush.datasets = names
  }
  function clearBrush(): void {
    Object.assign(brush, emptyBrush())
  }

  /** What the URL carries (lib/runs-url.ts). */
  function viewState(): RunsViewState {
    const f = filters
    return {
      sweeps: f.sweepId === null ? [] : [f.sweepId],
      datasets: f.datasets,
      statuses: f.statuses,
      lambdaMin: f.lambdaMin,
      lambdaMax: f.lambdaMax,
      finalAlphaMin: f.finalAlphaMin,
      finalAlphaMax: f.finalAlphaMax,
      search: f.search,
      tags: f.tags,
      orderBy: orderBy.value,
      descending: descending.value,
      pageSize: pageSize.value,
      offset: page.value * pageSize.value,
      brush
    }
  }
  function restoreView(v: RunsViewState): void {
    const before = JSON.stringify(tableFilter.value)
    Object.assign(filters, {
      sweepId: v.sweeps[0] ?? null,
      datasets: v.datasets,
      statuses: v.statuses,
      lambdaMin: v.lambdaMin,
      lambdaMax: v.lambdaMax,
      finalAlphaMin: v.finalAlphaMin,
      finalAlphaMax: v.finalAlphaMax,
      search: v.search,
      tags: v.tags
    })
    Object.assign(brush, v.brush)
    orderBy.value = v.orderBy
    descending.value = v.descending
    pageSize.value = v.pageSize
    page.value = v.offset / v.pageSize
    const after = JSON.stringify(tableFilter.value)
    restoredFilter = after === before ? null : after
    void fetch()
  }

  function isSelected(id: number): boolean {
    return selected.value.includes(id)
  }

  /** Selection is for Compare, which draws at most MAX_COMPARE runs: ticking more says so instead of dropping them silently. */
  function toggle(id: number): void {
    if (isSelected(id)) selected.value = selected.value.filter((x) => x !== id)
    else if (selected.value.length < MAX_COMPARE) selected.value = [...selected.value, id]
    else useNoticesStore().push('info', `Compare shows at most ${MAX_COMPARE} runs; run #${id} was not ticked (untick one first)`)
  }

  function selectPage(on: boolean): void {
    const ids = rows.value.map((r) => r.id)
    if (on) {
      const wanted = [...selected.value, ...ids.filter((id) => !isSelected(id))]
      selected.value = wanted.slice(0, MAX_COMPARE)
      if (wanted.length > MAX_COMPARE) {
        useNoticesStore().push('info', `Ticked the first ${MAX_COMPARE} runs of ${wanted.length}: Compare shows at most ${MAX_COMPARE} (use the filters to narrow the table)`)
      }
    } else selected.value = selected.value.filter((id) => !ids.includes(id))
  }

  function clearSelection(): void {
    selected.value = []
  }

  /** Every run matching the filters (all pages), for the CSV export. */
  async function fetchAllMatching(): Promise<RunSummary[]> {
    const all: RunSummary[] = []
    if (tableFilter.value === null) return all
    for (let offset = 0; ; offset += EXPORT_PAGE) {
      const res = await apiClient().listRuns({ ...baseQuery(), limit: EXPORT_PAGE, offset })
      all.push(...res.runs)
      if (res.runs.length < EXPORT_PAGE || all.length >= res.total) return all
    }
  }

  // Finished and started runs change the table; refresh at most every 2 s while connected.
  const refreshSoon = useDebounceFn(() => void fetch(), 2000, { maxWait: 2000 })
  const followSoon = useFollowSoon(() => void fetch())
  let unsubscribe: (() => void) | null = null
  let unbindUrl: (() => void) | null = null
  function connect(): void {
    if (unsubscribe) return
    unbindUrl = bindUrl({ route: 'runs', write: () => runsToParams(viewState()), read: (p) => restoreView(runsFromParams(p, PAGE_SIZES)), typed: RUNS_TYPED_PARAMS })
    unsubscribe = apiClient().onEvent((e) => {
      if (e.type === 'data-changed') void followSoon()
      else if (e.type === 'run-finished' || e.type === 'run-failed' || e.type === 'run-started' || e.type === 'sweep-changed') void refreshSoon()
    })
  }
  function disconnect(): void {
    unsubscribe?.()
    unsubscribe = null
    unbindUrl?.()
    unbindUrl = null
    refreshSoon.cancel()
    followSoon.cancel()
    fetchSoon.cancel()
  }

  return {
    filters,
    brush,
    orderBy,
    descending,
    pageSize,
    page,
    rows,
    total,
    loading,
    loaded,
    error,
    selected,
    pageCount,
    filtered,
    query,
    chartQuery,
    fetch,
    sortBy,
    resetFilters,
    setBrush,
    setBrushDatasets,
    clearBrush,
    isSelected,
    toggle,
    selectPage,
    clearSelection,
    fetchAllMatching,
    connect,
    disconnect
  }
})
