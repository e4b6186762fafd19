import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TrainedChunk, TrainOutcome } from '../../../src/main/engine/trainer'
import type { ExecHandlers, ExecRun, Execution, RunExecutor } from '../../../src/main/sweep/executor'
import { SweepRunner } from '../../../src/main/sweep/runner'
import { chunk, newRun, tempStore } from '../store/helpers'

function typed(c: ReturnType<typeof chunk>): TrainedChunk {
  return {
    steps: Uint32Array.from(c.steps as number[]),
    epochs: Uint16Array.from(c.epochs as number[]),
    alphas: Float32Array.from(c.alphas as number[]),
    losses: Float32Array.from(c.losses as number[])
  }
}

function outcome(over: Partial<TrainOutcome> = {}): TrainOutcome {
  return {
    alphaInit: [0.5, 0.25, 0.75],
    finalAlpha: [0.1, 0.2, 0.3],
    epochs: [{ epoch: 0, trainLoss: 1, testLoss: 1, testAccuracy: 0.5 }],
    steps: 10,
    totalSteps: 10,
    cancelled: false,
    trainMs: 1,
    ...over
  }
}

/** An executor driven by the test: each run's script decides what the "worker" reports. */
class ScriptedExecutor implements RunExecutor {
  readonly label = 'scripted'
  cancelled: number[] = []
  constructor(
    readonly capacity: number,
    private readonly script: (run: ExecRun, h: ExecHandlers) => Promise<Execution>
  ) {}
  execute(run: ExecRun, handlers: ExecHandlers): Promise<Execution> {
    return this.script(run, handlers)
  }
  cancel(runId: number): void {
    this.cancelled.push(runId)
  }
  async close(): Promise<void> {}
}

let cleanup: (() => void) | null = null
afterEach(() => {
  cleanup?.()
  cleanup = null
})

function setup(runs = 1): { store: ReturnType<typeof tempStore>['store']; ids: number[] } {
  const t = tempStore()
  cleanup = t.cleanup
  const ds = t.store.createDataset({ name: 'd', source: 'bundled', contentHash: 'h', trainCount: 10, testCount: 1, subsample: null })
  const { runIds } = t.store.createSweep(
    { name: 's', spec: {} },
    Array.from({ length: runs }, (_, i) => newRun(ds.id, 0.01 * i, i))
  )
  return { store: t.store, ids: runIds }
}

describe('SweepRunner through an executor', () => {
  it('stores the whole history an executor hands back, replacing a restarted partial one, and records the worker', async () => {
    const { store, ids } = setup()
    const executor = new ScriptedExecutor(1, async (run, h) => {
      h.onStarted?.({ engine: 'native', backend: 'avx2', notes: [], datasetHash: 'h', trainCount: 10, testCount: 1, totalSteps: 10 })
      h.onChunk?.(typed(chunk(1, 4)), 10)
      expect(store.getRun(run.id)?.stepsDone).toBe(4)
      h.onRestart?.()
      expect(store.getRun(run.id)?.stepsDone).toBe(0)
      h.onChunk?.(typed(chunk(1, 2)), 10)
      return { outcome: outcome(), history: typed(chunk(1, 10)), worker: 'box/42' }
    })
    const runner = new SweepRunner({ store, cacheDir: '/nonexistent', executor })
    runner.start()
    await runner.whenIdle()
    const run = store.getRun(ids[0])!
    expect(run).toMatchObject({ status: 'done', worker: 'box/42', stepsDone: 10, testAccuracy: 0.5, finalAlpha: [0.1, 0.2, 0.3] })
    const [series] = store.getAlphaHistory([ids[0]])
    expect(series.steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(store.getEpochMetrics(ids[0])).toHaveLength(1)
    await runner.stop()
  })

  it('claims as many runs as the executor has room for, and fails a run whose executor rejects', async () => {
    const { store, ids } = setup(3)
    let concurrent = 0
    let most = 0
    const executor = new ScriptedExecutor(2, async (run) => {
      concurrent++
      most = Math.max(most, concurrent)
      await new Promise((r) => setTimeout(r, 5))
      concurrent--
      if (run.id === ids[1]) throw new Error('dataset abc… is not in Redis')
      return { outcome: outcome(), history: typed(chunk(1, 10)), worker: 'w' }
    })
    const runner = new SweepRunner({ store, cacheDir: '/nonexistent', executor })
    runner.start()
    await runner.whenIdle()
    expect(most).toBe(2)
    expect(store.getRun(ids[0])?.status).toBe('done')
    expect(store.getRun(ids[1])).toMatchObject({ status: 'failed', error: 'dataset abc… is not in Redis' })
    expect(store.getRun(ids[2])?.status).toBe('done')
    await runner.stop()
  })

  it('refuses to mark a run done when the history handed back stops short', async () => {
    const { store, ids } = setup()
    const executor = new ScriptedExecutor(1, async () => ({ outcome: outcome(), history: typed(chunk(1, 7)), worker: 'w' }))
    const runner = new SweepRunner({ store, cacheDir: '/nonexistent', executor })
    runner.start()
    await runner.whenIdle()
    expect(store.getRun(ids[0])).toMatchObject({ status: 'failed' })
    expect(store.getRun(ids[0])?.error).toMatch(/step 7 of 10/)
    await runner.stop()
  })

  it('puts a run stopped for the queue back there even when its executor rejects on the way out, and reports it stopped, not failed', async () => {
    const { store, ids } = setup()
    let reject: (e: Error) => void = () => {}
    const executor = new ScriptedExecutor(1, (_run, h) => {
      h.onChunk?.(typed(chunk(1, 4)), 10)
      return new Promise((_, rej) => (reject = rej))
    })
    executor.cancel = () => reject(new Error('worker thread exited while stopping'))
    const runner = new SweepRunner({ store, cacheDir: '/nonexistent', executor })
    const failed: number[] = []
    const stopped: [number, string][] = []
    runner.on('run-failed', (id) => failed.push(id))
    runner.on('run-stopped', (id, how) => stopped.push([id, how]))
    runner.start()
    await new Promise((r) => setTimeout(r, 10))
    await runner.stop()
    expect(store.getRun(ids[0])?.status).toBe('queued')
    expect(stopped).toEqual([[ids[0], 'requeued']])
    expect(failed).toEqual([])
  })

  it('stops without polling: stop() resolves on the last run ending', async () => {
    const { store } = setup()
    let finish: () => void = () => {}
    const executor = new ScriptedExecutor(1, () => new Promise<Execution>((res) => (finish = () => res({ outcome: outcome({ cancelled: true }), worker: 'w' }))))
    executor.cancel = () => setTimeout(() => finish(), 30)
    const runner = new SweepRunner({ store, cacheDir: '/nonexistent', executor })
    runner.start()
    await new Promise((r) => setTimeout(r, 5))
    const timers = vi.spyOn(globalThis, 'setTimeout')
    const t0 = Date.now()
    await runner.stop()
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25)
    // The one timer is the executor's own (cancel → finish 30 ms later); the runner set none while waiting.
    expect(timers).toHaveBeenCalledTimes(1)
    timers.mockRestore()
  })
})
