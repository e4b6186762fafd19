import { useDebounceFn } from '@vueuse/core'
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { AppStatus, ClusterWorkerInfo, ComputeState, QueueState } from '@shared/api'
import type { DatasetRow } from '@shared/results'
import { apiClient } from '../api/client'
import { errorMessage } from '../lib/format'

const POLL_MS = 15_000

/** Settings and status: engine, database, queue state, and the datasets known to the back end. */
export const useStatusStore = defineStore('status', () => {
  const status = ref<AppStatus | null>(null)
  const queue = ref<QueueState | null>(null)
  const datasets = ref<DatasetRow[]>([])
  const error = ref<string | null>(null)
  /** Connected cluster workers (read with the status while training on a cluster). */
  const clusterWorkers = ref<ClusterWorkerInfo[]>([])
  const compute = computed<ComputeState>(() => status.value?.compute ?? { kind: 'local' })
  const computeLabel = computed(() => (compute.value.kind === 'local' ? 'this machine' : `cluster at ${compute.value.url}`))

  const engineLabel = computed(() => (status.value ? `${status.value.engine.engine}/${status.value.engine.backend}` : '…'))
  const tfjsBackend = computed(() => status.value?.engine.tfjsBackend ?? '…')
  const trainableDatasets = computed(() => status.value?.trainableDatasets ?? [])
  const stepMs = computed(() => status.value?.stepMs ?? null)
  const workers = computed(() => queue.value?.workers ?? status.value?.queue.workers ?? 1)
  const datasetNames = computed(() => datasets.value.map((d) => d.name))

  async function refresh(): Promise<void> {
    try {
      const s = await apiClient().getStatus()
      status.value = s
      queue.value = s.queue
      clusterWorkers.value = s.compute.kind === 'cluster' ? (await apiClient().getCluster()).workers : []
      error.value = null
    } catch (err) {
      error.value = errorMessage(err)
    }
  }

  /** Switches where sweeps train (this machine, or the cluster workers of a Redis); throws the back end's message. */
  async function setCompute(choice: { kind: 'local' } | { kind: 'cluster'; url: string }): Promise<void> {
    const state = await apiClient().setCompute(choice)
    if (status.value) status.value = { ...status.value, compute: state }
    await refresh()
  }

  async function refreshDatasets(): Promise<void> {
    try {
      datasets.value = await apiClient().listDatasets()
    } catch (err) {
      error.value = errorMessage(err)
    }
  }

  // New datasets appear when a sweep's first run starts or a CSV is imported.
  const datasetsSoon = useDebounceFn(() => void refreshDatasets(), 1000, { maxWait: 1000 })
  // A sweep's change can leave the last queue-changed event one step behind (a run that just ended); re-read the truth.
  const statusSoon = useDebounceFn(() => void refresh(), 1000, { maxWait: 1000 })

  let unsubscribe: (() => void) | null = null
  let poll: ReturnType<typeof setInterval> | null = null

  function connect(): void {
    if (unsubscribe) return
    unsubscribe = apiClient().onEvent((e) => {
      if (e.type === 'queue-changed') queue.value = e.queue
      else if (e.type === 'run-started' || e.type === 'run-finished' || e.type === 'data-changed') void datasetsSoon()
      else if (e.type === 'sweep-changed') {
        void datasetsSoon()
        void statusSoon()
      }
    })
    poll = setInterval(() => void refresh(), POLL_MS)
    void refresh()
    void refreshDatasets()
  }

  function disconnect(): void {
    unsubscribe?.()
    unsubscribe = null
    if (poll) clearInterval(poll)
    poll = null
    datasetsSoon.cancel()
    statusSoon.cancel()
  }

  return {
    status,
    queue,
    compute,
    computeLabel,
    clusterWorkers,
    setCompute,
    datasets,
    error,
    engineLabel,
    tfjsBackend,
    trainableDatasets,
    stepMs,
    workers,
    datasetNames,
    refresh,
    refreshDatasets,
    connect,
    disconnect
  }
})
