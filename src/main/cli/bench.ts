import { DEFAULT_ALPHA_GRID, PAPER_TRAIN_DEFAULTS, type TrainConfig } from '../../shared/config'
import { loadDataset, subsample } from '../data'
import { chooseEngine, createEngine, type EngineChoice } from '../engine/select'
import { nativeAvailable } from '../engine/native-engine'
import { epochOrder, initialParams } from '../engine/init'
import { trainRun } from '../engine/trainer'
import { defaultDatasetCacheDir, projectRoot } from '../paths'
import { CliError, numberFlag, oneOf, parseCommand } from './args'
import { cpus } from 'node:os'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { presetSpec } from '../sweep/spec'
import { benchSweep, scaledPaperSpec, type SweepBenchResult } from '../bench/sweep-bench'
import { cpuPeak, flopsPerStep } from '../bench/flops'
import { runTorchSweep, torchUnavailable, writeTorchData } from '../bench/pytorch'
import type { EnginePreference } from '../engine/select'

export const BENCH_HELP = `bench [step|sweep|compare] [options]        (npm run bench -- <mode> …)
  step     ms per batch-64 training step and seconds per full paper run
           (10 epochs × 10,000 images, 1,570 steps) on each engine, median of
           --runs N (default 3); --engine auto|native|tfjs|all (default all).
  sweep    the paper preset's sweep (66 runs) through the real pipeline
           (worker threads, every α written to SQLite): wall time, runs/s,
           ms/step, GFLOP/s and share of the CPU's fp32 peak.
           --fraction F runs F of the runs per λ (default 1); --workers N.
  compare  the same sweep through bench/pytorch_sweep.py (Debian's
           python3-torch, one process per core) and through α-Workbench,
           in one invocation, and prints the ratio. Skipped with a message
           where PyTorch is absent. --fraction F, --workers N.
  store    fills a temporary database with a 1,000-run sweep (1,570 steps × 3 α
           each) and times the UI's reads (collapse table, α history of 100
           runs, a page of runs): bench/store.ts.`

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

function paperConfig(seed: number): TrainConfig {
  return {
    ...PAPER_TRAIN_DEFAULTS,
    lambda: 0.01,
    alphaInit: { kind: 'grid', grid: [...DEFAULT_ALPHA_GRID] },
    seeds: { weights: seed, alpha: seed, order: seed, subsample: seed }
  }
}

async function engines(which: string): Promise<EngineChoice[]> {
  const out: EngineChoice[] = []
  if ((which === 'all' || which === 'native' || which === 'auto') && nativeAvailable().ok) {
    out.push(await chooseEngine('native', PAPER_TRAIN_DEFAULTS.network))
    if (which === 'auto') return out
  }
  if (which !== 'native') out.push(await chooseEngine('tfjs', PAPER_TRAIN_DEFAULTS.network))
  return out
}

export async function bench(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    { runs: { type: 'string' }, engine: { type: 'string' }, fraction: { type: 'string' }, workers: { type: 'string' } },
    true
  )
  const mode = positionals[0] ?? 'step'
  if (mode === 'sweep' || mode === 'compare') {
    const fraction = numberFlag('fraction', values.fraction, 1, { min: 0.01, max: 1 })
    const workers = numberFlag('workers', values.workers, cpus().length, { min: 1, max: 64, integer: true })
    const engine = oneOf('engine', values.engine, ['auto', 'native', 'tfjs'] as const, 'auto')
    return mode === 'sweep' ? sweepMode(fraction, workers, engine) : compareMode(fraction, workers, engine)
  }
  if (mode === 'store') {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot(), 'bench', 'store.ts')], { stdio: 'inherit' })
    return r.status ?? 1
  }
  if (mode !== 'step') throw new CliError(`unknown bench '${mode}' (available: step, sweep, compare, store)`)
  return stepMode(numberFlag('runs', values.runs, 3, { min: 1, integer: true }), values.engine ?? 'all')
}

async function stepMode(runs: number, which: string): Promise<number> {
  const ds = await loadDataset('fashion-mnist', { cacheDir: defaultDatasetCacheDir() })
  const train = subsample(ds.train, 10_000, 0)
  console.log(`bench step: paper network, batch 64, ${train.count} training images, ${ds.test.count} test images; median of ${runs}`)
  for (const choice of await engines(which)) {
    const label = `${choice.kind}/${choice.backend}`
    const config = paperConfig(0)
    // ms/step: 200 steps on one engine instance after a 20-step warm-up, repeated.
    const engine = createEngine(choice, config)
    engine.setParams(initialParams(config))
    engine.setTrainData(train)
    const order = epochOrder(train.count, 0, 0)
    const steps = 150
    const alphaOut = new Float32Array(steps * 3)
    const lossOut = new Float32Array(steps)
    engine.trainSteps(order, 64, 0, 4, alphaOut, lossOut)
    const stepMs: number[] = []
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now()
      engine.trainSteps(order, 64, 0, steps, alphaOut, lossOut)
      stepMs.push((performance.now() - t0) / steps)
    }
    engine.dispose()
    console.log(`  ${label.padEnd(16)} ${median(stepMs).toFixed(3)} ms/step (runs: ${stepMs.map((m) => m.toFixed(3)).join(', ')})`)
    const runSeconds: number[] = []
    for (let r = 0; r < runs; r++) {
      const e = createEngine(choice, paperConfig(r))
      const t0 = performance.now()
      const outcome = trainRun(paperConfig(r), train, ds.test, e)
      runSeconds.push((performance.now() - t0) / 1000)
      e.dispose()
      console.log(`  ${label.padEnd(16)} paper run ${r + 1}/${runs}: ${runSeconds[r].toFixed(2)} s, test accuracy ${((outcome.epochs.at(-1)?.testAccuracy ?? 0) * 100).toFixed(2)}%`)
    }
    console.log(`  ${label.padEnd(16)} ${median(runSeconds).toFixed(2)} s per full paper run (1,570 steps + 10 test evaluations), median of ${runs}`)
  }
  return 0
}

