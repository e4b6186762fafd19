import { spawn } from 'node:child_process'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { TrainedChunk, TrainOutcome } from '../../../src/main/engine/trainer'
import { openStore, type Store } from '../../../src/main/store'
import type { ExecHandlers, ExecRun, Execution, RunExecutor } from '../../../src/main/sweep/executor'
import { SweepRunner } from '../../../src/main/sweep/runner'
import { chunk, newRun, tempStore } from '../store/helpers'

/**
 * Defect 2 of issue 13: a failed write from a training chunk must not crash
 * the process. The executor below "trains" 10 steps in chunks of 2 and reports
 * whether any handler threw (in the real worker client that throw is uncaught).
 */

function typed(c: ReturnType<typeof chunk>): TrainedChunk {
  return {
    steps: Uint32Array.from(c.steps as number[]),
    epochs: Uint16Array.from(c.epochs as number[]),
    alphas: Float32Array.from(c.alphas as number[]),
    losses: Float32Array.from(c.losses as number[])
  }
}

function outcome(cancelled: boolean): TrainOutcome {
  return {
    alphaInit: [0.5, 0.25, 0.75],
    finalAlpha: [0.1, 0.2, 0.3],
    epochs: [{ epoch: 0, trainLoss: 1, testLoss: 1, testAccuracy: 0.5 }],
    steps: 10,
    totalSteps: 10,
    cancelled,
    trainMs: 1
  }
}

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms))

class ChunkedExecutor implements RunExecutor {
  readonly label = 'chunked'
  readonly handlerErrors: unknown[] = []
  private readonly cancelled = new Set<number>()
  /** Called after each chunk is delivered (the test's hook to interfere). */
  afterChunk: (runId: number, step: number) => void = () => {}
  constructor(readonly capacity = 1) {}

  async execute(run: ExecRun, h: ExecHandlers): Promise<Execution> {
    const call = (f: () => void): void => {
      try {
        f()
      } catch (err) {
        this.handlerErrors.push(err)
      }
    }
    for (let s = 1; s <= 10; s += 2) {
      await tick()
      if (this.cancelled.delete(run.id)) return { outcome: outcome(true), worker: 'test' }
      call(() => h.onChunk?.(typed(chunk(s, s + 1)), 10))
      this.afterChunk(run.id, s + 1)
    }
    await tick()
    if (this.cancelled.delete(run.id)) return { outcome: outcome(true), worker: 'test' }
    call(() => h.onEpoch?.({ epoch: 0, trainLoss: 1, testLoss: 1, testAccuracy: 0.5 }))
    return { outcome: outcome(false), worker: 'test' }
  }
  cancel(runId: number): void {
    this.cancelled.add(runId)
  }
  async close(): Promise<void> {}
}

let cleanups: (() => void)[] = []
afterEach(() => {
  for (const c of cleanups.reverse()) c()
  cleanups = []
})

function setup(runs: number, opts: { busyTimeoutMs?: number } = {}): { store: Store; path: string; ids: number[] } {
  const t = tempStore()
  cleanups.push(t.cleanup)
  let store = t.store
  if (opts.busyTimeoutMs !== undefined) {
    store.close()
    store = openStore(t.path, { busyTimeoutMs: opts.busyTimeoutMs })
    cleanups.push(() => store.sql.db.open && store.close())
  }
  const ds = store.createDataset({ name: 'd', source: 'bundled', contentHash: 'h', trainCount: 10, testCount: 1, subsample: null })
  const { runIds } = store.createSweep(
    { name: 's', spec: {} },
    Array.from({ length: runs }, (_, i) => newRun(ds.id, 0.01 * i, i))
  )
  return { store, path: t.path, ids: runIds }
}

