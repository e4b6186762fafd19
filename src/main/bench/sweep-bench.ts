import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance as perf } from 'node:perf_hooks'
import { loadavg } from 'node:os'
import { expandLambdas, type SweepSpec } from '../../shared/sweep-spec'
import { collapseTable } from '../analysis'
import type { EnginePreference } from '../engine/select'
import { openStore, type Store } from '../store'
import { nativeCounters, type NativeCounters } from '../engine/native-engine'
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
  /** Where the time went (native engine only; null for TF.js). */
  breakdown: SweepBreakdown | null
  /** CPU seconds of the whole process (all threads) during the sweep. */
  cpuSeconds: number
  /** 1-minute load average before the sweep started. */
  loadBefore: number
}

/**
 * The sweep's core-seconds (workers × wall) split by what used them. Native
 * calls are timed inside the addon (thread CPU time, summed over workers);
 * store calls on the main thread are timed around each call; the rest is
 * derived from the process's CPU time and the main thread's busy time.
 */
export interface SweepBreakdown {
  coreSeconds: number
  /** Kernel: trainSteps (forward, backward, SGD). */
  kernel: number
  /** Per-epoch evaluation of the test split. */
  evaluation: number
  /** setParams/getParams: initial parameters and checkpoints. */
  paramCopies: number
  /** Worker JavaScript: chunk copies, history rows, messages (worker CPU outside native calls). */
  workerJs: number
  /** SQLite writes on the main thread, by store method. */
  storeWrites: Record<string, number>
  /** Other main-thread work (CPU time): message handling, events, queueing, loading the dataset. */
  mainOther: number
  /** Core time nobody in the process used: thread hand-offs, waits between runs, other load on the machine. */
  idle: number
  /** The kernel's own thread CPU time per step (s). */
  kernelCpuPerStep: number
  native: NativeCounters
}

/**
 * CPU seconds of the main thread alone (Linux: /proc/self/task/<pid>/stat, in
 * clock ticks of 10 ms), or null elsewhere. Unlike event-loop utilisation it
 * does not count time the thread waited for a core on a busy machine.
 */
function mainThreadCpuSeconds(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // Fields 14 and 15 of stat(5) (utime, stime) are 11 and 12 after the state field.
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return null
  }
}

/** Wraps every method of the store instance to sum its main-thread time by name. */
function timeStore(store: Store): Map<string, number> {
  const spent = new Map<string, number>()
  const proto = Object.getPrototypeOf(store) as Record<string, unknown>
  for (const name of Object.getOwnPropertyNames(proto)) {
    const fn = proto[name]
    if (name === 'constructor' || typeof fn !== 'function') continue
    Object.defineProperty(store, name, {
      configurable: true,
      value: (...args: unknown[]) => {
        const t0 = perf.now()
        try {
          return (fn as (...a: unknown[]) => unknown).apply(store, args)
        } finally {
          spent.set(name, (spent.get(name) ?? 0) + (perf.now() - t0) / 1000)
        }
      }
    })
  }
  return spent
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
    const loadBefore = loadavg()[0]
    const storeTime = timeStore(store)
    nativeCounters(true)
    const loop = monitorEventLoopDelay({ resolution: 5 })
    loop.enable()
    const elu0 = perf.eventLoopUtilization()
    const main0 = mainThreadCpuSeconds()
    const cpu0 = process.cpuUsage()
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
    const cpu = process.cpuUsage(cpu0)
    const main1 = mainThreadCpuSeconds()
    const mainBusy = main0 !== null && main1 !== null ? main1 - main0 : perf.eventLoopUtilization(elu0).active / 1000
    const native = nativeCounters()
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
      loopDelayMs: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
      loadBefore,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      breakdown:
        native && native.trainSteps.calls > 0
          ? breakdown(wallSeconds * runner.workerCount, (cpu.user + cpu.system) / 1e6, mainBusy, native, storeTime)
          : null
    }
  } finally {
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

function breakdown(coreSeconds: number, processCpu: number, mainBusy: number, native: NativeCounters, storeTime: Map<string, number>): SweepBreakdown {
  const kernel = native.trainSteps.cpuSeconds
  const evaluation = native.evaluate.cpuSeconds
  const paramCopies = native.params.cpuSeconds
  const storeWrites = Object.fromEntries([...storeTime].filter(([, s]) => s > 0).sort((a, b) => b[1] - a[1]))
  const storeTotal = Object.values(storeWrites).reduce((a, b) => a + b, 0)
  const workerJs = Math.max(0, processCpu - mainBusy - kernel - evaluation - paramCopies)
  const mainOther = Math.max(0, mainBusy - storeTotal)
  const used = kernel + evaluation + paramCopies + workerJs + storeTotal + mainOther
  return {
    coreSeconds,
    kernel,
    evaluation,
    paramCopies,
    workerJs,
    storeWrites,
    mainOther,
    idle: Math.max(0, coreSeconds - used),
    kernelCpuPerStep: kernel / Math.max(1, native.trainSteps.items),
    native
  }
}

/** The paper sweep scaled to a fraction of its runs per λ (all 11 λ kept), for quicker benchmarks. */
export function scaledPaperSpec(base: SweepSpec, fraction: number): SweepSpec {
  const runsPerLambda = Math.max(1, Math.round(base.runsPerLambda * fraction))
  return { ...base, name: `bench (${runsPerLambda}/${base.runsPerLambda} runs per λ × ${expandLambdas(base.lambdas).length} λ)`, runsPerLambda }
}