function report(label: string, r: SweepBenchResult | { wallSeconds: number; runs: number; steps: number; workers: number }, flopsStep: number): void {
  const peak = cpuPeak()
  const gflops = (r.steps * flopsStep) / r.wallSeconds / 1e9
  const perCore = gflops / r.workers
  console.log(`  ${label}`)
  console.log(`    wall time      ${r.wallSeconds.toFixed(2)} s for ${r.runs} runs, ${r.steps.toLocaleString('en')} steps on ${r.workers} worker(s)`)
  console.log(`    throughput     ${(r.runs / r.wallSeconds).toFixed(2)} runs/s; ${((r.wallSeconds * 1000 * r.workers) / r.steps).toFixed(3)} ms per step per worker (incl. evaluation and storage)`)
  console.log(`    arithmetic     ${gflops.toFixed(1)} GFLOP/s, ${perCore.toFixed(1)} per core = ${((100 * perCore) / peak.peakGflops).toFixed(1)}% of the ${peak.isa} fp32 peak (${peak.peakGflops.toFixed(0)} GFLOP/s per core at ${(peak.mhz / 1000).toFixed(2)} GHz)`)
}

async function sweepMode(fraction: number, workers: number, engine: EnginePreference): Promise<number> {
  const spec = scaledPaperSpec(presetSpec('paper'), fraction)
  const flopsStep = flopsPerStep(spec.network, spec.batchSize)
  console.log(`bench sweep: ${spec.name}, ${(flopsStep / 1e6).toFixed(1)} MFLOP per batch-${spec.batchSize} step; ${cpuPeak().model}`)
  const r = await benchSweep(spec, { cacheDir: defaultDatasetCacheDir(), workers, engine })
  report(`α-Workbench (${r.engine} × ${r.workers})`, r, flopsStep)
  console.log(`    mean test accuracy ${(r.meanTestAccuracy * 100).toFixed(2)}%`)
  const d = r.loopDelayMs
  console.log(`    main-thread event-loop delay during the sweep: p50 ${d.p50.toFixed(1)} ms, p99 ${d.p99.toFixed(1)} ms, max ${d.max.toFixed(1)} ms`)
  return 0
}

async function compareMode(fraction: number, workers: number, engine: EnginePreference): Promise<number> {
  const spec = scaledPaperSpec(presetSpec('paper'), fraction)
  const flopsStep = flopsPerStep(spec.network, spec.batchSize)
  console.log(`bench compare: ${spec.name}; both sides train the same ${spec.subsample} images with ${workers} worker(s); ${cpuPeak().model}`)
  const ours = await benchSweep(spec, { cacheDir: defaultDatasetCacheDir(), workers, engine })
  report(`α-Workbench (${ours.engine} × ${ours.workers})`, ours, flopsStep)
  const missing = torchUnavailable()
  if (missing) {
    console.log(`  PyTorch: skipped — ${missing}`)
    return 0
  }
  const ds = await loadDataset(spec.datasets[0], { cacheDir: defaultDatasetCacheDir() })
  const train = subsample(ds.train, spec.subsample, spec.seed)
  const dir = mkdtempSync(join(tmpdir(), 'awb-torch-'))
  try {
    const torch = runTorchSweep(spec, writeTorchData(dir, train, ds.test), workers)
    report(`PyTorch ${torch.torch} (${workers} process(es), 1 thread each)`, { wallSeconds: torch.wall_seconds, runs: torch.runs, steps: torch.steps, workers }, flopsStep)
    const torchAcc = torch.results.reduce((a, r) => a + r.test_accuracy, 0) / torch.results.length
    console.log(`    mean test accuracy ${(torchAcc * 100).toFixed(2)}% (α-Workbench: ${(ours.meanTestAccuracy * 100).toFixed(2)}%)`)
    console.log(`  ratio: α-Workbench is ${(torch.wall_seconds / ours.wallSeconds).toFixed(1)}× faster than PyTorch on the same work (${torch.wall_seconds.toFixed(1)} s vs ${ours.wallSeconds.toFixed(1)} s)`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return 0
}
