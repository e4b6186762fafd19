import { beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_ALPHA_GRID, PAPER_TRAIN_DEFAULTS, type TrainConfig } from '../../../src/shared/config'
import { Rng } from '../../../src/shared/random'
import { initTfjs } from '../../../src/main/engine/tfjs-backend'
import { createTfjsEngine } from '../../../src/main/engine/tfjs-engine'
import { createNativeEngine, nativeAvailable } from '../../../src/main/engine/native-engine'
import { trainRun, type TrainedEpoch, type TrainedChunk, type TrainCheckpoint } from '../../../src/main/engine/trainer'
import type { ImageSet, StepEngine } from '../../../src/main/engine/types'

function synthetic(count: number, seed: number): ImageSet {
  const rng = new Rng(seed)
  const labels = Uint8Array.from({ length: count }, () => rng.int(10))
  const images = new Uint8Array(count * 784)
  for (let i = 0; i < count; i++) {
    for (let p = 0; p < 784; p++) images[i * 784 + p] = (p % 10 === labels[i] ? 200 : 0) + rng.int(40)
  }
  return { images, labels, count }
}

// 140 images at batch 2 = 70 steps an epoch = chunks of 64 and 6; two epochs.
// (Small, because TF.js's pure-JS cpu backend trains every step of it twice.)
const config: TrainConfig = {
  ...PAPER_TRAIN_DEFAULTS,
  subsample: null,
  epochs: 2,
  batchSize: 2,
  recordEvery: 1,
  lambda: 0.01,
  alphaInit: { kind: 'grid', grid: [...DEFAULT_ALPHA_GRID] },
  seeds: { weights: 5, alpha: 6, order: 7, subsample: 8 }
}
const train = synthetic(140, 11)
const test = synthetic(50, 12)

interface Recorded {
  steps: number[]
  alphas: number[]
  losses: number[]
  epochs: TrainedEpoch[]
  finalAlpha: number[]
}

/**
 * Trains `config`, stopping after `stopAfter` checkpoints (chunks and epoch
 * ends both write one) and resuming on a fresh engine from the last one, until done.
 */
function trainWithPauses(config: TrainConfig, make: () => StepEngine, stopAfter: number[]): Recorded {
  const out: Recorded = { steps: [], alphas: [], losses: [], epochs: [], finalAlpha: [] }
  let resume: TrainCheckpoint | undefined
  const stops = [...stopAfter]
  for (;;) {
    const engine = make()
    let seen = 0
    const limit = stops.shift()
    let last: TrainCheckpoint | undefined = resume
    try {
      const outcome = trainRun(
        config,
        train,
        test,
        engine,
        {
          onChunk: (c: TrainedChunk, _total, cp) => {
            out.steps.push(...c.steps)
            out.alphas.push(...c.alphas)
            out.losses.push(...c.losses)
            last = cp
            seen++
          },
          onEpoch: (m, cp) => {
            out.epochs.push(m)
            last = cp
            seen++
          },
          shouldStop: () => limit !== undefined && seen >= limit
        },
        resume
      )
      if (!outcome.cancelled) {
        out.finalAlpha = outcome.finalAlpha
        return out
      }
      expect(last, 'a checkpoint before stopping').toBeDefined()
      resume = last
    } finally {
      engine.dispose()
    }
  }
}

const engines: { name: string; make: (c: TrainConfig) => StepEngine; momentum: number }[] = [0, 0.9].flatMap((momentum) => [
  { name: 'TF.js (wasm)', make: (c: TrainConfig) => createTfjsEngine(c), momentum },
  { name: 'TF.js (cpu)', make: (c: TrainConfig) => createTfjsEngine(c), momentum },
  { name: 'native', make: (c: TrainConfig) => createNativeEngine(c), momentum }
])

describe.each(engines)('pause and resume from a checkpoint on $name, momentum $momentum', ({ name, make, momentum }) => {
  beforeAll(async () => {
    if (name === 'TF.js (wasm)') await initTfjs('wasm')
    if (name === 'TF.js (cpu)') await initTfjs('cpu')
  })

  it('gives an α history, losses and epoch metrics bit-identical to an uninterrupted run', () => {
    const avail = nativeAvailable()
    if (name === 'native' && !avail.ok) throw new Error(`native engine unavailable here: ${avail.reason}`)
    const run = { ...config, momentum }
    const clean = trainWithPauses(run, () => make(run), [])
    expect(clean.steps).toEqual(Array.from({ length: 140 }, (_, i) => i + 1))
    // Stops, one checkpoint apart: mid-epoch (after chunk 1), right after the epoch's
    // last chunk but before its evaluation (chunk 2), after the epoch end, then the
    // same three again in epoch 2 (the last stop falls before the final evaluation).
    const paused = trainWithPauses(run, () => make(run), [1, 1, 1, 1, 1])
    expect(paused.steps).toEqual(clean.steps)
    expect(paused.alphas).toEqual(clean.alphas)
    expect(paused.losses).toEqual(clean.losses)
    expect(paused.epochs).toEqual(clean.epochs)
    expect(paused.finalAlpha).toEqual(clean.finalAlpha)
  })
})

describe('a checkpoint that does not fit the run', () => {
  it('is refused with a message naming the mismatch', async () => {
    await initTfjs('cpu')
    const engine = createTfjsEngine(config)
    try {
      const params = engine.getParams()
      expect(() => trainRun(config, train, test, engine, {}, { step: 7, epoch: 0, batch: 8, lossSum: 0, params })).toThrow(
        /checkpoint at step 7 \(epoch 0, batch 8\) does not fit this run \(70 steps an epoch, 140 in all\)/
      )
    } finally {
      engine.dispose()
    }
  })
})
