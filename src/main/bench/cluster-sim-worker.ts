/**
 * A simulated cluster worker for `bench cluster`: answers every run job at
 * once with a stored full-length result (and, in 'live' mode, the progress a
 * real run sends: a chunk of α every 64 steps and an epoch row per epoch), so
 * the coordinator's ingest is measured, not training.
 *
 *   node --import tsx cluster-sim-worker.ts REDIS_URL PREFIX THREADS live|quiet TRAIN_COUNT
 */
import { hostname } from 'node:os'
import { Worker, type Job } from 'bullmq'
import { alphaCount } from '../../shared/network'
import { connect, parseRedisUrl } from '../cluster/connection'
import { concatChunks, encodeChunk, JobDataSchema, QUEUE_NAME, WORKER_KEY_PREFIX, type EncodedChunk, type JobResult, type Progress, type WorkerInfo } from '../cluster/protocol'
import { CHUNK_STEPS, stepsPerEpoch, type TrainedChunk } from '../engine/trainer'

const [url, prefix, threadsArg, mode, trainCountArg] = process.argv.slice(2)
const threads = Number(threadsArg)
const trainCount = Number(trainCountArg)
const redis = connect(parseRedisUrl(url))
const id = `${hostname()}/${process.pid}/sim`

interface Stored {
  chunks: { from: number; encoded: EncodedChunk }[]
  full: EncodedChunk
}
const stored = new Map<string, Stored>()

/** One synthetic run of `total` steps, every step recorded, cut into trainer-sized chunks. */
function history(total: number, perEpoch: number, nAlpha: number): Stored {
  const key = `${total}/${perEpoch}/${nAlpha}`
  let s = stored.get(key)
  if (s) return s
  const chunks: TrainedChunk[] = []
  for (let from = 0; from < total; from += CHUNK_STEPS) {
    const n = Math.min(CHUNK_STEPS, total - from)
    const c: TrainedChunk = { steps: new Uint32Array(n), epochs: new Uint16Array(n), alphas: new Float32Array(n * nAlpha), losses: new Float32Array(n) }
    for (let k = 0; k < n; k++) {
      const step = from + k + 1
      c.steps[k] = step
      c.epochs[k] = Math.floor((step - 1) / perEpoch)
      c.losses[k] = 2 / Math.sqrt(step)
      for (let i = 0; i < nAlpha; i++) c.alphas[k * nAlpha + i] = 0.5 + 0.4 * Math.sin(step * 0.001 + i)
    }
    chunks.push(c)
  }
  s = { chunks: chunks.map((c, i) => ({ from: i * CHUNK_STEPS, encoded: encodeChunk(c) })), full: encodeChunk(concatChunks(chunks, nAlpha)) }
  stored.set(key, s)
  return s
}

let runsDone = 0
async function process1(job: Job): Promise<JobResult> {
  const data = JobDataSchema.parse(job.data)
  const c = data.config
  const perEpoch = stepsPerEpoch(c.subsample === null ? trainCount : Math.min(c.subsample, trainCount), c.batchSize)
  const total = perEpoch * c.epochs
  const nAlpha = alphaCount(c.network)
  const h = history(total, perEpoch, nAlpha)
  const epochs = Array.from({ length: c.epochs }, (_, e) => ({ epoch: e, trainLoss: 0.5, testLoss: 0.5, testAccuracy: 0.8 }))
  if (mode === 'live') {
    const info = { engine: 'native' as const, backend: 'sim', notes: [], datasetHash: data.dataset.hash, trainCount, testCount: 0, totalSteps: total }
    await job.updateProgress({ kind: 'started', worker: id, info } satisfies Progress)
    for (const ch of h.chunks) await job.updateProgress({ kind: 'chunk', from: ch.from, totalSteps: total, chunk: ch.encoded } satisfies Progress)
    for (const m of epochs) await job.updateProgress({ kind: 'epoch', metrics: m } satisfies Progress)
  }
  runsDone++
  return {
    v: 1,
    worker: id,
    info: null,
    outcome: { alphaInit: [0.5, 0.5, 0.5].slice(0, nAlpha), finalAlpha: Array.from({ length: nAlpha }, () => 0.5), epochs, steps: total, totalSteps: total, cancelled: false, trainMs: 0 },
    history: h.full
  }
}

const worker = new Worker(QUEUE_NAME, process1, { connection: redis, prefix, concurrency: threads, name: id })
worker.on('error', (e) => console.error(`sim worker: ${e.message}`))
const info = (): WorkerInfo => ({
  id,
  host: hostname(),
  pid: process.pid,
  engine: 'sim',
  isa: 'sim',
  concurrency: threads,
  stepsPerSecond: 0,
  runsDone,
  running: [],
  startedAt: Date.now(),
  lastHeartbeat: Date.now()
})
const beat = (): Promise<unknown> => redis.set(WORKER_KEY_PREFIX + id, JSON.stringify(info()), 'EX', 20)
await beat()
setInterval(() => void beat(), 2000)
