import { DEFAULT_ALPHA_GRID, PAPER_TRAIN_DEFAULTS, type TrainConfig } from '../../shared/config'
import { Rng } from '../../shared/random'
import { initialParams } from './init'
import { createEngine, type EngineChoice } from './select'

/**
 * A quick measure of one engine's speed (ms per batch-64 step of the paper's
 * network) on synthetic images, for duration estimates before any run has
 * finished here. ≈20 ms on the native kernel, ≈0.3 s on TF.js/wasm.
 */
export async function measureStepMs(choice: EngineChoice, steps = choice.kind === 'native' ? 64 : 12): Promise<number> {
  const config: TrainConfig = {
    ...PAPER_TRAIN_DEFAULTS,
    lambda: 0.01,
    alphaInit: { kind: 'grid', grid: [...DEFAULT_ALPHA_GRID] },
    seeds: { weights: 0, alpha: 0, order: 0, subsample: 0 }
  }
  const rng = new Rng(1)
  const count = 64 * 4
  const images = Uint8Array.from({ length: count * 784 }, () => rng.int(256))
  const labels = Uint8Array.from({ length: count }, () => rng.int(10))
  const engine = createEngine(choice, config)
  try {
    engine.setParams(initialParams(config))
    engine.setTrainData({ images, labels, count })
    const order = rng.permutation(count)
    const alphas = new Float32Array(4 * 3)
    const losses = new Float32Array(4)
    engine.trainSteps(order, 64, 0, 2, alphas, losses)
    const started = performance.now()
    for (let done = 0; done < steps; done += 4) engine.trainSteps(order, 64, 0, 4, alphas, losses)
    return Math.round(((performance.now() - started) / Math.ceil(steps / 4) / 4) * 1000) / 1000
  } finally {
    engine.dispose()
  }
}
