import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AnalysisQuery } from '@shared/api'
import type { FitsResult, RunCollapseRow, SurvivalResult } from '@shared/results'
import { apiClient } from '../api/client'
import { latestRequest } from '../lib/latest'

/** Figures 5–7: the fits, time to collapse and the run-level table for the statistics view's filters (its pool switch included). */
export const useFitsStore = defineStore('fits', () => {
  const fits = ref<FitsResult | null>(null)
  const survival = ref<SurvivalResult | null>(null)
  const runCollapse = ref<RunCollapseRow[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)

  // Only the latest request's answer is shown: a slow reply to an older filter never overwrites a newer one.
  const latest = latestRequest({ loading, error })
  async function fetch(query: AnalysisQuery): Promise<void> {
    const api = apiClient()
    await latest.run(
      () => Promise.all([api.getDoseFits(query), api.getSurvival(query), api.getRunCollapse(query)]),
      ([f, s, r]) => {
        fits.value = f
        survival.value = s
        runCollapse.value = r
      }
    )
  }

  /** The HTML report of the same selection, as a file to save. */
  async function report(q: AnalysisQuery): Promise<{ fileName: string; text: string }> {
    return apiClient().getReport(q)
  }

  return { fits, survival, runCollapse, loading, error, fetch, report }
})
