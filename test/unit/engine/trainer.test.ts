import { beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_ALPHA_GRID, PAPER_TRAIN_DEFAULTS, type TrainConfig } from '../../../src/shared/config'
import { Rng } from '../../../src/shared/random'
import { initTfjs } from '../../../src/main/engine/tfjs-backend'
import { createTfjsEngine } from '../../../src/main/engine/tfjs-engine'
import { epochOrder, initAlpha, initialParams } from '../../../src/main/engine/init'
import { trainRun, type TrainedChunk } from '../../../src/main/engine/trainer'
import type { ImageSet } from '../../../src/main/engine/types'

function synthetic(count: number, seed: number): ImageSet {
  const rng = new Rng(seed)
  const labels = Uint8Array.from({ length: count }, () => rng.int(10))
  // Class-dependent blobs so the network has something to learn.
  const images = new Uint8Array(count * 784)
  for (let i = 0; i < count; i++) {
    for (let p = 0; p < 784; p++) images[i * 784 + p] = (p % 10 === labels[i] ? 200 : 0) + rng.int(40)
  }
  return { images, labels, count }
}

const config = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  ...PAPER_TRAIN_DEFAULTS,
  subsample: null,
  epochs: 2,
  lambda: 0.01,
  alphaInit: { kind: 'grid', grid: [...DEFAULT_ALPHA_GRID] },
  seeds: { weights: 1, alpha: 2, order: 3, subsample: 4 },
  ...over
})

function history(cfg: TrainConfig, train: ImageSet, test: ImageSet): { chunks: TrainedChunk[]; outcome: ReturnType<typeof trainRun> } {
  const chunks: TrainedChunk[] = []
  const engine = createTfjsEngine(cfg)
  try {
    const outcome = trainRun(cfg, train, test, engine, { onChunk: (c) => chunks.push(c) })
    return { chunks, outcome }
  } finally {
    engine.dispose()
  }
}

const flat = (chunks: TrainedChunk[]): number[] => chunks.flatMap((c) => Array.from(c.alphas))

describe('trainer', () => {
  const train = synthetic(100, 1)
  const test = synthetic(40, 2)
  beforeAll(async () => {
    await initTfjs('wasm')
  })

  it('gives the identical α history for the same config, and another for another order seed', () => {
    const a = history(config(), train, test)
    const b = history(config(), train, test)
    const c = history(config({ seeds: { weights: 1, alpha: 2, order: 99, subsample: 4 } }), train, test)
    expect(flat(a.chunks)).toEqual(flat(b.chunks))
    expect(flat(a.chunks)).not.toEqual(flat(c.chunks))
    expect(a.outcome.finalAlpha).toEqual(b.outcome.finalAlpha)
  })

  it('takes a short last batch (100 images at batch 64 = 2 steps an epoch) and evaluates every epoch', () => {
    const { chunks, outcome } = history(config(), train, test)
    expect(outcome.totalSteps).toBe(4)
    expect(outcome.steps).toBe(4)
    expect(chunks.flatMap((c) => Array.from(c.steps))).toEqual([1, 2, 3, 4])
    expect(chunks.flatMap((c) => Array.from(c.epochs))).toEqual([0, 0, 1, 1])
    expect(outcome.epochs.map((e) => e.epoch)).toEqual([0, 1])
    for (const e of outcome.epochs) {
      expect(e.testAccuracy).toBeGreaterThanOrEqual(0)
      expect(e.testAccuracy).toBeLessThanOrEqual(1)
      expect(Number.isFinite(e.testLoss) && Number.isFinite(e.trainLoss)).toBe(true)
    }
  })

  it('records every recordEvery-th step and always the last one', () => {
    const { chunks } = history(config({ epochs: 3, batchSize: 16, recordEvery: 5 }), train, test)
    // 7 steps an epoch × 3 = 21 steps: rows after steps 5, 10, 15, 20 and the last (21).
    expect(chunks.flatMap((c) => Array.from(c.steps))).toEqual([5, 10, 15, 20, 21])
  })

  it('stops between chunks when asked and reports the run as cancelled', () => {
    const engine = createTfjsEngine(config())
    const outcome = trainRun(config(), train, test, engine, { shouldStop: () => true })
    engine.dispose()
    expect(outcome.cancelled).toBe(true)
    expect(outcome.steps).toBe(0)
  })

  it('keeps α within [0, 1] under a large penalty', () => {
    const { chunks } = history(config({ lambda: 5, lr: 0.5 }), train, test)
    const alphas = flat(chunks)
    expect(Math.min(...alphas)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...alphas)).toBeLessThanOrEqual(1)
    expect(alphas.slice(-3)).toEqual([0, 0, 0])
  })
})

describe('initialisation', () => {
  it('draws α from the grid with the α seed, independently of the weight seed', () => {
    const grid = [...DEFAULT_ALPHA_GRID]
    const a = initAlpha({ kind: 'grid', grid }, 3, 7)
    expect(Array.from(a).every((v) => grid.includes(Math.round(v * 100) / 100))).toBe(true)
    const p1 = initialParams(config({ seeds: { weights: 1, alpha: 7, order: 0, subsample: 0 } }))
    const p2 = initialParams(config({ seeds: { weights: 2, alpha: 7, order: 0, subsample: 0 } }))
    expect(Array.from(p1.alpha)).toEqual(Array.from(p2.alpha))
    expect(Array.from(p1.convKernels[0])).not.toEqual(Array.from(p2.convKernels[0]))
  })

  it('rejects an explicit α list whose length does not match the network', () => {
    expect(() => initAlpha({ kind: 'explicit', values: [0.1, 0.2] }, 3, 0)).toThrow(/2 values but the network has 3/)
    expect(Array.from(initAlpha({ kind: 'explicit', values: [0.5] }, 3, 0))).toEqual([0.5, 0.5, 0.5])
  })

  it('draws weights within PyTorch default bounds, 1/√fan_in', () => {
    const p = initialParams(config())
    const bound1 = 1 / Math.sqrt(4) // conv1: 2·2·1
    expect(Math.max(...Array.from(p.convKernels[0]).map(Math.abs))).toBeLessThanOrEqual(bound1)
    const bound2 = 1 / Math.sqrt(60) // conv2: 2·2·15
    expect(Math.max(...Array.from(p.convKernels[1]).map(Math.abs))).toBeLessThanOrEqual(bound2)
    expect(Math.max(...Array.from(p.convKernels[1]).map(Math.abs))).toBeGreaterThan(bound2 * 0.8)
  })

  it('shuffles each epoch differently but reproducibly', () => {
    expect(Array.from(epochOrder(50, 3, 0))).toEqual(Array.from(epochOrder(50, 3, 0)))
    expect(Array.from(epochOrder(50, 3, 0))).not.toEqual(Array.from(epochOrder(50, 3, 1)))
    expect([...epochOrder(50, 3, 1)].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i))
  })
})
