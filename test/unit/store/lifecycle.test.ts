import { spawn } from 'node:child_process'
import { hostname } from 'node:os'
import { describe, expect, it } from 'vitest'
import { openStore, StoreError, type Store } from '../../../src/main/store'
import { hasStartTokens, processStartToken } from '../../../src/main/store/process-identity'
import { chunk, dump, newRun, freshStoreEach } from './helpers'

let store: Store
let path: string
let datasetId: number
freshStoreEach((s) => ({ store, path, datasetId } = s))

function sweepWith(n: number, stepsPlanned: number | null = 10): { sweepId: number; runIds: number[] } {
  const runs = Array.from({ length: n }, (_, i) => newRun(datasetId, 0.005 * (i % 3), Math.floor(i / 3), stepsPlanned))
  const { sweep, runIds } = store.createSweep({ name: 'paper', spec: { preset: 'paper' } }, runs)
  return { sweepId: sweep.id, runIds }
}

const CLAIMER = `
  import { openStore } from './src/main/store/index.ts'
  const store = openStore(process.argv[1])
  console.log('ready')
  await new Promise((r) => process.stdin.once('data', r))
  const ids = []
  // A short pause after each claim spreads the claims over more than a second, so the two
  // processes' claiming overlaps even when the scheduler starts one of them late (busy CI).
  const pause = new Int32Array(new SharedArrayBuffer(4))
  for (let run; (run = store.claimNextRun()); ) {
    ids.push(run.id)
    Atomics.wait(pause, 0, 0, 1)
  }
  store.close()
  console.log(JSON.stringify(ids))
  process.exit(0)`

/** A child process that opens the store, prints 'ready', and on go() claims runs until none is left. */
function startClaimer(dbPath: string): { ready: Promise<void>; go: () => void; ids: Promise<number[]> } {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CLAIMER, dbPath])
  let out = ''
  let err = ''
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  const ready = new Promise<void>((resolve) =>
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.startsWith('ready\n')) resolve()
    })
  )
  const ids = new Promise<number[]>((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.slice('ready\n'.length)) as number[]) : reject(new Error(err))))
  )
  return { ready, go: () => child.stdin.write('go\n'), ids }
}

function historyRows(runId: number): number {
  return (store.sql.db.prepare('SELECT COUNT(*) AS n FROM alpha_history WHERE run_id = ?').get(runId) as { n: number }).n
}

/** Claims a run and stores its full history 1..10 and the final α, as a runner would. */
function completeOne(finalAlpha = [0.01, 0.5, 0.9]): number {
  const run = store.claimNextRun()
  if (!run) throw new Error('nothing to claim')
  store.appendHistory(run.id, chunk(1, 9))
  store.finishRun(run.id, { finalAlpha, testAccuracy: 0.8 }, chunk(10, 10))
  return run.id
}

