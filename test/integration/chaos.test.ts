import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/main/store'
import { queueSweep } from '../../src/main/sweep/queue'
import { readSpecFile } from '../../src/main/sweep/spec'
import { Rng } from '../../src/shared/random'
import { runCli, spawnCli, tempHome } from '../helpers/cli'

/**
 * Chaos (issue 13): a CLI sweep and `serve` train the same database while
 * both are SIGKILLed at random moments and restarted, for a bounded time
 * (CHAOS_MS, 30 s; ~80 s with the reference sweep and the final resume). Then one uninterrupted `sweep --resume` finishes the queue.
 * Invariants: no run is done without its full history and metrics, none is
 * left queued or running, and the collapse table and every final α equal an
 * uninterrupted sweep's.
 */

const CHAOS_MS = Number(process.env.CHAOS_MS ?? 30_000)
const FIXTURE = fileURLToPath(new URL('../helpers/serve-fixture.ts', import.meta.url))
const home = tempHome('awb-chaos-')
afterAll(() => home.cleanup())

// Small: 2 λ × 3 runs of 2 epochs on 640 MNIST images (40 steps each); runs take a fraction of a second natively.
const spec = { preset: 'paper', name: 'chaos', datasets: ['mnist'], lambdas: [0, 0.05], runsPerLambda: 3, epochs: 2, subsample: 640, batchSize: 32 }
const specFile = join(home.home, 'spec.json')
writeFileSync(specFile, JSON.stringify(spec))
const ui = join(home.home, 'ui')
mkdirSync(ui)
writeFileSync(join(ui, 'index.html'), '<!doctype html><title>α</title>')

function startCli(db: string): ChildProcess {
  const p = spawnCli(['sweep', '--resume', '--db', db, '--workers', '1'], home.home)
  p.stdout?.resume()
  p.stderr?.resume()
  return p
}

function startServe(db: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', FIXTURE, db, ui, 'chaos-token-0123456789abcdef', '1'], {
    env: { ...process.env, ALPHA_WB_HOME: home.home },
    stdio: 'ignore'
  })
}

const exited = (p: ChildProcess): Promise<void> => (p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', () => r())))
const alive = (p: ChildProcess): boolean => p.exitCode === null && p.signalCode === null
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

interface RunState {
  status: string
  stepsPlanned: number | null
  lastStep: number | null
  records: number
  epochs: number
  finalAlpha: number[] | null
}

function runsOf(db: string): Map<string, RunState> {
  const store = openStore(db, { readonly: true })
  try {
    const runs = store.listRuns({ limit: 1000 }).runs
    const series = store.getAlphaHistory(runs.map((r) => r.id))
    return new Map(
      runs.map((r) => {
        const s = series.find((x) => x.runId === r.id)
        const detail = store.getRun(r.id)!
        return [
          `${r.lambda}/${r.runIndex}`,
          {
            status: r.status,
            stepsPlanned: detail.stepsPlanned,
            lastStep: s?.steps.at(-1) ?? null,
            records: s?.steps.length ?? 0,
            epochs: store.getEpochMetrics(r.id).length,
            finalAlpha: r.finalAlpha
          }
        ]
      })
    )
  } finally {
    store.close()
  }
}

function stats(db: string): unknown {
  const r = runCli(['stats', '--db', db, '--json'], home.home)
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(r.stdout)
}

describe('chaos: CLI and serve killed at random on one database', () => {
  it('ends with every run done with its full history, none stuck, and the uninterrupted sweep\'s collapse table', async () => {
    const reference = join(home.home, 'reference.db')
    const chaosDb = join(home.home, 'chaos.db')
    const ref = runCli(['sweep', '--spec', specFile, '--db', reference, '--workers', '1'], home.home)
    expect(ref.status, ref.stderr).toBe(0)

    // The same sweep queued in a fresh file; from then on both processes train it and are killed and restarted.
    const store = openStore(chaosDb)
    await queueSweep(store, readSpecFile(specFile), { cacheDir: join(home.home, 'datasets') })
    store.close()
    const rng = new Rng(2026)
    let cli: ChildProcess | null = startCli(chaosDb)
    let server: ChildProcess | null = startServe(chaosDb)
    let kills = 0
    const deadline = Date.now() + CHAOS_MS
    while (Date.now() < deadline) {
      await sleep(500 + rng.next() * 4000)
      // Kill one of the two (or both) at a random moment, then restart it.
      const which = rng.next()
      if (which < 0.45 && cli) {
        if (alive(cli)) kills++
        cli.kill('SIGKILL')
        await exited(cli)
        cli = startCli(chaosDb)
      } else if (which < 0.9) {
        if (server) {
          server.kill('SIGKILL')
          await exited(server)
          kills++
        }
        server = startServe(chaosDb)
      } else {
        for (const p of [cli, server]) if (p && alive(p)) kills++
        for (const p of [cli, server]) if (p) p.kill('SIGKILL')
        await Promise.all([cli, server].map((p) => (p ? exited(p) : Promise.resolve())))
        cli = startCli(chaosDb)
        server = startServe(chaosDb)
      }
      // Mid-way invariant: a run is never done without its full history.
      if (rng.next() < 0.3) {
        try {
          for (const [key, r] of runsOf(chaosDb)) if (r.status === 'done') expect(r.lastStep, key).toBe(r.stepsPlanned)
        } catch (err) {
          if (!/does not exist|no such table|is empty/.test(String(err))) throw err
        }
      }
    }
    for (const p of [cli, server]) if (p) p.kill('SIGKILL')
    await Promise.all([cli, server].map((p) => (p ? exited(p) : Promise.resolve())))
    const check = openStore(chaosDb, { readonly: true })
    const attempts = check.listRuns({ limit: 1000 }).runs.map((r) => r.attempts)
    check.close()
    console.log(`chaos: ${kills} SIGKILLs in ${CHAOS_MS / 1000} s; claims per run ${attempts.join(' ')}`)
    expect(kills).toBeGreaterThan(3)

    // One uninterrupted resume finishes whatever the chaos left.
    const finish = runCli(['sweep', '--resume', '--db', chaosDb, '--workers', '1'], home.home)
    expect(finish.status, finish.stderr).toBe(0)

    const expected = runsOf(reference)
    const got = runsOf(chaosDb)
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort())
    for (const [key, r] of got) {
      expect(r.status, key).toBe('done')
      expect(r.lastStep, key).toBe(r.stepsPlanned)
      expect(r.records, key).toBe(expected.get(key)!.records)
      expect(r.epochs, key).toBe(spec.epochs)
      expect(r.finalAlpha, key).toEqual(expected.get(key)!.finalAlpha)
    }
    expect(stats(chaosDb)).toEqual(stats(reference))
  }, 240_000)
})
