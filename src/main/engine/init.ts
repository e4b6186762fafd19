import type { AlphaInit, TrainConfig } from '../../shared/config'
import { NUM_CLASSES, alphaCount, flatSize, layerShapes, type NetworkConfig, type Params } from '../../shared/network'
import { Rng } from '../../shared/random'

/** PRNG streams, one per purpose, so changing one seed never shifts another's draws (the subsample has its own: data/subsample.ts). */
export const STREAM = { weights: 1, alpha: 2, order: 3 } as const

/**
 * PyTorch's default Conv2d/Linear init (kaiming_uniform with a = √5 for the
 * weights, which reduces to U(−1/√fan_in, 1/√fan_in), and the same bound for
 * the biases), drawn from our own seeded PRNG so every engine starts alike.
 */
export function initWeights(net: NetworkConfig, seed: number): Omit<Params, 'alpha'> {
  const rng = new Rng(seed, STREAM.weights)
  const uniform = (n: number, fanIn: number): Float32Array => {
    const bound = 1 / Math.sqrt(fanIn)
    return Float32Array.from({ length: n }, () => rng.uniform(-bound, bound))
  }
  const shapes = layerShapes(net)
  const convKernels: Float32Array[] = []
  const convBiases: Float32Array[] = []
  for (const s of shapes) {
    const fanIn = s.kernel * s.kernel * s.inChannels
    convKernels.push(uniform(s.kernel * s.kernel * s.inChannels * s.outChannels, fanIn))
    convBiases.push(uniform(s.outChannels, fanIn))
  }
  const flat = flatSize(net)
  return { convKernels, convBiases, denseKernel: uniform(flat * NUM_CLASSES, flat), denseBias: uniform(NUM_CLASSES, flat) }
}

/** Initial α: explicit values (one per ReLU_α layer, or one value for all), or each α_i drawn from the grid. */
export function initAlpha(init: AlphaInit, nAlpha: number, seed: number): Float32Array {
  if (init.kind === 'explicit') {
    if (init.values.length === 1) return new Float32Array(nAlpha).fill(init.values[0])
    if (init.values.length !== nAlpha) {
      throw new Error(`alphaInit.values has ${init.values.length} values but the network has ${nAlpha} ReLU_α layers`)
    }
    return Float32Array.from(init.values)
  }
  const rng = new Rng(seed, STREAM.alpha)
  return Float32Array.from({ length: nAlpha }, () => init.grid[rng.int(init.grid.length)])
}

export function initialParams(config: TrainConfig): Params {
  return {
    ...initWeights(config.network, config.seeds.weights),
    alpha: initAlpha(config.alphaInit, alphaCount(config.network), config.seeds.alpha)
  }
}

/** The images' order in one epoch: a fresh permutation per epoch from the order seed. */
export function epochOrder(count: number, seed: number, epoch: number): Int32Array {
  return new Rng(seed ^ Math.imul(epoch + 1, 0x2545f491), STREAM.order).permutation(count)
}
