import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { StatsQuery } from '@shared/api'
import type { MeanTrajectory } from '@shared/results'
import { apiClient } from '../api/client'
import { latestRequest } from '../lib/latest'

/** Points per run the back end keeps before averaging: enough for a smooth curve, small enough for 2,000 runs. */
export const TRAJECTORY_POINTS = 300

/** Mean ± band α trajectories per (dataset, λ) for the statistics view's filters (the study's Figure 2). */
export const useMeanTrajectoriesStore = defineStore('mean-trajectories', () => {
  const trajectories = ref<MeanTrajectory[]>([])
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<string | null>(null)

  const latest = latestRequest({ loading, error })
  async function fetch(q: StatsQuery): Promise<void> {
    await latest.run(
      () => apiClient().getMeanTrajectories({ ...q, maxPoints: TRAJECTORY_POINTS }),
      (t) => {
        trajectories.value = t
        loaded.value = true
      }
    )
  }

  return { trajectories, loading, loaded, error, fetch }
})
