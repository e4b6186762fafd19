/**
 * A cluster worker: a stateless process that takes run jobs from every
 * coordinator's queue on one Redis, trains each on a local training thread
 * (native kernel or TF.js) and reports progress and the result through the
 * job. Nothing it holds matters if it dies: BullMQ's stalled-job check hands
 * its runs to another worker, which trains them again from their seeds.
 */
import { hostname } from 'node:os'
import { Worker, UnrecoverableError, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import { PAPER_NETWORK, alphaCount } from '../../shared/network'
import { chooseEngine, type EngineChoice, type EnginePreference } from '../engine/select'
import { measureStepMs } from '../engine/step-probe'
import type { TrainedChunk as HistoryChunk, TrainedEpoch as EpochMetrics } from '../engine/trainer'
import { TrainWorker } from '../engine/worker-client'
import type { RunStartInfo } from '../engine/worker-protocol'
import { connect, type RedisTarget } from './connection'
import { DatasetFetcher } from './datasets'
import {
  cancelKey,
  concatChunks,
  encodeChunk,
  HEARTBEAT_MS,
  JobDataSchema,
  QUEUE_NAME,
  QUEUES_KEY,
  schemaProblem,
  startInfo,
  WORKER_KEY_PREFIX,
  WORKER_TTL_S,
  type JobResult,
  type Progress,
  type WorkerInfo
} from './protocol'

export interface ClusterWorkerOptions {
  redis: RedisTarget
  concurrency: number
  engine: EnginePreference
  /** Where fetched datasets are kept (one file per content hash). */
  cacheDir: string
  /** BullMQ lock duration (ms): a dead worker's runs go to another after about this long. Default 30 s. */
  lockDurationMs?: number
  log?: (line: string) => void
}

export interface WorkerStartReport {
  id: string
  engine: string
  isa: string
  stepMs: number
  stepsPerSecond: number
}

interface Thread {
  train: TrainWorker
  busy: boolean
}

export class ClusterWorker {
  readonly id = `${hostname()}/${process.pid}`
  private readonly redis: Redis
  private readonly fetcher: DatasetFetcher
  private readonly threads: Thread[]
  private readonly waiting: ((t: Thread) => void)[] = []
  private readonly queues = new Map<string, Worker>()
  private readonly running = new Set<string>()
  private info: WorkerInfo | null = null
  private timers: NodeJS.Timeout[] = []
  private closing = false
  private readonly log: (line: string) => void

  constructor(private readonly opts: ClusterWorkerOptions) {
    this.redis = connect(opts.redis)
    this.fetcher = new DatasetFetcher(this.redis, opts.cacheDir)
    this.threads = Array.from({ length: opts.concurrency }, () => ({
      train: new TrainWorker({ cacheDir: opts.cacheDir, engine: opts.engine }),
      busy: false
    }))
    this.log = opts.log ?? ((line) => console.error(line))
  }

  /** Measures this machine, registers the worker and starts taking jobs. */
  async start(): Promise<WorkerStartReport> {
    const choice: EngineChoice = await chooseEngine(this.opts.engine, PAPER_NETWORK)
    const stepMs = await measureStepMs(choice)
    const report: WorkerStartReport = {
      id: this.id,
      engine: choice.kind,
      isa: choice.kind === 'native' ? choice.backend : `tfjs-${choice.backend}`,
      stepMs,
      stepsPerSecond: Math.round((1000 / stepMs) * 10) / 10
    }
    const now = Date.now()
    this.info = {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      engine: choice.kind,
      isa: report.isa,
      concurrency: this.opts.concurrency,
      stepsPerSecond: report.stepsPerSecond,
      runsDone: 0,
      running: [],
      startedAt: now,
      lastHeartbeat: now
    }
    await this.heartbeat()
    await this.discover()
    this.timers.push(setInterval(() => void this.heartbeat().catch(() => {}), HEARTBEAT_MS))
    this.timers.push(setInterval(() => void this.discover().catch(() => {}), 2000))
    return report
  }

  private async heartbeat(): Promise<void> {
    if (!this.info || this.closing) return
    this.info.lastHeartbeat = Date.now()
    this.info.running = [...this.running]
    const key = WORKER_KEY_PREFIX + this.id
    await this.redis
      .multi()
      .set(key, JSON.stringify(this.info))
      .expire(key, WORKER_TTL_S)
      .exec()
  }

  /** Starts a BullMQ worker on every coordinator's queue it does not serve yet. */
  private async discover(): Promise<void> {
    if (this.closing) return
    const prefixes = await this.redis.smembers(QUEUES_KEY)
    for (const prefix of prefixes) {
      if (this.queues.has(prefix)) continue
      const lock = this.opts.lockDurationMs ?? 30_000
      const worker = new Worker(QUEUE_NAME, (job: Job) => this.process(prefix, job), {
        connection: this.redis,
        prefix,
        concurrency: this.opts.concurrency,
        lockDuration: lock,
        stalledInterval: lock,
        maxStalledCount: 10,
        name: this.id
      })
      worker.on('error', (err) => this.log(`worker ${this.id}: queue ${prefix}: ${err.message}`))
      worker.on('failed', (job, err) => job && this.log(`job ${job.id} failed: ${err.message}`))
      this.queues.set(prefix, worker)
    }
  }

  private acquire(): Promise<Thread> {
    const free = this.threads.find((t) => !t.busy)
    if (free) {
      free.busy = true
      return Promise.resolve(free)
    }
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  private release(t: Thread): void {
    const next = this.waiting.shift()
    if (next) next(t)
    else t.busy = false
  }

  private async process(prefix: string, job: Job): Promise<JobResult> {
    const parsed = JobDataSchema.safeParse(job.data)
    if (!parsed.success) throw new UnrecoverableError(`job ${job.id} is not a valid run job: ${schemaProblem(parsed.error)}`)
    const data = parsed.data
    let file: string
    try {
      file = await this.fetcher.get(data.dataset.name, data.dataset.hash)
    } catch (err) {
      throw new UnrecoverableError((err as Error).message)
    }
    const thread = await this.acquire()
    const jobId = job.id ?? ''
    this.running.add(jobId)
    void this.heartbeat().catch(() => {})
    const nAlpha = alphaCount(data.config.network)
    const chunks: HistoryChunk[] = []
    let info: RunStartInfo | null = null
    let stepsSoFar = 0
    // Progress is sent in order, one update at a time; a lost update (Redis down) is only a live view missed.
    let sending: Promise<void> = Promise.resolve()
    const send = (p: Progress): void => {
      sending = sending.then(() => job.updateProgress(p)).catch(() => {})
    }
    const key = cancelKey(prefix, jobId)
    let checking = false
    try {
      const outcome = await thread.train.run(
        data.runId,
        data.config,
        {
          onStarted: (i) => {
            info = i
            send({ kind: 'started', worker: this.id, info: startInfo(i) })
          },
          onChunk: (chunk: HistoryChunk, totalSteps: number) => {
            chunks.push(chunk)
            send({ kind: 'chunk', from: stepsSoFar, totalSteps, chunk: encodeChunk(chunk) })
            stepsSoFar = chunk.steps.length ? chunk.steps[chunk.steps.length - 1] : stepsSoFar
            if (!checking) {
              checking = true
              this.redis
                .exists(key)
                .then((n) => n === 1 && thread.train.cancel(data.runId))
                .catch(() => {})
                .finally(() => (checking = false))
            }
          },
          onEpoch: (metrics: EpochMetrics) => send({ kind: 'epoch', metrics })
        },
        undefined,
        { file, hash: data.dataset.hash }
      )
      await sending
      if (!outcome.cancelled && this.info) this.info.runsDone++
      return {
        v: 1,
        worker: this.id,
        info: info ? startInfo(info) : null,
        outcome,
        history: outcome.cancelled ? null : encodeChunk(concatChunks(chunks, nAlpha))
      }
    } catch (err) {
      // A training error is the run's own (bad config for this engine, …): retrying elsewhere would fail the same way.
      throw new UnrecoverableError((err as Error).message)
    } finally {
      this.running.delete(jobId)
      this.release(thread)
      void this.heartbeat().catch(() => {})
    }
  }

  /**
   * Stops taking jobs. Graceful: the runs training finish first. Not
   * graceful: returns at once; their jobs stall and go to another worker.
   */
  async close(graceful = true): Promise<void> {
    this.closing = true
    for (const t of this.timers) clearInterval(t)
    this.timers = []
    await Promise.all([...this.queues.values()].map((w) => w.close(!graceful)))
    await Promise.all(this.threads.map((t) => t.train.close()))
    await this.redis.del(WORKER_KEY_PREFIX + this.id).catch(() => {})
    this.redis.disconnect()
  }
}

/** Every worker with a live registry entry, newest heartbeat first. */
export async function listWorkers(redis: Redis): Promise<WorkerInfo[]> {
  const keys: string[] = []
  let cursor = '0'
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${WORKER_KEY_PREFIX}*`, 'COUNT', 500)
    cursor = next
    keys.push(...batch)
  } while (cursor !== '0')
  if (keys.length === 0) return []
  const values = await redis.mget(...keys)
  const out: WorkerInfo[] = []
  for (const v of values) {
    if (!v) continue
    try {
      out.push(JSON.parse(v) as WorkerInfo)
    } catch {
      // not ours: skip
    }
  }
  return out.sort((a, b) => b.lastHeartbeat - a.lastHeartbeat)
}
