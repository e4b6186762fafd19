import { DEFAULT_ALPHA_GRID, PAPER_TRAIN_DEFAULTS, type TrainConfig } from '../../shared/config'
import { loadDataset, subsample } from '../data'
import { chooseEngine, createEngine, type EngineChoice } from '../engine/select'
import { measuredPeakGflops, nativeAvailable } from '../engine/native-engine'
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
import { flopsPerStep } from '../bench/flops'
import { TORCH_FORMULATIONS, TORCH_LABELS, runTorchSweep, torchUnavailable, writeTorchData, type TorchSweepResult } from '../bench/pytorch'
import { printBreakdown, machineLine } from '../bench/report'
import { benchIngest, benchThroughput, startRedisServer, type IngestResult } from '../bench/cluster-bench'
import type { EnginePreference } from '../engine/select'
import { ENGINE_PREFERENCES } from '../../shared/constants'

export const BENCH_HELP = `bench [step|sweep|compare|cluster|store] [options]        (npm run bench -- <mode> …)
  step     ms per batch-64 training step and seconds per full paper run
           (10 epochs × 10,000 images, 1,570 steps) on each engine, median of
           --runs N (default 3); --engine auto|native|tfjs|all (default all).
  sweep    the paper preset's sweep (66 runs) through the real pipeline
           (worker threads, every α written to SQLite): wall time, runs/s,
           ms/step, GFLOP/s, the share of the FMA peak measured on this
           machine (end to end and kernel alone), and where the core-seconds
           went (kernel, evaluation, parameter copies, worker JS, SQLite
           writes, main thread, idle). --fraction F runs F of the runs per λ
           (default 1); --workers N.
  compare  the same sweep through α-Workbench and three PyTorch formulations
           of bench/pytorch_sweep.py (Debian's python3-torch, one
           single-thread process per core) on the same images, in one
           invocation: a careful per-run loop, all runs at once with grouped
           convolutions, and the study's script style; wall time, ms/step,
           test accuracy and the ratio against the fastest. By default PyTorch
           trains every run for --torch-epochs N (default 1) of the sweep's 10
           epochs and its times are extrapolated to the full sweep (labelled
           so); --full trains all epochs (about 15 minutes on 2 cores).
           Skipped with a message where PyTorch is absent. --fraction F,
           --workers N.
  cluster  through BullMQ and a throw-away redis-server: the same scaled paper
           sweep (--runs N runs, 2 epochs) on local threads, 1 and 2 worker
           processes; then the coordinator's ingest with simulated workers
           returning stored full-length runs (60,000 images, 10 epochs) at
           full speed (--ingest-runs N, default 60): runs/s, α records/s, CPU.
  store    builds a temporary 100,000-run database and times the UI's reads
           (a filtered, sorted page of 50 runs, the collapse table over all
           runs, the α history of 100 runs) and prints the file's size:
           bench/store.ts.`

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
    {
      runs: { type: 'string' },
      engine: { type: 'string' },
      fraction: { type: 'string' },
      workers: { type: 'string' },
      full: { type: 'boolean' },
      'torch-epochs': { type: 'string' },
      'ingest-runs': { type: 'string' }
    },
    true
  )
  const mode = positionals[0] ?? 'step'
  if (mode === 'sweep' || mode === 'compare') {
    const fraction = numberFlag('fraction', values.fraction, 1, { min: 0.01, max: 1 })
    const workers = numberFlag('workers', values.workers, cpus().length, { min: 1, max: 64, integer: true })
    const engine = oneOf('engine', values.engine, ENGINE_PREFERENCES, 'auto')
    if (mode === 'sweep') return sweepMode(fraction, workers, engine)
    const torchEpochs = values.full ? undefined : numberFlag('torch-epochs', values['torch-epochs'], 1, { min: 1, max: 1000, integer: true })
    return compareMode(fraction, workers, engine, torchEpochs)
  }
  if (mode === 'store') {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot(), 'bench', 'store.ts')], { stdio: 'inherit' })
    return r.status ?? 1
  }
  if (mode === 'cluster') {
    return clusterMode(
      numberFlag('runs', values.runs, 8, { min: 2, max: 200, integer: true }),
      numberFlag('ingest-runs', values['ingest-runs'], 60, { min: 4, max: 5000, integer: true })
    )
  }
  if (mode !== 'step') throw new CliError(`unknown bench '${mode}' (available: step, sweep, compare, cluster, store)`)
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