describe('sweeps and runs', () => {
  it('creates a sweep with its queued runs and counts progress', () => {
    const { sweepId, runIds } = sweepWith(4)
    expect(runIds).toHaveLength(4)
    const sweep = store.getSweep(sweepId)
    expect(sweep?.status).toBe('queued')
    expect(sweep?.spec).toEqual({ preset: 'paper' })
    expect(sweep?.progress).toMatchObject({ total: 4, queued: 4, running: 0, done: 0, stepsPlanned: 40, stepsDone: 0 })
    expect(store.listSweeps().map((s) => s.id)).toEqual([sweepId])
  })

  it('rejects invalid runs before inserting any of them', () => {
    const bad = { ...newRun(datasetId, 0.01), alphaInit: [0.5, 2, 0.5] }
    const before = dump(path)
    expect(() => store.createSweep({ name: 's', spec: {} }, [newRun(datasetId, 0), bad])).toThrow(/alphaInit holds 2/)
    expect(() => store.createSweep({ name: 's', spec: {} }, [{ ...newRun(datasetId, 0), alphaCount: 2, alphaInit: [0, 0] }])).toThrow(
      /network has 3 α/
    )
    expect(() => store.createSweep({ name: 's', spec: {} }, [newRun(9999, 0)])).toThrow(/no dataset with id 9999/)
    expect(dump(path)).toBe(before)
  })

  it('claims the oldest queued run, marks it running with its owner, and the sweep running', () => {
    const { sweepId, runIds } = sweepWith(2)
    const engine = { engine: 'tfjs', backend: 'cpu', versions: { tfjs: '4.22.0' } }
    const run = store.claimNextRun({ engine })
    expect(run?.id).toBe(runIds[0])
    expect(run?.status).toBe('running')
    expect(run?.attempts).toBe(1)
    expect(run?.engine).toEqual(engine)
    expect(run?.config?.lambda).toBe(0)
    expect(store.getSweep(sweepId)?.status).toBe('running')
    const owner = store.sql.db.prepare('SELECT owner_host, owner_pid FROM runs WHERE id = ?').get(runIds[0])
    expect(owner).toEqual({ owner_host: hostname(), owner_pid: process.pid })
    expect(store.claimNextRun()?.id).toBe(runIds[1])
    expect(store.claimNextRun()).toBeNull()
  })

  it('hands each run to exactly one of two connections', () => {
    const { runIds } = sweepWith(30)
    const other = openStore(path)
    const claimed: number[] = []
    for (let i = 0; ; i++) {
      const run = (i % 2 === 0 ? store : other).claimNextRun()
      if (!run) break
      claimed.push(run.id)
    }
    other.close()
    expect(claimed.sort((a, b) => a - b)).toEqual(runIds)
  })

  it('hands each run to exactly one of two racing processes', async () => {
    const { runIds } = sweepWith(1500)
    const [a, b] = [startClaimer(path), startClaimer(path)]
    // Both children have opened the store before either starts: they race from the same instant.
    await Promise.all([a.ready, b.ready])
    a.go()
    b.go()
    const [idsA, idsB] = await Promise.all([a.ids, b.ids])
    expect(idsA.length).toBeGreaterThan(0)
    expect(idsB.length).toBeGreaterThan(0)
    expect([...idsA, ...idsB].sort((x, y) => x - y)).toEqual(runIds)
    expect(store.listRuns({ status: 'running', limit: 1 }).total).toBe(1500)
  })

  it('skips paused and cancelled sweeps; resume makes runs claimable again', () => {
    const { sweepId } = sweepWith(2)
    store.pauseSweep(sweepId)
    expect(store.claimNextRun()).toBeNull()
    expect(store.resumeSweep(sweepId).status).toBe('queued')
    expect(store.claimNextRun()).not.toBeNull()
    store.pauseSweep(sweepId)
    expect(store.resumeSweep(sweepId).status).toBe('running')
    expect(() => store.resumeSweep(9999)).toThrow(/no sweep with id 9999/)
  })

  it('cancelling a sweep cancels its queued runs and returns the running ones', () => {
    const { sweepId, runIds } = sweepWith(3)
    const running = store.claimNextRun()
    expect(store.cancelSweep(sweepId)).toEqual([running?.id])
    expect(store.claimNextRun()).toBeNull()
    expect(store.getSweep(sweepId)?.progress).toMatchObject({ running: 1, cancelled: 2 })
    store.cancelRun(runIds[0])
    expect(store.getSweep(sweepId)?.status).toBe('cancelled')
    expect(store.getSweep(sweepId)?.finishedAt).not.toBeNull()
    expect(() => store.pauseSweep(sweepId)).toThrow(/cancelled/)
  })
})

describe('history and finishing', () => {
  it('appends history only to a running run, with steps past what is stored', () => {
    const { runIds } = sweepWith(1)
    expect(() => store.appendHistory(runIds[0], chunk(1, 2))).toThrow(/is queued, not running/)
    store.claimNextRun()
    store.appendHistory(runIds[0], chunk(1, 5))
    expect(() => store.appendHistory(runIds[0], chunk(5, 6))).toThrow(/step 5 must be an integer greater than the previous step 5/)
    expect(() => store.appendHistory(runIds[0], { ...chunk(6, 7), alphas: [0.1, 0.2] })).toThrow(/2 α values for 2 steps × 3 α/)
    expect(() => store.appendHistory(runIds[0], { ...chunk(6, 7), losses: [1] })).toThrow(/1 losses for 2 steps/)
    expect(store.getRun(runIds[0])?.stepsDone).toBe(5)
  })

  it('splits long chunks into rows of at most 256 records and reads them back in order', () => {
    const { runIds } = sweepWith(1, 600)
    store.claimNextRun()
    store.appendHistory(runIds[0], chunk(1, 600))
    expect(historyRows(runIds[0])).toBe(3)
    const [series] = store.getAlphaHistory(runIds)
    expect(series.steps).toEqual(Array.from({ length: 600 }, (_, i) => i + 1))
    expect(series.alphas[2][599]).toBeCloseTo(3 / 610, 7)
    expect(series.epochs[599]).toBe(120)
    expect(series.losses[0]).toBeCloseTo(0.01, 7)
  })

  it('refuses to mark a run done before its history reaches the planned last step', () => {
    const { runIds } = sweepWith(1, 10)
    store.claimNextRun()
    expect(() => store.finishRun(runIds[0], { finalAlpha: [0, 0, 0], testAccuracy: 0.5 })).toThrow(/no α history/)
    store.appendHistory(runIds[0], chunk(1, 9))
    expect(() => store.finishRun(runIds[0], { finalAlpha: [0, 0, 0], testAccuracy: 0.5 })).toThrow(/reaches step 9 of 10/)
    expect(store.getRun(runIds[0])?.status).toBe('running')
  })

  it('writes the last chunk and the done mark in one transaction: a bad result writes neither', () => {
    const { sweepId, runIds } = sweepWith(1, 10)
    store.claimNextRun()
    store.appendHistory(runIds[0], chunk(1, 9))
    const before = dump(path)
    expect(() => store.finishRun(runIds[0], { finalAlpha: [0, 0], testAccuracy: 0.5 }, chunk(10, 10))).toThrow(/finalAlpha has 2 values/)
    expect(() => store.finishRun(runIds[0], { finalAlpha: [0, 0, 0], testAccuracy: 7 }, chunk(10, 10))).toThrow(/testAccuracy/)
    expect(dump(path)).toBe(before)
    store.finishRun(runIds[0], { finalAlpha: [0.01, 0.2, 1], testAccuracy: 0.83 }, chunk(10, 10))
    const run = store.getRun(runIds[0])
    expect(run).toMatchObject({ status: 'done', finalAlpha: [0.01, 0.2, 1], testAccuracy: 0.83, stepsDone: 10 })
    expect(store.getSweep(sweepId)?.status).toBe('done')
    expect(() => store.appendHistory(runIds[0], chunk(11, 11))).toThrow(/is done, not running/)
  })

  it('a failed run fails the sweep once nothing is left to run; its error is kept', () => {
    const { sweepId, runIds } = sweepWith(2)
    completeOne()
    const run = store.claimNextRun()
    store.failRun(run?.id ?? -1, 'NaN loss at step 7')
    expect(store.getRun(runIds[1])).toMatchObject({ status: 'failed', error: 'NaN loss at step 7' })
    expect(store.getSweep(sweepId)?.status).toBe('failed')
    expect(() => store.failRun(runIds[0], 'x')).toThrow(/is done; cannot mark it failed/)
  })

  it('stores epoch metrics once per epoch', () => {
    const { runIds } = sweepWith(1)
    store.claimNextRun()
    store.addEpochMetrics(runIds[0], [
      { epoch: 0, trainLoss: 1.2, testLoss: 1.1, testAccuracy: 0.6 },
      { epoch: 1, trainLoss: 0.9, testLoss: null, testAccuracy: null }
    ])
    expect(() => store.addEpochMetrics(runIds[0], [{ epoch: 1, trainLoss: 1, testLoss: 1, testAccuracy: 1 }])).toThrow(/already stored/)
    expect(store.getEpochMetrics(runIds[0])).toEqual([
      { epoch: 0, trainLoss: 1.2, testLoss: 1.1, testAccuracy: 0.6 },
      { epoch: 1, trainLoss: 0.9, testLoss: null, testAccuracy: null }
    ])
  })
})

