/**
 * The coordinator's side of live progress from cluster workers, against a real
 * redis-server: a job trained again (after a Redis restart) can send what was
 * already delivered, and a repeat must never reach the store twice. Found by
 * the cluster test "Redis restarted mid-sweep" on CI, where the repeated
 * epoch 0 failed the run ("metrics for epoch 0 are already stored").
 */
import { join } from 'node:path'
import { Worker, type Job } from 'bullmq'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_ALPHA_GRID, PAPER_TRAIN_DEFAULTS, type TrainConfig } from '../../src/shared/config'
import { parseRedisUrl } from '../../src/main/cluster/connection'
import { encodeChunk, QUEUE_NAME, type JobResult, type Progress } from '../../src/main/cluster/protocol'
import { RemoteExecutor } from '../../src/main/cluster/remote-executor'
import { loadDataset } from '../../src/main/data'
import type { TrainedEpoch } from '../../src/main/engine/trainer'
import { tempHome } from '../helpers/cli'
import { startRedis, type TestRedis } from '../helpers/redis'

const home = tempHome('awb-progress-')
let redis: TestRedis
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis?.cleanup()
  home.cleanup()
})

const config: TrainConfig = {
  ...PAPER_TRAIN_DEFAULTS,
  dataset: 'mnist',
  subsample: null,
  epochs: 2,
  lambda: 0.01,
  alphaInit: { kind: 'grid', grid: [...DEFAULT_ALPHA_GRID] },
  seeds: { weights: 1, alpha: 2, order: 3, subsample: 4 }
}
const info = { engine: 'native' as const, backend: 'test', notes: [], datasetHash: 'h', trainCount: 4, testCount: 2, totalSteps: 4 }
const chunk = (from: number, to: number) =>
  encodeChunk({
    steps: Uint32Array.from({ length: to - from }, (_, i) => from + i + 1),
    epochs: Uint16Array.from({ length: to - from }, (_, i) => Math.floor((from + i) / 2)),
    alphas: new Float32Array((to - from) * 3).fill(0.5),
    losses: new Float32Array(to - from).fill(1)
  })
const epoch = (e: number) => ({ epoch: e, trainLoss: 1, testLoss: 1, testAccuracy: 0.5 })

describe('live progress from a cluster worker', () => {
  it('delivers each epoch and each step once, even when a worker sends them again', async () => {
    const prefix = 'awb-progress-test'
    const cacheDir = join(home.home, 'datasets')
    const executor = new RemoteExecutor({ redis: parseRedisUrl(redis.url), prefix, loadDataset: (n) => loadDataset(n, { cacheDir }), pollMs: 200 })
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null })
    // What a worker that trained the job again after a Redis restart sends: its 'started' and
    // first chunk fell in the outage, so the coordinator sees epoch 0 and later chunks a second time.
    const sent: Progress[] = [
      { kind: 'started', worker: 'w', info },
      { kind: 'chunk', from: 0, totalSteps: 4, chunk: chunk(0, 2) },
      { kind: 'epoch', metrics: epoch(0) },
      { kind: 'chunk', from: 1, totalSteps: 4, chunk: chunk(1, 2) },
      { kind: 'epoch', metrics: epoch(0) },
      { kind: 'chunk', from: 2, totalSteps: 4, chunk: chunk(2, 4) },
      { kind: 'epoch', metrics: epoch(1) },
      { kind: 'epoch', metrics: epoch(1) }
    ]
    const worker = new Worker(
      QUEUE_NAME,
      async (job: Job): Promise<JobResult> => {
        for (const p of sent) {
          await job.updateProgress(p)
          await new Promise((r) => setTimeout(r, 50))
        }
        const outcome = { alphaInit: [0.5, 0.5, 0.5], finalAlpha: [0.5, 0.5, 0.5], epochs: [epoch(0), epoch(1)], steps: 4, totalSteps: 4, cancelled: false, trainMs: 1 }
        return { v: 1, worker: 'w', info, outcome, history: chunk(0, 4) }
      },
      { connection: conn, prefix }
    )
    const epochs: TrainedEpoch[] = []
    const steps: number[] = []
    let restarts = 0
    try {
      await executor.ready()
      const execution = await executor.execute(
        { id: 7, sweepId: 1, config },
        {
          onEpoch: (m) => epochs.push(m),
          onChunk: (c) => steps.push(...c.steps),
          onRestart: () => restarts++
        }
      )
      expect(execution.outcome.cancelled).toBe(false)
      expect(epochs.map((m) => m.epoch)).toEqual([0, 1])
      expect(steps).toEqual([1, 2, 3, 4])
      expect(restarts).toBe(0)
    } finally {
      await worker.close()
      conn.disconnect()
      await executor.close()
    }
  })
})
