import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { expandLambdas, type SweepSpec } from '../../shared/sweep-spec'
import { collapseTable } from '../analysis'
import type { EnginePreference } from '../engine/select'
import { openStore } from '../store'
import { queueSweep } from '../sweep/queue'
import { SweepRunner } from '../sweep/runner'
import type { CollapseRow } from '../../shared/results'

export interface SweepBenchResult {
  wallSeconds: number
  runs: number
  steps: number
  workers: number
  engine: string
  collapse: CollapseRow[]
  meanTestAccuracy: number
  /** Main-thread event-loop delay while training (ms): what a UI on this thread would feel. */
  loopDelayMs: { p50: number; p99: number; max: number }
}

/**
 * Runs a sweep exactly as a user's would (worker threads, every step's α
 * written to SQLite) on a throw-away database, and times it from queueing to
 * the last run marked done.
 */
export async function benchSweep(spec: SweepSpec, opts: { cacheDir: string; workers: number; engine: EnginePreference }): Promise<SweepBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'awb-bench-'))
  const store = openStore(join(dir, 'bench.db'))
  try {
    const loop = monitorEventLoopDelay({ resolution: 5 })
    loop.enable()
    const started = performance.now()
    const { sweep } = await queueSweep(store, spec, { cacheDir: opts.cacheDir })
    const runner = new SweepRunner({ store, cacheDir: opts.cacheDir, workers: opts.workers, engine: opts.engine, sweepId: sweep.id })
    let engine = ''
    runner.on('run-started', (_r, info) => (engine = `${info.engine}/${info.backend}`))
    let failed = ''
    runner.on('run-failed', (id, err) => (failed ||= `run ${id}: ${err}`))
    runner.start()
    await runner.whenIdle()
    const wallSeconds = (performance.now() - started) / 1000
    loop.disable()
    await runner.stop()
    if (failed) throw new Error(`bench sweep failed: ${failed}`)
    const progress = store.sweepProgress(sweep.id)
    const finals = store.listFinalAlphas({ sweepId: sweep.id })
    const runs = store.listRuns({ sweepId: sweep.id, limit: 10_000 }).runs
    const accuracies = runs.map((r) => r.testAccuracy ?? 0)
    return {
      wallSeconds,
      runs: progress.done,
      steps: progress.stepsDone,
      workers: runner.workerCount,
      engine,
      collapse: collapseTable(finals),
      meanTestAccuracy: accuracies.reduce((a, b) => a + b, 0) / Math.max(1, accuracies.length),
      loopDelayMs: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 }
    }
  } finally {
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The paper sweep scaled to a fraction of its runs per λ (all 11 λ kept), for quicker benchmarks. */
export function scaledPaperSpec(base: SweepSpec, fraction: number): SweepSpec {
  const runsPerLambda = Math.max(1, Math.round(base.runsPerLambda * fraction))
  return { ...base, name: `bench (${runsPerLambda}/${base.runsPerLambda} runs per λ × ${expandLambdas(base.lambdas).length} λ)`, runsPerLambda }
}
