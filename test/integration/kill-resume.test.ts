import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
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

describe('a sweep killed with SIGKILL mid-run', () => {
  it('resumes to the same histories as an uninterrupted sweep, and never shows a run done without its history', async () => {
    const killedDb = join(home.home, 'killed.db')
    const cleanDb = join(home.home, 'clean.db')
    const args = ['sweep', '--spec', specFile, '--workers', '1', '--engine', 'tfjs']

    const child = spawnCli([...args, '--db', killedDb], home.home)
    // Kill once one run is done and the next has part of its history written.
    await waitFor(() => {
      try {
        const s = [...snapshot(killedDb).values()]
        return s.some((r) => r.status === 'done') && s.some((r) => r.status === 'running' && r.steps.length > 0)
      } catch {
        return false
      }
    }, 120_000)
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

    const clean = runCli([...args, '--db', cleanDb], home.home)
    expect(clean.status, clean.stderr).toBe(0)

    const a = snapshot(killedDb)
    const b = snapshot(cleanDb)
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort())
    expect(a.size).toBe(4)
    for (const [key, run] of a) {
      expect(run.status, key).toBe('done')
      expect(run.steps, key).toEqual(b.get(key)!.steps)
      expect(run.alphas, key).toEqual(b.get(key)!.alphas)
      expect(run.finalAlpha, key).toEqual(b.get(key)!.finalAlpha)
    }
  }, 300_000)
})
