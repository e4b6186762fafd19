/**
 * Trains runs on cluster workers: each claimed run becomes one BullMQ job
 * (id "run-<id>", so queueing it again after a coordinator crash finds the
 * job, finished or not, instead of adding a second). Live α chunks arrive
 * through job progress; the final history and metrics through the job's
 * result, which the runner writes to SQLite in the transaction that marks the
 * run done. Events can be missed (a restart of either side), so every
 * pending job is also checked every few seconds.
 */
import { EventEmitter } from 'node:events'
import { Queue, QueueEvents, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import { alphaCount } from '../../shared/network'
import type { Dataset } from '../data'
import type { ExecHandlers, ExecRun, Execution, RunExecutor } from '../sweep/executor'
import { connect, type RedisTarget } from './connection'
import { publishDataset } from './datasets'
import {
  cancelKey,
  decodeChunk,
  jobIdOf,
  NOT_STARTED,
  outcomeOf,
  ProgressSchema,
  QUEUE_NAME,
  QUEUES_KEY,
  ResultSchema,
  schemaProblem,
  type JobData,
  type WorkerInfo
} from './protocol'
import { listWorkers } from './worker'

export interface RemoteExecutorOptions {
  redis: RedisTarget
  /** This database's queue prefix (queuePrefix(dbPath)). */
  prefix: string
  /** Loads a dataset by name (the coordinator's own cache), to publish it by hash. */
  loadDataset(name: string): Promise<Dataset>
  /** Most runs in flight at once; default 2 × the connected workers' threads, at least 2, at most this. */
  maxInFlight?: number
  /** How often pending jobs are checked and the worker list read (ms). Default 2000. */
  pollMs?: number
}

interface Pending {
  run: ExecRun
  jobId: string
  nAlpha: number
  handlers: ExecHandlers
  /** Steps delivered to the runner so far (live chunks continue from here). */
  delivered: number
  /** Epochs whose metrics were delivered so far (live epochs continue from here). */
  epochs: number
  resolve(e: Execution): void
  reject(err: Error): void
  settling: boolean
}

export class RemoteExecutor implements RunExecutor {
  private readonly redis: Redis
  private readonly queue: Queue
  private readonly events: QueueEvents
  private readonly eventsRedis: Redis
  private readonly pending = new Map<string, Pending>()
  private readonly published = new Map<string, Promise<string>>()
  private readonly emitter = new EventEmitter()
  private timer: NodeJS.Timeout | null = null
  private workerThreads = 0
  private closed = false

  constructor(private readonly opts: RemoteExecutorOptions) {
    this.redis = connect(opts.redis)
    const connection = this.redis
    this.queue = new Queue(QUEUE_NAME, { connection, prefix: opts.prefix })
    // QueueEvents blocks on its connection (XREAD): it gets one of its own.
    this.eventsRedis = connect(opts.redis)
    this.events = new QueueEvents(QUEUE_NAME, { connection: this.eventsRedis, prefix: opts.prefix })
    this.queue.on('error', () => {})
    this.events.on('error', () => {})
    this.events.on('progress', ({ jobId, data }) => this.onProgress(jobId, data))
    this.events.on('completed', ({ jobId }) => void this.settle(jobId))
    this.events.on('failed', ({ jobId }) => void this.settle(jobId))
    this.timer = setInterval(() => void this.poll(), opts.pollMs ?? 2000)
    void this.poll()
  }

  get label(): string {
    return `cluster at ${this.opts.redis.display}`
  }

  get capacity(): number {
    const max = this.opts.maxInFlight ?? 1024
    return Math.min(max, Math.max(2, 2 * this.workerThreads))
  }

  onCapacity(listener: () => void): void {
    this.emitter.on('capacity', listener)
  }

  /** Registers this database's queue so workers serve it; resolves once Redis answered. */
  async ready(): Promise<void> {
    await this.redis.sadd(QUEUES_KEY, this.opts.prefix)
    await this.queue.waitUntilReady()
    await this.events.waitUntilReady()
  }

  private dataset(name: string): Promise<string> {
    let p = this.published.get(name)
    if (!p) {
      p = this.opts.loadDataset(name).then((ds) => publishDataset(this.redis, ds))
      p.catch(() => this.published.delete(name))
      this.published.set(name, p)
    }
    return p
  }

  async execute(run: ExecRun, handlers: ExecHandlers): Promise<Execution> {
    // Workers train from the seeds (a result is the whole run); what was kept from an earlier attempt goes.
    if (run.resume) handlers.onRestart?.()
    const hash = await this.dataset(run.config.dataset)
    const jobId = jobIdOf(run.id)
    const data: JobData = { v: 1, runId: run.id, sweepId: run.sweepId, config: run.config, dataset: { name: run.config.dataset, hash } }
    const result = new Promise<Execution>((resolve, reject) => {
      this.pending.set(jobId, { run, jobId, nAlpha: alphaCount(run.config.network), handlers, delivered: 0, epochs: 0, resolve, reject, settling: false })
    })
    try {
      await this.redis.sadd(QUEUES_KEY, this.opts.prefix)
      // A no-op when the job exists: a coordinator restarted after a crash picks up the job it queued before.
      await this.queue.add('train', data, { jobId, attempts: 1, removeOnComplete: false, removeOnFail: false })
    } catch (err) {
      this.pending.delete(jobId)
      throw err
    }
    void this.settle(jobId)
    return result
  }

  private onProgress(jobId: string, raw: unknown): void {
    const p = this.pending.get(jobId)
    if (!p) return
    const parsed = ProgressSchema.safeParse(raw)
    if (!parsed.success) return
    const msg = parsed.data
    try {
      if (msg.kind === 'started') {
        this.restart(p)
        p.handlers.onStarted?.({ ...msg.info })
      } else if (msg.kind === 'chunk') {
        if (msg.from === 0) this.restart(p)
        // Only a chunk that continues what was delivered is stored live; the result carries the whole history anyway.
        if (msg.from !== p.delivered) return
        const chunk = decodeChunk(msg.chunk, p.nAlpha)
        p.handlers.onChunk?.(chunk, msg.totalSteps)
        if (chunk.steps.length) p.delivered = chunk.steps[chunk.steps.length - 1]
      } else {
        // Likewise only the next epoch's metrics. A job trained again after a Redis restart, whose
        // 'started' and first chunk were sent while this process was reconnecting, sends epoch 0
        // again: stored a second time, it failed the run ("metrics for epoch 0 are already stored").
        if (msg.metrics.epoch !== p.epochs) return
        p.handlers.onEpoch?.(msg.metrics)
        p.epochs++
      }
    } catch {
      // A live update that cannot be stored (e.g. the run was stopped meanwhile) is only a live view missed.
    }
  }

  /** The job (re)starts from its seeds: whatever was delivered live before is dropped (nothing to drop on a first start). */
  private restart(p: Pending): void {
    if (p.delivered === 0 && p.epochs === 0) return
    p.delivered = 0
    p.epochs = 0
    p.handlers.onRestart?.()
  }

  /** Looks at a job and finishes its run if the job is done or failed. */
  private async settle(jobId: string): Promise<void> {
    const p = this.pending.get(jobId)
    if (!p || p.settling) return
    p.settling = true
    try {
      // State first: a job read before it completed would carry no result yet.
      const state = await this.queue.getJobState(jobId)
      if (state !== 'completed' && state !== 'failed') return
      const job: Job | undefined = await this.queue.getJob(jobId)
      if (!job) return
      if (state === 'completed') {
        this.pending.delete(jobId)
        const r = ResultSchema.safeParse(job.returnvalue)
        if (!r.success) return p.reject(new Error(`worker's result for run ${p.run.id} is not valid: ${schemaProblem(r.error)}`))
        const outcome = outcomeOf(r.data.outcome)
        if (r.data.info) p.handlers.onStarted?.({ ...r.data.info })
        if (outcome.cancelled) return p.resolve({ outcome, worker: r.data.worker })
        if (!r.data.history) return p.reject(new Error(`worker ${r.data.worker} returned run ${p.run.id} without its history`))
        let history
        try {
          history = decodeChunk(r.data.history, p.nAlpha)
        } catch (err) {
          return p.reject(new Error(`worker ${r.data.worker}'s result for run ${p.run.id}: ${(err as Error).message}`))
        }
        p.resolve({ outcome, history, worker: r.data.worker })
      } else if (state === 'failed') {
        this.pending.delete(jobId)
        p.reject(new Error(job.failedReason || `run ${p.run.id} failed on a cluster worker`))
      }
    } catch {
      // Redis unreachable: the next poll tries again.
    } finally {
      p.settling = false
    }
  }

  private async poll(): Promise<void> {
    if (this.closed) return
    try {
      const workers = await listWorkers(this.redis)
      const threads = workers.reduce((s, w) => s + w.concurrency, 0)
      const grew = threads > this.workerThreads
      this.workerThreads = threads
      if (grew) this.emitter.emit('capacity')
    } catch {
      // Redis down: keep the last count.
    }
    for (const jobId of [...this.pending.keys()]) await this.settle(jobId)
  }

  /** Workers with a live heartbeat on this Redis. */
  workers(): Promise<WorkerInfo[]> {
    return listWorkers(this.redis)
  }

  /** The runner has recorded the run's end: the job can go (and the run id be queued afresh later). */
  release(runId: number): void {
    const jobId = jobIdOf(runId)
    void (async () => {
      try {
        const state = await this.queue.getJobState(jobId)
        if (state === 'completed' || state === 'failed') await this.queue.remove(jobId)
        await this.redis.del(cancelKey(this.opts.prefix, jobId))
      } catch {
        // Left behind: a later claim of this run collects it (a result is valid for its run whenever it was made).
      }
    })()
  }

  cancel(runId: number): void {
    const jobId = jobIdOf(runId)
    const p = this.pending.get(jobId)
    void (async () => {
      try {
        await this.redis.set(cancelKey(this.opts.prefix, jobId), '1', 'EX', 86_400)
        const job = await this.queue.getJob(jobId)
        if (!job) return
        const state = await job.getState()
        if (state === 'waiting' || state === 'delayed' || state === 'prioritized') {
          await job.remove()
          if (p && this.pending.get(jobId) === p) {
            this.pending.delete(jobId)
            p.resolve({ outcome: NOT_STARTED, worker: '' })
          }
        }
        // Active: the worker sees the cancel key at its next chunk and returns a cancelled outcome.
      } catch {
        // Redis unreachable: the job trains on; its result is still valid for the run.
      }
    })()
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    for (const p of this.pending.values()) p.reject(new Error('the coordinator stopped'))
    this.pending.clear()
    await this.events.close().catch(() => {})
    await this.queue.close().catch(() => {})
    this.eventsRedis.disconnect()
    this.redis.disconnect()
  }
}
