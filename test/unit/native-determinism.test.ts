import { describe, expect, it } from 'vitest'
import { PAPER_NETWORK, type Params } from '../../src/shared/network'
import { Rng } from '../../src/shared/random'
import { createNativeEngine } from '../../src/main/engine/native-engine'
import { initWeights } from '../../src/main/engine/init'
import { goldenBatch, loadGolden, toCanonical } from '../../src/main/engine/golden'
import type { EngineOptions, ImageSet, StepEngine } from '../../src/main/engine/types'
import { nativeIsas } from './native-availability'

const isas = nativeIsas()
const BATCH = 64
/** 1,000 images at batch 64: 15 full batches and a short one of 40. */
const COUNT = 1000
const STEPS = Math.ceil(COUNT / BATCH)

function synthetic(count: number, seed: number): ImageSet {
  const rng = new Rng(seed)
  const labels = Uint8Array.from({ length: count }, () => rng.int(10))
  const images = Uint8Array.from({ length: count * 784 }, (_, i) => (i % 10 === labels[Math.floor(i / 784)] ? 180 : 0) + rng.int(70))
  return { images, labels, count }
}

const data = synthetic(COUNT, 7)
const order = new Rng(3).permutation(COUNT)
const params: Params = { ...initWeights(PAPER_NETWORK, 11), alpha: Float32Array.from([0.35, 0.6, 0.05]) }
const opts: EngineOptions = { network: PAPER_NETWORK, penalty: 'l2', lambda: 0.01, lr: 0.05, momentum: 0.9 }

function run(isa: string, chunks: number[]): { alpha: Float32Array; loss: Float32Array; params: Params } {
  const engine = createNativeEngine(opts, isa)
  try {
    engine.setParams(params)
    engine.setTrainData(data)
    const alpha = new Float32Array(STEPS * 3)
    const loss = new Float32Array(STEPS)
    let first = 0
    for (const n of chunks) {
      engine.trainSteps(order, BATCH, first, n, alpha.subarray(first * 3, (first + n) * 3), loss.subarray(first, first + n))
      first += n
    }
    return { alpha, loss, params: engine.getParams() }
  } finally {
    engine.dispose()
  }
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length))
function expectIdentical(a: ReturnType<typeof run>, b: ReturnType<typeof run>): void {
  expect(bits(a.alpha)).toEqual(bits(b.alpha))
  expect(bits(a.loss)).toEqual(bits(b.loss))
  expect(bits(a.params.denseKernel)).toEqual(bits(b.params.denseKernel))
  a.params.convKernels.forEach((k, i) => expect(bits(k)).toEqual(bits(b.params.convKernels[i])))
}

describe.each(isas)('native engine (%s): determinism and API', (isa) => {
  it('same inputs give a bit-identical α and loss history, in one call or in chunks', () => {
    const once = run(isa, [STEPS])
    expect(once.loss.every(Number.isFinite)).toBe(true)
    expect(once.alpha.every((a) => a >= 0 && a <= 1)).toBe(true)
    expectIdentical(once, run(isa, [STEPS]))
    expectIdentical(once, run(isa, [5, 1, STEPS - 6]))
  })

  it('setParams resets the momentum buffers: a second run from the same params repeats the first', () => {
    const engine = createNativeEngine(opts, isa)
    try {
      engine.setTrainData(data)
      const histories = [0, 1].map(() => {
        engine.setParams(params)
        const alpha = new Float32Array(STEPS * 3)
        engine.trainSteps(order, BATCH, 0, STEPS, alpha, new Float32Array(STEPS))
        return alpha
      })
      expect(bits(histories[1])).toEqual(bits(histories[0]))
    } finally {
      engine.dispose()
    }
  })

  it('a short last batch averages over its own images, and the step uses its gradient', () => {
    const last = order.subarray((STEPS - 1) * BATCH)
    expect(last.length).toBe(COUNT - (STEPS - 1) * BATCH)
    const subset: ImageSet = {
      images: Uint8Array.from(Array.from(last).flatMap((i) => Array.from(data.images.subarray(i * 784, (i + 1) * 784)))),
      labels: Uint8Array.from(last, (i) => data.labels[i]),
      count: last.length
    }
    const a = createNativeEngine(opts, isa)
    const b = createNativeEngine(opts, isa)
    try {
      a.setParams(params)
      a.setTrainData(data)
      b.setParams(params)
      b.setTrainData(subset)
      const lossA = new Float32Array(1)
      const lossB = new Float32Array(1)
      expect(Math.fround(b.probe(subset).loss)).toBe(Math.fround(a.probe(subset).loss))
      a.trainSteps(order, BATCH, STEPS - 1, 1, new Float32Array(3), lossA)
      b.trainSteps(Int32Array.from({ length: subset.count }, (_, i) => i), subset.count, 0, 1, new Float32Array(3), lossB)
      expect(lossA[0]).toBe(lossB[0])
      expect(bits(a.getParams().denseKernel)).toEqual(bits(b.getParams().denseKernel))
    } finally {
      a.dispose()
      b.dispose()
    }
  })

  it('evaluate gives the mean CE without penalty and the accuracy of the log-softmax argmax', () => {
    const engine = createNativeEngine(opts, isa)
    try {
      engine.setParams(params)
      const probe = engine.probe(data)
      const ev = engine.evaluate(data)
      expect(Math.abs(ev.loss - probe.ce)).toBeLessThan(1e-5)
      let correct = 0
      for (let i = 0; i < data.count; i++) {
        const row = Array.from(probe.logProbs.subarray(i * 10, i * 10 + 10))
        if (row.indexOf(Math.max(...row)) === data.labels[i]) correct++
      }
      expect(ev.accuracy).toBeCloseTo(correct / data.count, 12)
      const golden = loadGolden()
      engine.setParams(toCanonical(golden.init_params, golden.cases[0].alpha_init))
      expect(Math.abs(engine.evaluate(goldenBatch(golden)).loss - golden.cases[0].step1.ce)).toBeLessThan(1e-5)
    } finally {
      engine.dispose()
    }
  })

  it('rejects bad input with a clear error instead of reading out of bounds', () => {
    const engine: StepEngine = createNativeEngine(opts, isa)
    engine.setParams(params)
    const out = () => [new Float32Array(3 * STEPS), new Float32Array(STEPS)] as const
    expect(() => engine.trainSteps(order, BATCH, 0, 1, ...out())).toThrow(/no training data/)
    engine.setTrainData(data)
    expect(() => engine.trainSteps(Int32Array.from([0, COUNT]), 2, 0, 1, ...out())).toThrow(/out of range/)
    expect(() => engine.trainSteps(order, BATCH, STEPS, 1, ...out())).toThrow(/past order.length/)
    expect(() => engine.trainSteps(order, BATCH, 0, 2, new Float32Array(3), new Float32Array(2))).toThrow(/alphaOut too short/)
    expect(() => engine.setParams({ ...params, alpha: new Float32Array(2) })).toThrow(/alpha has length 2/)
    engine.dispose()
    expect(() => engine.getParams()).toThrow(/disposed/)
  })
})