/** The measured FMA peak per core for the engine's ISA (native), else null. */
function peakFor(engineLabel: string): { isa: string; gflops: number } | null {
  const [kind, isa] = engineLabel.split('/')
  if (kind !== 'native' || !isa) return null
  return { isa, gflops: measuredPeakGflops(isa) }
}

function report(label: string, r: SweepBenchResult, flopsStep: number, peak: { isa: string; gflops: number } | null): void {
  const gflops = (r.steps * flopsStep) / r.wallSeconds / 1e9
  const perCore = gflops / r.workers
  console.log(`  ${label}`)
  console.log(`    wall time      ${r.wallSeconds.toFixed(2)} s for ${r.runs} runs, ${r.steps.toLocaleString('en')} steps on ${r.workers} worker(s)`)
  console.log(`    throughput     ${(r.runs / r.wallSeconds).toFixed(2)} runs/s; ${((r.wallSeconds * 1000 * r.workers) / r.steps).toFixed(3)} ms per step per worker (incl. evaluation and storage)`)
  const share = peak ? ` = ${((100 * perCore) / peak.gflops).toFixed(1)}% of the measured ${peak.isa} FMA peak (${peak.gflops.toFixed(1)} GFLOP/s per core; goal ≥ 60%)` : ''
  console.log(`    arithmetic     ${gflops.toFixed(1)} GFLOP/s, ${perCore.toFixed(1)} per core end to end${share}`)
  console.log(`    test accuracy  ${(r.meanTestAccuracy * 100).toFixed(2)}% (mean over runs, after the last epoch)`)
}

async function sweepMode(fraction: number, workers: number, engine: EnginePreference): Promise<number> {
  const spec = scaledPaperSpec(presetSpec('paper'), fraction)
  const flopsStep = flopsPerStep(spec.network, spec.batchSize)
  console.log(`bench sweep: ${spec.name}, ${(flopsStep / 1e6).toFixed(1)} MFLOP per batch-${spec.batchSize} step`)
  const r = await benchSweep(spec, { cacheDir: defaultDatasetCacheDir(), workers, engine })
  const peak = peakFor(r.engine)
  console.log(machineLine(r.loadBefore))
  report(`α-Workbench (${r.engine} × ${r.workers})`, r, flopsStep, peak)
  const d = r.loopDelayMs
  console.log(`    main-thread event-loop delay during the sweep: p50 ${d.p50.toFixed(1)} ms, p99 ${d.p99.toFixed(1)} ms, max ${d.max.toFixed(1)} ms`)
  if (r.breakdown) printBreakdown(r.breakdown, r.wallSeconds, r.workers, flopsStep, peak)
  else console.log('    (no breakdown: the engine is not native)')
  return 0
}

interface CompareRow {
  label: string
  /** Measured wall time of what was run. */
  wall: number
  /** The full sweep's wall time: measured, or extrapolated from the epochs run. */
  fullWall: number
  extrapolated: boolean
  msPerStep: number
  cpuMsPerStep: number | null
  systemSeconds: number | null
  accuracy: number
  accuracyNote: string
  torch: boolean
}