describe('interrupted runs', () => {
  async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ['-e', ''])
    await new Promise((resolve) => child.on('exit', resolve))
    return child.pid ?? -1
  }

  it('resetInterrupted requeues runs of dead owners and deletes their partial history, leaving the rest alone', async () => {
    const { runIds } = sweepWith(4)
    const done = completeOne()
    const dead = store.claimNextRun({ owner: { host: hostname(), pid: await deadPid(), start: null } })
    const live = store.claimNextRun()
    if (!dead || !live) throw new Error('claim failed')
    store.appendHistory(dead.id, chunk(1, 4))
    store.addEpochMetrics(dead.id, [{ epoch: 0, trainLoss: 1, testLoss: 1, testAccuracy: 0.5 }])
    store.appendHistory(live.id, chunk(1, 4))
    const doneHistory = store.getAlphaHistory([done])

    expect(store.resetInterrupted()).toEqual([dead.id])
    expect(store.getRun(dead.id)).toMatchObject({ status: 'queued', stepsDone: 0, startedAt: null, attempts: 1 })
    expect(historyRows(dead.id)).toBe(0)
    expect(store.getEpochMetrics(dead.id)).toEqual([])
    expect(store.getRun(live.id)?.status).toBe('running')
    expect(historyRows(live.id)).toBe(1)
    expect(store.getAlphaHistory([done])).toEqual(doneHistory)
    expect(store.getRun(done)?.status).toBe('done')

    // The requeued run is claimed again before later runs and starts from scratch.
    const again = store.claimNextRun()
    expect(again).toMatchObject({ id: dead.id, attempts: 2, stepsDone: 0 })
    expect(runIds).toContain(again?.id)
  })

  it.skipIf(!hasStartTokens())('a live process that reuses a dead owner\'s PID (container PID 1, reboot) does not keep its runs running', () => {
    sweepWith(2)
    // The owner had this very PID, but it was another process: another start time or another boot.
    const reused = store.claimNextRun({ owner: { host: hostname(), pid: process.pid, start: 'another-boot/123' } })
    const mine = store.claimNextRun()
    expect(store.resetInterrupted()).toEqual([reused?.id])
    expect(store.getRun(mine!.id)?.status).toBe('running')
    expect(processStartToken(process.pid)).toMatch(/^[0-9a-f-]+\/\d+$/)
  })

  it('resetInterrupted({ all: true }) also takes runs whose owner looks alive', () => {
    sweepWith(2)
    const a = store.claimNextRun()
    expect(store.resetInterrupted()).toEqual([])
    expect(store.resetInterrupted({ all: true })).toEqual([a?.id])
  })

  it('requeueRun puts a running run back and drops its history', () => {
    const { runIds } = sweepWith(1)
    store.claimNextRun()
    store.appendHistory(runIds[0], chunk(1, 3))
    store.requeueRun(runIds[0])
    expect(store.getRun(runIds[0])?.status).toBe('queued')
    expect(historyRows(runIds[0])).toBe(0)
    expect(() => store.requeueRun(runIds[0])).toThrow(StoreError)
  })
})
