import { describe, expect, it } from 'vitest'
import { PAPER_NETWORK, type NetworkConfig, type Params } from '../../src/shared/network'
import type { Penalty } from '../../src/shared/config'
import { Rng } from '../../src/shared/random'
import { createNativeEngine, supportsNetwork } from '../../src/main/engine/native-engine'
import { initWeights } from '../../src/main/engine/init'
import { maxAbsDiff } from '../../src/main/engine/golden'
import type { ImageSet, StepEngine } from '../../src/main/engine/types'
import { nativeIsas } from './native-availability'
import { referenceProbe, referenceStep, toParams64, type Params64 } from './native-reference'

/**
 * The native kernels are generic in kernel, stride and channel count (wide and
 * narrow layers, overlapping and tiling convs, plain ReLU layers, >16 channels,
 * six convs): each network is held to a float64 reference for loss, log-softmax,
 * every gradient, and three SGD steps with momentum, at the fixture's 1e-5 absolute:
 * measured float32-vs-float64 errors are ≤ 3e-7 on every ISA path.
 */
const isas = nativeIsas()
const TOL = 1e-5
/**
 * Every pre-activation of the reference stays this far from the ReLU kink
 * (batch seed 3 is chosen for that), far beyond float32 rounding, so both
 * sides take the same slope everywhere.
 */
const KINK_MARGIN = 1e-6
const STEPS = 3

const conv = (outChannels: number, kernel: number, stride: number, alpha = true) => ({ outChannels, kernel, stride, alpha })
const networks: [string, NetworkConfig, Penalty][] = [
  ['overlapping k3, narrow and plain-ReLU layers', { convs: [conv(8, 3, 1), conv(4, 3, 2, false), conv(2, 2, 2)] }, 'l1'],
  ['more than one vector of channels, untiled', { convs: [conv(20, 4, 3), conv(33, 2, 2)] }, 'l2'],
  ['one-channel first layer, 1×1 conv, tiling narrow layer', { convs: [conv(1, 5, 1), conv(6, 1, 1, false), conv(3, 3, 3)] }, 'l1'],
  ['six convs', { convs: [conv(4, 2, 1), conv(4, 2, 1), conv(5, 2, 1), conv(4, 2, 1), conv(3, 2, 1), conv(2, 2, 2)] }, 'l2'],
  ['the paper network with momentum', PAPER_NETWORK, 'l1']
]

function batchOf(count: number, seed: number): ImageSet {
  const rng = new Rng(seed)
  return {
    images: Uint8Array.from({ length: count * 784 }, () => rng.int(256)),
    labels: Uint8Array.from({ length: count }, () => rng.int(10)),
    count
  }
}

function diff64(a: Params, b: Params64): Record<string, number> {
  const out: Record<string, number> = {}
  a.convKernels.forEach((k, i) => (out[`conv${i + 1}.kernel`] = maxAbsDiff(k, b.convKernels[i])))
  a.convBiases.forEach((k, i) => (out[`conv${i + 1}.bias`] = maxAbsDiff(k, b.convBiases[i])))
  out.denseKernel = maxAbsDiff(a.denseKernel, b.denseKernel)
  out.denseBias = maxAbsDiff(a.denseBias, b.denseBias)
  out.alpha = maxAbsDiff(a.alpha, b.alpha)
  return out
}

/** One forward and backward pass (no step) against the reference: loss, CE, log-softmax, every gradient. */
function expectProbeMatches(engine: StepEngine, net: NetworkConfig, ref: Params64, penalty: Penalty, lambda: number, batch: ImageSet): void {
  const want = referenceProbe(net, ref, penalty, lambda, batch)
  expect(want.minAbsPre).toBeGreaterThan(KINK_MARGIN)
  const got = engine.probe(batch)
  expect(Math.abs(got.loss - want.loss)).toBeLessThanOrEqual(TOL)
  expect(Math.abs(got.ce - want.ce)).toBeLessThanOrEqual(TOL)
  expect(maxAbsDiff(got.logProbs, want.logProbs)).toBeLessThanOrEqual(TOL)
  for (const [name, d] of Object.entries(diff64(got.grads, want.grads))) expect(d, `grad ${name}`).toBeLessThanOrEqual(TOL)
}