describe('SweepRunner when a write fails', () => {
  it('stops a run cancelled elsewhere (the app, while a CLI trains it) cleanly and carries on with the next', async () => {
    const { store, path, ids } = setup(2)
    const app = openStore(path)
    cleanups.push(() => app.close())
    const executor = new ChunkedExecutor()
    executor.afterChunk = (runId, step) => {
      if (runId === ids[0] && step === 4) app.cancelRun(runId)
    }
    const runner = new SweepRunner({ store, cacheDir: '/nonexistent', executor })
    const stopped: [number, string][] = []
    runner.on('run-stopped', (id, how) => stopped.push([id, how]))
    runner.start()
    await runner.whenIdle()
    await runner.stop()
    expect(executor.handlerErrors).toEqual([])
    expect(stopped).toEqual([[ids[0], 'cancelled']])
    expect(store.getRun(ids[0])?.status).toBe('cancelled')
    expect(store.getRun(ids[1])?.status).toBe('done')
  })

  it('pauses on a full disk with a clear message, and finishes every run once there is space again', async () => {
    const { store, ids } = setup(3)
    const executor = new ChunkedExecutor()
    // A full disk as better-sqlite3 reports it, for every write that needs space (history, requeue) until space returns.
    let full = false
    const diskFull = (): never => {
      throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL')
    }
    for (const method of ['appendHistory', 'requeueRun', 'claimNextRun'] as const) {
      const real = store[method].bind(store) as (...a: unknown[]) => unknown
      ;(store as unknown as Record<string, unknown>)[method] = (...a: unknown[]) => (full ? diskFull() : real(...a))
    }
    let filled = false
    executor.afterChunk = (runId, step) => {
      if (runId === ids[1] && step === 2 && !filled) filled = full = true
    }
    const runner = new SweepRunner({ store, cacheDir: '/nonexistent', executor, stallRetryMs: 50 })
    const messages: string[] = []
    runner.on('stalled', (m) => {
      messages.push(m)
      // Space comes back a little later: the runner retries every 50 ms and stays paused until then.
      setTimeout(() => (full = false), 400)
    })
    runner.on('resumed', () => messages.push('resumed'))
    runner.start()
    await runner.whenIdle()
    await runner.stop()
    expect(executor.handlerErrors).toEqual([])
    expect(messages).toHaveLength(2)
    expect(messages[0]).toMatch(/database or disk is full.*paused.*resumes by itself/)
    expect(messages[1]).toBe('resumed')
    for (const id of ids) {
      expect(store.getRun(id)?.status).toBe('done')
      expect(store.getAlphaHistory([id])[0].steps.at(-1)).toBe(10)
    }
  })

  it('waits out a lock another process holds past the busy timeout, then carries on', async () => {
    const { store, path, ids } = setup(2, { busyTimeoutMs: 20 })
    const executor = new ChunkedExecutor()
    let holder: Promise<void> | null = null
    executor.afterChunk = (runId, step) => {
      if (holder || runId !== ids[0] || step !== 2) return
      // Another process takes the write lock for ~1 s (a long import, say).
      const child = spawn(
        process.execPath,
        ['-e', `const D=require('better-sqlite3');const d=new D(process.argv[1]);d.exec('BEGIN IMMEDIATE');console.log('locked');setTimeout(()=>{d.exec('COMMIT');d.close()},1000)`, path],
        { stdio: ['ignore', 'pipe', 'inherit'] }
      )
      holder = new Promise((r) => child.on('exit', () => r()))
      // Block until the child holds the lock, so the next chunk's write meets it.
      const started = Date.now()
      while (Date.now() - started < 5000) {
        try {
          store.sql.db.exec('BEGIN IMMEDIATE; ROLLBACK')
        } catch {
          break
        }
      }
    }
    const runner = new SweepRunner({ store, cacheDir: '/nonexistent', executor, stallRetryMs: 100 })
    const messages: string[] = []
    runner.on('stalled', (m) => messages.push(m))
    runner.on('resumed', () => messages.push('resumed'))
    runner.start()
    await runner.whenIdle()
    await runner.stop()
    await holder
    expect(executor.handlerErrors).toEqual([])
    expect(messages[0]).toMatch(/database is locked/)
    expect(messages.at(-1)).toBe('resumed')
    for (const id of ids) expect(store.getRun(id)?.status).toBe('done')
  })

  it('start({ forceReset }) restarts runs a live-looking owner holds; without it they are left alone', async () => {
    const { store, path, ids } = setup(1)
    const other = openStore(path)
    cleanups.push(() => other.close())
    // Claimed by this very process (alive by every test), as a CLI in a container restarted as PID 1 would look.
    other.claimNextRun()
    const executor = new ChunkedExecutor()
    const idle = new SweepRunner({ store, cacheDir: '/nonexistent', executor })
    expect(idle.start()).toEqual([])
    await idle.whenIdle()
    await idle.stop()
    expect(store.getRun(ids[0])?.status).toBe('running')
    const forced = new SweepRunner({ store, cacheDir: '/nonexistent', executor })
    expect(forced.start({ forceReset: true })).toEqual([ids[0]])
    await forced.whenIdle()
    await forced.stop()
    expect(store.getRun(ids[0])?.status).toBe('done')
  })

  it('marks a run whose loss went NaN or exploded diverged, keeps its history, and leaves it out of the statistics', async () => {
    const { store, ids } = setup(3)
    const results: Partial<TrainOutcome>[] = [
      { epochs: [{ epoch: 0, trainLoss: 3e15, testLoss: Number.NaN, testAccuracy: 0.1 }], finalAlpha: [0, 0, 0] },
      { epochs: [{ epoch: 0, trainLoss: 2.1, testLoss: 2.2, testAccuracy: 0.4 }], finalAlpha: [Number.NaN, 0.2, 0.3] },
      {}
    ]
    const executor = new ChunkedExecutor()
    const plain = executor.execute.bind(executor)
    executor.execute = async (run, h) => {
      const e = await plain(run, h)
      return { ...e, outcome: { ...e.outcome, ...results[ids.indexOf(run.id)] } }
    }
    const runner = new SweepRunner({ store, cacheDir: '/nonexistent', executor })
    runner.start()
    await runner.whenIdle()
    await runner.stop()
    expect(store.getRun(ids[0])).toMatchObject({ status: 'diverged', error: 'diverged: train loss 3.00e+15 after epoch 0' })
    expect(store.getRun(ids[1])).toMatchObject({ status: 'diverged', error: 'diverged: final α NaN', finalAlpha: null })
    expect(store.getRun(ids[2])?.status).toBe('done')
    expect(store.getAlphaHistory([ids[0]])[0].steps.at(-1)).toBe(10)
    expect(store.listFinalAlphas().map((r) => r.runId)).toEqual([ids[2]])
    expect(store.getSweep(store.getRun(ids[0])!.sweepId)?.progress).toMatchObject({ done: 1, diverged: 2 })
  })
})
