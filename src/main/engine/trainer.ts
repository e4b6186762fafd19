import type { TrainConfig } from '../../shared/config'
import { alphaCount } from '../../shared/network'
import { epochOrder, initialParams } from './init'
import type { ImageSet, StepEngine } from './types'

/** Steps per native/TF.js call: small enough for smooth progress and prompt cancellation. */
export const CHUNK_STEPS = 64

export interface EpochMetrics {
  epoch: number
  /** Mean batch loss (CE + λ·P) over the epoch's steps. */
  trainLoss: number
  /** Mean cross-entropy on the test split (no penalty). */
  testLoss: number
  testAccuracy: number
}

/** Recorded rows of the α history: α row-major [steps.length, nAlpha]. */
export interface HistoryChunk {
  /** Steps completed when each row was recorded (1 = after the first SGD update). */
  steps: Uint32Array
  /** Epoch (0-based) of each row. */
  epochs: Uint16Array
  alphas: Float32Array
  losses: Float32Array
}

export interface TrainCallbacks {
  /** After every chunk of steps, with the recorded rows (every `recordEvery`-th step and the last). */
  onChunk?(chunk: HistoryChunk, totalSteps: number): void
  onEpoch?(metrics: EpochMetrics): void
  /** Polled between chunks; returning true stops the run (outcome.cancelled). */
  shouldStop?(): boolean
}

export interface TrainOutcome {
  alphaInit: number[]
  finalAlpha: number[]
  epochs: EpochMetrics[]
  steps: number
  totalSteps: number
  cancelled: boolean
  trainMs: number
}

export function stepsPerEpoch(trainCount: number, batchSize: number): number {
  return Math.ceil(trainCount / batchSize)
}

/**
 * The training loop shared by every engine: the engine does the arithmetic,
 * this decides the data order, chunking, recording and evaluation, so a run's
 * history depends only on its config (and the engine's float arithmetic).
 */
export function trainRun(config: TrainConfig, train: ImageSet, test: ImageSet, engine: StepEngine, cb: TrainCallbacks = {}): TrainOutcome {
  const nAlpha = alphaCount(config.network)
  const params = initialParams(config)
  engine.setParams(params)
  engine.setTrainData(train)
  const perEpoch = stepsPerEpoch(train.count, config.batchSize)
  const totalSteps = perEpoch * config.epochs
  const alphaBuf = new Float32Array(CHUNK_STEPS * nAlpha)
  const lossBuf = new Float32Array(CHUNK_STEPS)
  const epochs: EpochMetrics[] = []
  let step = 0
  let cancelled = false
  let lastAlpha = Array.from(params.alpha)
  const started = performance.now()

  for (let epoch = 0; epoch < config.epochs && !cancelled; epoch++) {
    const order = epochOrder(train.count, config.seeds.order, epoch)
    let lossSum = 0
    for (let batch = 0; batch < perEpoch; ) {
      if (cb.shouldStop?.()) {
        cancelled = true
        break
      }
      const count = Math.min(CHUNK_STEPS, perEpoch - batch)
      engine.trainSteps(order, config.batchSize, batch, count, alphaBuf, lossBuf)
      for (let k = 0; k < count; k++) lossSum += lossBuf[k]
      lastAlpha = Array.from(alphaBuf.subarray((count - 1) * nAlpha, count * nAlpha))
      cb.onChunk?.(recorded(step, count, epoch, alphaBuf, lossBuf, nAlpha, config.recordEvery, totalSteps), totalSteps)
      step += count
      batch += count
    }
    if (cancelled) break
    const evalResult = engine.evaluate(test)
    const metrics = { epoch, trainLoss: lossSum / perEpoch, testLoss: evalResult.loss, testAccuracy: evalResult.accuracy }
    epochs.push(metrics)
    cb.onEpoch?.(metrics)
  }
  return {
    alphaInit: Array.from(params.alpha),
    finalAlpha: lastAlpha,
    epochs,
    steps: step,
    totalSteps,
    cancelled,
    trainMs: performance.now() - started
  }
}

/** Keeps the steps whose 1-based index is a multiple of `every`, and the run's last step. */
function recorded(firstStep: number, count: number, epoch: number, alphas: Float32Array, losses: Float32Array, nAlpha: number, every: number, totalSteps: number): HistoryChunk {
  const keep: number[] = []
  for (let k = 0; k < count; k++) {
    const s = firstStep + k
    if ((s + 1) % every === 0 || s === totalSteps - 1) keep.push(k)
  }
  const outAlphas = new Float32Array(keep.length * nAlpha)
  const outLosses = new Float32Array(keep.length)
  keep.forEach((k, i) => {
    outAlphas.set(alphas.subarray(k * nAlpha, (k + 1) * nAlpha), i * nAlpha)
    outLosses[i] = losses[k]
  })
  return {
    steps: Uint32Array.from(keep, (k) => firstStep + k + 1),
    epochs: new Uint16Array(keep.length).fill(epoch),
    alphas: outAlphas,
    losses: outLosses
  }
}
