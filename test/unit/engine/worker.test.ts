import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DEFAULT_ALPHA_GRID, PAPER_TRAIN_DEFAULTS, type TrainConfig } from '../../../src/shared/config'
import { TrainWorker } from '../../../src/main/engine/worker-client'
import type { TrainedChunk } from '../../../src/main/engine/trainer'

const cacheDir = mkdtempSync(join(tmpdir(), 'awb-worker-'))
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }))

const config: TrainConfig = {
  ...PAPER_TRAIN_DEFAULTS,
  dataset: 'mnist',
  subsample: 640,
  epochs: 2,
  lambda: 0.01,
  alphaInit: { kind: 'grid', grid: [...DEFAULT_ALPHA_GRID] },
  seeds: { weights: 5, alpha: 5, order: 5, subsample: 5 }
}

describe('training worker thread', () => {
  it('trains off the caller’s event loop and reports start, chunks, epochs and the outcome', async () => {
    const worker = new TrainWorker({ cacheDir, engine: 'tfjs', tfjsBackend: 'wasm' })
    let ticks = 0
    const timer = setInterval(() => ticks++, 5)
    const chunks: TrainedChunk[] = []
    const epochs: number[] = []
    let started: { engine: string; backend: string; trainCount: number; totalSteps: number } | null = null
    try {
      const outcome = await worker.run(1, config, {
        onStarted: (info) => (started = info),
        onChunk: (c) => chunks.push(c),
        onEpoch: (m) => epochs.push(m.epoch)
      })
      expect(started).toMatchObject({ engine: 'tfjs', backend: 'wasm', trainCount: 640, totalSteps: 20 })
      expect(outcome.cancelled).toBe(false)
      expect(outcome.steps).toBe(20)
      expect(epochs).toEqual([0, 1])
      expect(chunks.flatMap((c) => Array.from(c.steps))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
      expect(Array.from(chunks.at(-1)!.alphas.slice(-3))).toEqual(outcome.finalAlpha.map(Math.fround))
      // The main thread kept running timers while the worker trained.
      expect(ticks).toBeGreaterThan(5)
    } finally {
      clearInterval(timer)
      await worker.close()
    }
  })

  it('stops a run when cancelled and goes on to the next one', async () => {
    const worker = new TrainWorker({ cacheDir, engine: 'tfjs', tfjsBackend: 'wasm' })
    try {
      const long = { ...config, epochs: 50, batchSize: 8 }
      const first = worker.run(7, long, { onChunk: () => worker.cancel(7) })
      const second = worker.run(8, config)
      const [a, b] = await Promise.all([first, second])
      expect(a.cancelled).toBe(true)
      expect(a.steps).toBeLessThan(a.totalSteps)
      expect(b.cancelled).toBe(false)
      expect(b.steps).toBe(20)
    } finally {
      await worker.close()
    }
  })

  it('trains a run again in full after it was cancelled (a paused run resumed on the same thread)', async () => {
    const worker = new TrainWorker({ cacheDir, engine: 'tfjs', tfjsBackend: 'wasm' })
    try {
      const stopped = await worker.run(9, { ...config, epochs: 50, batchSize: 8 }, { onChunk: () => worker.cancel(9) })
      expect(stopped.cancelled).toBe(true)
      const again = await worker.run(9, config)
      expect(again.cancelled).toBe(false)
      expect(again.steps).toBe(20)
    } finally {
      await worker.close()
    }
  })

  it('reports a run’s error without killing the worker', async () => {
    const worker = new TrainWorker({ cacheDir, engine: 'tfjs', tfjsBackend: 'wasm' })
    try {
      await expect(worker.run(1, { ...config, dataset: 'no-such-dataset' })).rejects.toThrow(/unknown dataset 'no-such-dataset'/)
      const ok = await worker.run(2, { ...config, epochs: 1 })
      expect(ok.steps).toBe(10)
    } finally {
      await worker.close()
    }
  })
})
