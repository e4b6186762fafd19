import { API_METHODS, type ApiMethod, type AppStatus, type EventListener, type WorkbenchApi, type WorkbenchClient, type WorkbenchEvent } from '../../src/shared/api'
import type { RunSummary, SweepRow } from '../../src/shared/results'

export interface Call {
  method: ApiMethod
  args: unknown[]
}

export interface FakeClient extends WorkbenchClient {
  calls: Call[]
  callsTo(method: ApiMethod): unknown[][]
  emit(event: WorkbenchEvent): void
  listenerCount(): number
}

export const STATUS: AppStatus = {
  compute: { kind: 'local' },
  engine: { engine: 'native', backend: 'avx2', tfjsBackend: 'wasm', notes: [] },
  versions: {},
  dbPath: '/tmp/workbench.db',
  queue: { workers: 2, running: 0, queued: 0 },
  stepMs: 1,
  trainableDatasets: ['fashion-mnist', 'mnist']
}

export function sweepRow(over: Partial<SweepRow> = {}): SweepRow {
  return {
    id: 1,
    name: 'sweep',
    spec: {},
    status: 'running',
    createdAt: 0,
    finishedAt: null,
    progress: { total: 4, queued: 2, running: 2, done: 0, failed: 0, cancelled: 0, diverged: 0, stepsPlanned: 400, stepsDone: 0 },
    ...over
  }
}

export function runSummary(id: number, over: Partial<RunSummary> = {}): RunSummary {
  return {
    id,
    sweepId: 1,
    datasetId: 1,
    dataset: 'mnist:1000:s0',
    lambda: 0.01,
    runIndex: 0,
    status: 'done',
    error: null,
    engine: { engine: 'native', backend: 'avx2', versions: {} },
    createdAt: 0,
    startedAt: 0,
    finishedAt: 1,
    stepsPlanned: 16,
    stepsDone: 16,
    alphaCount: 3,
    alphaInit: [0.5, 0.5, 0.5],
    finalAlpha: [0.1, 0.2, 0.3],
    testAccuracy: 0.5,
    imported: false,
    attempts: 1,
    worker: null,
    name: null,
    tags: [],
    ...over
  }
}

type Impl = { [M in ApiMethod]?: (...args: Parameters<WorkbenchApi[M]>) => ReturnType<WorkbenchApi[M]> | Awaited<ReturnType<WorkbenchApi[M]>> }

const DEFAULTS: Impl = {
  getStatus: () => structuredClone(STATUS),
  getCluster: () => ({ compute: { kind: 'local' }, workers: [] }),
  listSweeps: () => [],
  listDatasets: () => [],
  listRuns: () => ({ total: 0, runs: [] }),
  getCollapseStats: () => [],
  getHistograms: () => [],
  getFinalAlphaPoints: () => [],
  getInitFinalPairs: () => [],
  getAlphaHistory: () => []
}

/** A back end in memory: records every call, answers from `impl` (else a harmless default), and emits events on demand. */
export function fakeClient(impl: Impl = {}): FakeClient {
  const calls: Call[] = []
  const listeners = new Set<EventListener>()
  const methods = Object.fromEntries(
    API_METHODS.map((method) => [
      method,
      async (...args: unknown[]) => {
        calls.push({ method, args })
        const fn = (impl[method] ?? DEFAULTS[method]) as ((...a: unknown[]) => unknown) | undefined
        if (!fn) throw new Error(`fake client: ${method} not faked`)
        return fn(...args)
      }
    ])
  )
  return {
    ...(methods as unknown as WorkbenchApi),
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method).map((c) => c.args),
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    emit(event) {
      for (const l of listeners) l(event)
    },
    listenerCount: () => listeners.size
  }
}
