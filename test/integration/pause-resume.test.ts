import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/main/store'
import { SweepRunner } from '../../src/main/sweep/runner'
import { queueSweep } from '../../src/main/sweep/queue'
import { parseSpec } from '../../src/main/sweep/spec'
import { nativeAvailable } from '../../src/main/engine/native-engine'

const dir = mkdtempSync(join(tmpdir(), 'awb-pause-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const cacheDir = join(dir, 'cache')

// One run of 2 epochs × 96 steps (384 images at batch 4): chunks of 64 steps, so a pause lands mid-run.
const specWith = (momentum: number) =>
  parseSpec({ preset: 'paper', name: 'pause', datasets: ['mnist'], lambdas: [0.01], runsPerLambda: 1, epochs: 2, subsample: 384, batchSize: 4, momentum })

interface Result {
  status: string
  steps: number[]
  alphas: number[][]
  losses: (number | null)[]
  finalAlpha: number[] | null
  metrics: unknown[]
  attempts: number
}

function result(store: Store, runId: number): Result {
  const run = store.getRun(runId)!
  const h = store.getAlphaHistory([runId])[0]
  return {
    status: run.status,
    steps: h.steps,
    alphas: h.alphas,
    losses: h.losses,
    finalAlpha: run.finalAlpha,
    metrics: store.getEpochMetrics(runId),
    attempts: run.attempts
  }
}

async function train(engine: 'native' | 'tfjs', pauses: number, momentum: number): Promise<{ r: Result; startedAt: number[]; progressSteps: number[] }> {
  const store = openStore(join(dir, `${engine}-${pauses}-${momentum}.db`))
  const spec = specWith(momentum)
  const runner = new SweepRunner({ store, cacheDir, workers: 1, engine, tfjsBackend: 'wasm' })
  const startedAt: number[] = []
  const progressSteps: number[] = []
  try {
    const { sweep, runIds } = await queueSweep(store, spec, { cacheDir })
    let left = pauses
    runner.on('run-started', (_run, info) => startedAt.push(info.resumedAt ?? 0))
    runner.on('run-progress', (e) => {
      progressSteps.push(e.step)
      // Pause after the first chunk of each attempt, then resume once the run is back in the queue.
      if (left > 0 && e.step >= (startedAt.at(-1) ?? 0) + 64) {
        left--
        runner.pauseSweep(sweep.id)
        runner.once('run-stopped', () => setTimeout(() => runner.resumeSweep(sweep.id), 20))
      }
    })
    runner.start()
    await new Promise<void>((resolve) => {
      const check = (): void => {
        const s = store.getSweep(sweep.id)!.status
        if (s === 'done' || s === 'failed') resolve()
        else setTimeout(check, 50)
      }
      check()
    })
    return { r: result(store, runIds[0]), startedAt, progressSteps }
  } finally {
    await runner.stop()
    store.close()
  }
}

const engines = (['tfjs', 'native'] as const).filter((e) => e !== 'native' || nativeAvailable().ok)
// Momentum 0.9 too: its buffers are part of the checkpoint, so those runs resume rather than start over.
const cases = engines.flatMap((engine) => [0, 0.9].map((momentum) => ({ engine, momentum })))

describe.each(cases)('pausing and resuming a sweep on $engine, momentum $momentum', ({ engine, momentum }) => {
  it('continues each run from its checkpoint and gives an α history bit-identical to an uninterrupted run', async () => {
    const clean = await train(engine, 0, momentum)
    const paused = await train(engine, 2, momentum)
    expect(clean.r.status).toBe('done')
    expect(clean.r.steps).toHaveLength(192)
    expect(paused.r.status).toBe('done')
    // Trained three times (start + two resumes), each time from where the last pause left it, never from 0.
    expect(paused.r.attempts).toBe(3)
    expect(paused.startedAt[0]).toBe(0)
    expect(paused.startedAt.slice(1).every((s) => s >= 64)).toBe(true)
    expect(paused.startedAt[2]).toBeGreaterThan(paused.startedAt[1])
    expect(paused.r.steps).toEqual(clean.r.steps)
    expect(paused.r.alphas).toEqual(clean.r.alphas)
    expect(paused.r.losses).toEqual(clean.r.losses)
    expect(paused.r.metrics).toEqual(clean.r.metrics)
    expect(paused.r.finalAlpha).toEqual(clean.r.finalAlpha)
  })
})