describe.each(isas)('native engine (%s) on other networks matches a float64 reference', (isa) => {
  it.each(networks)('%s', (_name, net, penalty) => {
    expect(supportsNetwork(net)).toBe(true)
    const batch = batchOf(6, 3)
    const nAlpha = net.convs.filter((c) => c.alpha).length
    const params: Params = { ...initWeights(net, 9), alpha: Float32Array.from({ length: nAlpha }, (_, i) => [0.3, 0.9, 0.05][i % 3]) }
    const opts = { network: net, penalty, lambda: 0.02, lr: 0.05, momentum: 0.9 }
    const engine = createNativeEngine(opts, isa)
    try {
      engine.setParams(params)
      const ref = toParams64(params)
      expectProbeMatches(engine, net, ref, penalty, opts.lambda, batch)

      engine.setTrainData(batch)
      const order = Int32Array.from({ length: batch.count * STEPS }, (_, i) => i % batch.count)
      const alpha = new Float32Array(STEPS * nAlpha)
      const loss = new Float32Array(STEPS)
      engine.trainSteps(order, batch.count, 0, STEPS, alpha, loss)
      let buf: Params64 | null = null
      for (let s = 0; s < STEPS; s++) {
        const r = referenceProbe(net, ref, penalty, opts.lambda, batch)
        expect(r.minAbsPre).toBeGreaterThan(KINK_MARGIN)
        expect(Math.abs(loss[s] - r.loss), `loss before step ${s + 1}`).toBeLessThanOrEqual(TOL)
        buf = referenceStep(ref, r.grads, buf, opts.lr, opts.momentum)
        expect(maxAbsDiff(alpha.subarray(s * nAlpha, (s + 1) * nAlpha), ref.alpha), `α after step ${s + 1}`).toBeLessThanOrEqual(TOL)
      }
      for (const [name, d] of Object.entries(diff64(engine.getParams(), ref))) expect(d, `${name} after ${STEPS} steps`).toBeLessThanOrEqual(TOL)
    } finally {
      engine.dispose()
    }
  })

  // When the second conv tiles the first (the paper network), training keeps only the first
  // conv's post unless its slope 1 − α is below 2^-10 (kernels: Core::postOnly0): both sides of
  // that switch, its edge, and a plain-ReLU first layer must give the reference's gradients.
  const paired = (first: boolean): NetworkConfig => ({ convs: [conv(15, 2, 2, first), conv(15, 2, 2), conv(1, 2, 1)] })
  it.each([
    ['α₁ = 1: slope 0, pre kept', paired(true), 1],
    ['α₁ = 1 − 2⁻¹¹: slope below 2⁻¹⁰, pre kept', paired(true), 1 - 2 ** -11],
    ['α₁ = 1 − 2⁻⁹: post only, slope 2⁻⁹', paired(true), 1 - 2 ** -9],
    ['α₁ = 0: post only, identity', paired(true), 0],
    ['plain-ReLU first layer: post only', paired(false), 0.4]
  ] as [string, NetworkConfig, number][])('first-conv backward from post or pre: %s', (_name, net, alpha0) => {
    const batch = batchOf(6, 3)
    const nAlpha = net.convs.filter((c) => c.alpha).length
    const alpha = Float32Array.from({ length: nAlpha }, (_, i) => (i === 0 ? alpha0 : 0.4))
    const params: Params = { ...initWeights(net, 9), alpha }
    const engine = createNativeEngine({ network: net, penalty: 'l1', lambda: 0.02, lr: 0.05, momentum: 0 }, isa)
    try {
      engine.setParams(params)
      expectProbeMatches(engine, net, toParams64(params), 'l1', 0.02, batch)
    } finally {
      engine.dispose()
    }
  })
})
