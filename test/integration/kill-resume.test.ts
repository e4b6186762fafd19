import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/main/store'
import { runCli, spawnCli, tempHome } from '../helpers/cli'

const home = tempHome('awb-kill-')
afterAll(() => home.cleanup())

// Long enough on TF.js/wasm (~1 s a run) to be killed in the middle of a run.
const spec = { preset: 'paper', name: 'kill-test', datasets: ['mnist'], lambdas: [0, 0.03], runsPerLambda: 2, epochs: 2, subsample: 640, batchSize: 16 }
const specFile = join(home.home, 'spec.json')
writeFileSync(specFile, JSON.stringify(spec))

interface Snapshot {
  status: string
  steps: number[]
  alphas: number[][]
  finalAlpha: number[] | null
}

/** Every run of the database keyed by (λ, run index), with its full α history. */
function snapshot(db: string): Map<string, Snapshot> {
  const store = openStore(db, { create: false })
  try {
    const runs = store.listRuns({ limit: 1000 }).runs
    const series = store.getAlphaHistory(runs.map((r) => r.id))
    return new Map(
      runs.map((r) => {
        const s = series.find((x) => x.runId === r.id)!
        return [`${r.lambda}/${r.runIndex}`, { status: r.status, steps: s.steps, alphas: s.alphas, finalAlpha: r.finalAlpha }]
      })
    )
  } finally {
    store.close()
  }
}

function waitFor(pred: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (pred()) resolve()
      else if (Date.now() - started > timeoutMs) reject(new Error('timed out waiting'))
      else setTimeout(tick, 25)
    }
    tick()
  })
}

const args = ['sweep', '--spec', specFile, '--workers', '1', '--engine', 'tfjs']
let clean: Map<string, Snapshot> | null = null
/** The same sweep, uninterrupted (trained once, for both tests). */
function cleanSnapshot(): Map<string, Snapshot> {
  if (clean) return clean
  const cleanDb = join(home.home, 'clean.db')
  const r = runCli([...args, '--db', cleanDb], home.home)
  expect(r.status, r.stderr).toBe(0)
  clean = snapshot(cleanDb)
  return clean
}

/** Once one run is done and the next has part of its history written. */
function midRun(db: string): Promise<void> {
  return waitFor(() => {
    try {
      const s = [...snapshot(db).values()]
      return s.some((r) => r.status === 'done') && s.some((r) => r.status === 'running' && r.steps.length > 0)
    } catch {
      return false
    }
  }, 180_000)
}

function expectSameAsClean(db: string): void {
  const a = snapshot(db)
  const b = cleanSnapshot()
  expect(a.size).toBe(4)
  for (const [key, run] of a) {
    expect(run.status, key).toBe('done')
    expect(run.steps, key).toEqual(b.get(key)!.steps)
    expect(run.alphas, key).toEqual(b.get(key)!.alphas)
    expect(run.finalAlpha, key).toEqual(b.get(key)!.finalAlpha)
  }
}

describe('a sweep stopped with Ctrl-C (SIGINT) mid-run (issue 10, defect 3)', () => {
  it('puts the running run back in the queue at its checkpoint, exits 130, and resumes to the uninterrupted histories', async () => {
    const db = join(home.home, 'interrupted.db')
    const child = spawnCli([...args, '--db', db], home.home)
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    await midRun(db)
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    child.kill('SIGINT')
    expect(await exited, stderr).toBe(130)
    expect(stderr).toMatch(/stopping: running runs go back to the queue at their last checkpoint/)
    expect(stderr).toMatch(/Continue with: sweep --resume/)

    // Nothing is left "running", and the interrupted run keeps what it trained: history and a checkpoint at its last stored step.
    const check = openStore(db, { create: false })
    let interruptedId: number
    try {
      const runs = check.listRuns({ limit: 1000 }).runs
      expect(runs.filter((r) => r.status === 'running')).toEqual([])
      const kept = runs.filter((r) => r.status === 'queued' && check.getAlphaHistory([r.id])[0].steps.length > 0)
      expect(kept).toHaveLength(1)
      interruptedId = kept[0].id
      const stored = check.getAlphaHistory([interruptedId])[0].steps
      expect(stored.at(-1)).toBeGreaterThan(0)
      expect(check.getCheckpoint(interruptedId)?.step).toBe(stored.at(-1))
    } finally {
      check.close()
    }

    /** The stored chunks of the interrupted run, by row id: a restart from step 0 would delete and rewrite them. */
    const chunks = (): { id: number; step_start: number }[] => {
      const raw = new Database(db, { readonly: true })
      try {
        return raw.prepare('SELECT id, step_start FROM alpha_history WHERE run_id = ? ORDER BY step_start').all(interruptedId) as { id: number; step_start: number }[]
      } finally {
        raw.close()
      }
    }
    const kept = chunks()
    expect(kept.length).toBeGreaterThan(0)

    const resumed = runCli(['sweep', '--resume', '--workers', '1', '--engine', 'tfjs', '--db', db], home.home)
    expect(resumed.status, resumed.stderr).toBe(0)
    expectSameAsClean(db)
    // It continued from the checkpoint: the chunks stored before Ctrl-C are the same rows, and more follow them.
    const after = chunks()
    expect(after.slice(0, kept.length)).toEqual(kept)
    expect(after.length).toBeGreaterThan(kept.length)
  }, 300_000)
})

describe('a sweep killed with SIGKILL mid-run', () => {
  it('resumes to the same histories as an uninterrupted sweep, and never shows a run done without its history', async () => {
    const killedDb = join(home.home, 'killed.db')

    const child = spawnCli([...args, '--db', killedDb], home.home)
    await midRun(killedDb)
    child.kill('SIGKILL')
    await new Promise((resolve) => child.once('exit', resolve))

    const afterKill = [...snapshot(killedDb).values()]
    expect(afterKill.some((r) => r.status === 'running')).toBe(true)
    for (const r of afterKill.filter((x) => x.status === 'done')) {
      expect(r.steps.length).toBe(80) // 640 images / 16 = 40 steps × 2 epochs
      expect(r.steps.at(-1)).toBe(80)
    }

    // kill -9 loses at most the steps since the last stored chunk: the interrupted run keeps its stored history.
    const check = openStore(killedDb, { create: false })
    try {
      const running = check.listRuns({ limit: 1000 }).runs.find((r) => r.status === 'running')!
      const stored = check.getAlphaHistory([running.id])[0].steps
      expect(stored.length).toBeGreaterThan(0)
      expect(check.getCheckpoint(running.id)?.step, 'a checkpoint with the last stored chunk').toBe(stored.at(-1))
    } finally {
      check.close()
    }

    const resumed = runCli(['sweep', '--resume', '--workers', '1', '--engine', 'tfjs', '--db', killedDb], home.home)
    expect(resumed.status, resumed.stderr).toBe(0)
    expect(resumed.stderr).toMatch(/resuming 1 run\(s\) interrupted earlier from their last checkpoint/)

    const a = snapshot(killedDb)
    const b = cleanSnapshot()
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort())
    expectSameAsClean(killedDb)
  }, 300_000)
})
