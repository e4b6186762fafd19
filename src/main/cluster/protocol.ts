/**
 * What travels through Redis between a coordinator (the app or `alpha-wb
 * sweep --redis`) and its workers, and the zod schemas both sides hold it to.
 * Nothing read from Redis is trusted: a worker validates every job against the
 * run-config schema before training, the coordinator every result before
 * writing it.
 *
 * Keys (all under the "awb" namespace):
 *   awb:queues               SET of queue prefixes, one per coordinator database
 *   awb:dataset:<sha256>     a dataset's cache file, stored once by content hash
 *   awb:worker:<id>          HASH, one per live worker (expires without heartbeats)
 *   <prefix>:runs:…          BullMQ's keys for one database's run jobs
 *   <prefix>:cancel:<jobId>  set by the coordinator to stop a run
 */
import { createHash } from 'node:crypto'
import { hostname } from 'node:os'
import { resolve } from 'node:path'
import { z } from 'zod'
import { TrainConfigSchema } from '../../shared/config'
import type { ClusterWorkerInfo } from '../../shared/results'
import type { TrainedChunk as HistoryChunk, TrainedEpoch, TrainOutcome } from '../engine/trainer'
import type { RunStartInfo } from '../engine/worker-protocol'

export const QUEUE_NAME = 'runs'
export const QUEUES_KEY = 'awb:queues'
export const WORKER_KEY_PREFIX = 'awb:worker:'
export const DATASET_KEY_PREFIX = 'awb:dataset:'
/** Seconds a worker's registry entry outlives its last heartbeat. */
export const WORKER_TTL_S = 20
export const HEARTBEAT_MS = 3000

export function datasetKey(hash: string): string {
  return `${DATASET_KEY_PREFIX}${hash}`
}

export function cancelKey(prefix: string, jobId: string): string {
  return `${prefix}:cancel:${jobId}`
}

/** BullMQ job ids may not be integers nor contain ':'. One job per run: adding it again is a no-op. */
export function jobIdOf(runId: number): string {
  return `run-${runId}`
}

/**
 * The queue prefix of one database: its absolute path on this host, hashed.
 * Two coordinators with different databases on one Redis never see each
 * other's jobs. The braces make it a Redis Cluster hash tag, so all of one
 * queue's keys land on one slot.
 */
export function queuePrefix(dbPath: string, host = hostname()): string {
  const id = createHash('sha256').update(`${host}\0${resolve(dbPath)}`).digest('hex').slice(0, 16)
  return `{awb-${id}}`
}

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in lowercase hex')

export const JobDataSchema = z.object({
  v: z.literal(1),
  runId: z.number().int().min(1),
  sweepId: z.number().int().min(1),
  config: TrainConfigSchema,
  dataset: z.object({ name: z.string().min(1), hash: Sha256 })
})
export type JobData = z.infer<typeof JobDataSchema>

/** A history chunk with its typed arrays as base64 of their little-endian bytes, so α arrives bit for bit. */
const EncodedChunkSchema = z.object({ steps: z.string(), epochs: z.string(), alphas: z.string(), losses: z.string() })
export type EncodedChunk = z.infer<typeof EncodedChunkSchema>

const StartInfoSchema = z.object({
  engine: z.enum(['native', 'tfjs']),
  backend: z.string(),
  notes: z.array(z.string()),
  datasetHash: z.string(),
  trainCount: z.number().int().min(0),
  testCount: z.number().int().min(0),
  totalSteps: z.number().int().min(0)
})

const EpochSchema = z.object({ epoch: z.number().int().min(0), trainLoss: z.number(), testLoss: z.number(), testAccuracy: z.number() })

export const ProgressSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('started'), worker: z.string(), info: StartInfoSchema }),
  z.object({ kind: z.literal('chunk'), from: z.number().int().min(0), totalSteps: z.number().int().min(0), chunk: EncodedChunkSchema }),
  z.object({ kind: z.literal('epoch'), metrics: EpochSchema })
])
export type Progress = z.infer<typeof ProgressSchema>

export const ResultSchema = z.object({
  v: z.literal(1),
  worker: z.string(),
  info: StartInfoSchema.nullable(),
  outcome: z.object({
    alphaInit: z.array(z.number()),
    finalAlpha: z.array(z.number()),
    epochs: z.array(EpochSchema),
    steps: z.number().int().min(0),
    totalSteps: z.number().int().min(0),
    cancelled: z.boolean(),
    trainMs: z.number()
  }),
  history: EncodedChunkSchema.nullable()
})
export type JobResult = z.infer<typeof ResultSchema>

/** What a worker publishes about itself in awb:worker:<id>. */
export type WorkerInfo = ClusterWorkerInfo

export function startInfo(info: RunStartInfo): z.infer<typeof StartInfoSchema> {
  return { ...info, notes: [...info.notes] }
}

function b64(view: ArrayBufferView): string {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64')
}

function bytes(text: string, width: number, what: string): ArrayBuffer {
  const buf = Buffer.from(text, 'base64')
  if (buf.length % width !== 0) throw new Error(`history ${what}: ${buf.length} bytes is not a multiple of ${width}`)
  // A copy: aligned, and owned by the typed array.
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length) as ArrayBuffer
}

export function encodeChunk(c: HistoryChunk): EncodedChunk {
  return { steps: b64(c.steps), epochs: b64(c.epochs), alphas: b64(c.alphas), losses: b64(c.losses) }
}

/** Decodes and checks the shape (every array one entry per step; α nAlpha per step). */
export function decodeChunk(e: EncodedChunk, nAlpha: number): HistoryChunk {
  const chunk: HistoryChunk = {
    steps: new Uint32Array(bytes(e.steps, 4, 'steps')),
    epochs: new Uint16Array(bytes(e.epochs, 2, 'epochs')),
    alphas: new Float32Array(bytes(e.alphas, 4, 'alphas')),
    losses: new Float32Array(bytes(e.losses, 4, 'losses'))
  }
  const n = chunk.steps.length
  if (chunk.epochs.length !== n || chunk.losses.length !== n || chunk.alphas.length !== n * nAlpha) {
    throw new Error(`history chunk of ${n} steps has ${chunk.epochs.length} epochs, ${chunk.losses.length} losses and ${chunk.alphas.length} α (expected ${n * nAlpha})`)
  }
  return chunk
}

/** Joins chunks into one (the worker's record of a whole run). */
export function concatChunks(chunks: readonly HistoryChunk[], nAlpha: number): HistoryChunk {
  const n = chunks.reduce((s, c) => s + c.steps.length, 0)
  const out: HistoryChunk = {
    steps: new Uint32Array(n),
    epochs: new Uint16Array(n),
    alphas: new Float32Array(n * nAlpha),
    losses: new Float32Array(n)
  }
  let at = 0
  for (const c of chunks) {
    out.steps.set(c.steps, at)
    out.epochs.set(c.epochs, at)
    out.losses.set(c.losses, at)
    out.alphas.set(c.alphas, at * nAlpha)
    at += c.steps.length
  }
  return out
}

export function outcomeOf(r: JobResult['outcome']): TrainOutcome {
  return { ...r, epochs: r.epochs as TrainedEpoch[] }
}

/** A run stopped before a worker took it (its job was removed while waiting). */
export const NOT_STARTED: TrainOutcome = { alphaInit: [], finalAlpha: [], epochs: [], steps: 0, totalSteps: 0, cancelled: true, trainMs: 0 }

/** zod's message, short enough for a run's error column. */
export function schemaProblem(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ')
}
