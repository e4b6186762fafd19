import { DEFAULT_ALPHA_GRID, PAPER_TRAIN_DEFAULTS, type TrainConfig } from '../../shared/config'
import { loadDataset, subsample } from '../data'
import { chooseEngine, createEngine, type EngineChoice } from '../engine/select'
import { nativeAvailable } from '../engine/native-engine'
import { initTfjs } from '../engine/tfjs-backend'
import { epochOrder, initialParams } from '../engine/init'
import { trainRun } from '../engine/trainer'
import { defaultDatasetCacheDir } from '../paths'
import { numberFlag, parseCommand } from './args'

export const BENCH_HELP = `bench [step] [--runs N] [--engine auto|native|tfjs|all]
  ms per batch-64 training step and seconds per full paper run (10 epochs ×
  10,000 images, 1,570 steps) on each engine, median of N runs (default 3).`

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
  if (which !== 'native') {
    const tfjs = await initTfjs()
    out.push({ kind: 'tfjs', backend: tfjs.active, notes: [], tfjs })
  }
  return out
}

export async function bench(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { runs: { type: 'string' }, engine: { type: 'string' } }, true)
  const mode = positionals[0] ?? 'step'
  if (mode !== 'step') throw new Error(`unknown bench '${mode}' (available: step)`)
  const runs = numberFlag('runs', values.runs, 3, { min: 1, integer: true })
  const ds = await loadDataset('fashion-mnist', { cacheDir: defaultDatasetCacheDir() })
  const train = subsample(ds.train, 10_000, 0)
  console.log(`bench step: paper network, batch 64, ${train.count} training images, ${ds.test.count} test images; median of ${runs}`)
  for (const choice of await engines(values.engine ?? 'all')) {
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