async function compareMode(fraction: number, workers: number, engine: EnginePreference, torchEpochs: number | undefined): Promise<number> {
  const spec = scaledPaperSpec(presetSpec('paper'), fraction)
  const flopsStep = flopsPerStep(spec.network, spec.batchSize)
  const epochs = Math.min(torchEpochs ?? spec.epochs, spec.epochs)
  console.log(`bench compare: ${spec.name}, ${spec.epochs} epochs; every side trains the same ${spec.subsample} images with ${workers} worker(s)`)
  const ours = await benchSweep(spec, { cacheDir: defaultDatasetCacheDir(), workers, engine })
  const peak = peakFor(ours.engine)
  console.log(machineLine(ours.loadBefore))
  report(`α-Workbench (${ours.engine} × ${ours.workers})`, ours, flopsStep, peak)
  const rows: CompareRow[] = [
    {
      label: `α-Workbench (${ours.engine})`,
      wall: ours.wallSeconds,
      fullWall: ours.wallSeconds,
      extrapolated: false,
      msPerStep: (ours.wallSeconds * 1000 * ours.workers) / ours.steps,
      cpuMsPerStep: (ours.cpuSeconds * 1000) / ours.steps,
      systemSeconds: null,
      accuracy: ours.meanTestAccuracy,
      accuracyNote: `after ${spec.epochs} epochs`,
      torch: false
    }
  ]
  const missing = torchUnavailable()
  if (missing) {
    console.log(`  PyTorch: skipped — ${missing}`)
    return 0
  }
  const ds = await loadDataset(spec.datasets[0], { cacheDir: defaultDatasetCacheDir() })
  const train = subsample(ds.train, spec.subsample, spec.seed)
  const dir = mkdtempSync(join(tmpdir(), 'awb-torch-'))
  let torchVersion = ''
  try {
    const file = writeTorchData(dir, train, ds.test)
    for (const form of TORCH_FORMULATIONS) {
      const t: TorchSweepResult = runTorchSweep(spec, form, file, workers, epochs)
      torchVersion = t.torch
      const scale = spec.epochs / t.epochs
      rows.push({
        label: TORCH_LABELS[form],
        wall: t.wall_seconds,
        fullWall: t.wall_seconds * scale,
        extrapolated: scale !== 1,
        msPerStep: (t.wall_seconds * 1000 * workers) / t.steps,
        cpuMsPerStep: ((t.user_seconds + t.system_seconds) * 1000) / t.steps,
        systemSeconds: t.system_seconds,
        accuracy: t.mean_test_accuracy,
        accuracyNote: `after ${t.epochs} epoch${t.epochs === 1 ? '' : 's'}`,
        torch: true
      })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const fastest = rows.filter((r) => r.torch).reduce((a, b) => (b.fullWall < a.fullWall ? b : a))
  console.log(`\n  PyTorch ${torchVersion}, ${workers} process(es) × 1 thread; ${epochs === spec.epochs ? 'every run trained in full' : `every run trained for ${epochs} of ${spec.epochs} epochs, times × ${spec.epochs / epochs} for the full sweep (marked ~)`}`)
  console.log(`  ${'formulation'.padEnd(48)} ${'wall s'.padStart(8)} ${'full sweep s'.padStart(13)} ${'ms/step/worker'.padStart(15)} ${'CPU ms/step'.padStart(12)} ${'sys s'.padStart(7)}  test accuracy          vs fastest PyTorch`)
  for (const r of rows) {
    const vs = r === fastest ? 'fastest PyTorch' : r.torch ? `${(r.fullWall / fastest.fullWall).toFixed(2)}× its time` : `${(fastest.fullWall / r.fullWall).toFixed(1)}× faster`
    console.log(
      `  ${r.label.padEnd(48)} ${r.wall.toFixed(1).padStart(8)} ${((r.extrapolated ? '~' : '') + r.fullWall.toFixed(1)).padStart(13)} ${r.msPerStep.toFixed(3).padStart(15)} ${(r.cpuMsPerStep === null ? '—' : r.cpuMsPerStep.toFixed(3)).padStart(12)} ${(r.systemSeconds === null ? '—' : r.systemSeconds.toFixed(1)).padStart(7)}  ${((r.accuracy * 100).toFixed(2) + '% ' + r.accuracyNote).padEnd(22)} ${vs}`
    )
  }
  const ratio = fastest.fullWall / ours.wallSeconds
  console.log(`  ratio: α-Workbench is ${ratio.toFixed(1)}× faster than the fastest PyTorch formulation (${fastest.label}${fastest.extrapolated ? ', extrapolated' : ''}) in wall time; goal ≥ 10×: ${ratio >= 10 ? 'met' : 'not met'}`)
  const cpuRatio = fastest.cpuMsPerStep! / rows[0].cpuMsPerStep!
  console.log(`         in CPU time per step (what a busy machine distorts least): ${cpuRatio.toFixed(1)}×`)
  return 0
}

async function clusterMode(runs: number, ingestRuns: number): Promise<number> {
  const cacheDir = defaultDatasetCacheDir()
  const paper = presetSpec('paper')
  const spec = { ...paper, name: 'bench cluster', lambdas: [0.01], runsPerLambda: runs, epochs: 2 }
  const redis = await startRedisServer()
  const isa = nativeAvailable()
  console.log(`bench cluster: ${cpus().length} core(s), ${isa.ok ? `native/${isa.isa}` : 'no native kernel'}; redis-server on ${redis.url} (AOF on)`)
  try {
    console.log(`  throughput: ${runs} paper-network runs (10,000 images, 2 epochs = 314 steps each), workers started beforehand`)
    const rows = await benchThroughput(spec, { cacheDir, url: redis.url })
    const local = rows[0]
    for (const r of rows) {
      const overhead = ((r.wallSeconds / local.wallSeconds - 1) * 100).toFixed(0)
      console.log(
        `    ${r.label.padEnd(44)} ${r.wallSeconds.toFixed(2).padStart(6)} s  ${(r.steps / r.wallSeconds).toFixed(0).padStart(5)} steps/s  ${(r.runs / r.wallSeconds).toFixed(2)} runs/s` +
          (r === local ? '' : `  (${overhead}% vs local)`)
      )
    }
    const msPerStepThread = (local.wallSeconds * 1000 * cpus().length) / local.steps
    const ds = await loadDataset('fashion-mnist', { cacheDir })
    const fullSpec = { ...paper, name: 'bench ingest', lambdas: [0.01], runsPerLambda: ingestRuns, subsample: null, epochs: 10 }
    const stepsPerRun = Math.ceil(ds.train.count / 64) * 10
    console.log(`  ingest: ${ingestRuns} full paper runs (${ds.train.count.toLocaleString('en')} images, 10 epochs = ${stepsPerRun.toLocaleString('en')} steps, every α recorded) from 32 simulated worker threads`)
    const ingest: IngestResult[] = []
    for (const live of [false, true]) {
      const r = await benchIngest(fullSpec, { cacheDir, url: redis.url, simWorkers: 32, live, trainCount: ds.train.count })
      ingest.push(r)
      console.log(
        `    ${live ? 'with live α progress (a chunk / 64 steps)' : 'results only (no live progress)'.padEnd(41)}  ${(r.runs / r.wallSeconds).toFixed(2).padStart(6)} runs/s  ` +
          `${Math.round(r.records / r.wallSeconds).toLocaleString('en').padStart(10)} α records/s  coordinator CPU ${(r.coordinatorCores * 100).toFixed(0)}% of a core, Redis ${(r.redisCores * 100).toFixed(0)}%`
      )
    }
    const secondsPerRun = (msPerStepThread * stepsPerRun) / 1000
    console.log(`  one worker thread: ${msPerStepThread.toFixed(2)} ms per step (incl. evaluation) → ${secondsPerRun.toFixed(0)} s per full paper run`)
    for (const r of ingest) {
      const threads = (r.runs / r.wallSeconds) * secondsPerRun
      const cpuMsPerRun = (r.coordinatorCores * r.wallSeconds * 1000) / r.runs
      const coreBound = 1000 / cpuMsPerRun
      console.log(
        `  ${r.liveProgress ? 'with live progress' : 'results only'}: measured ingest keeps ≈${Math.floor(threads).toLocaleString('en')} worker threads busy; ` +
          `the coordinator spends ${cpuMsPerRun.toFixed(0)} ms of CPU per run, so one dedicated core would take ≈${coreBound.toFixed(1)} runs/s ≈ ${Math.floor(coreBound * secondsPerRun).toLocaleString('en')} worker threads`
      )
    }
  } finally {
    await redis.stop()
  }
  return 0
}
