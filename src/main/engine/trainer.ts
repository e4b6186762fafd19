import type { TrainConfig } from '../../shared/config'
import type { EpochMetrics, HistoryChunk } from '../../shared/results'
import { alphaCount } from '../../shared/network'
import { epochOrder, initialParams } from './init'
import type { ImageSet, StepEngine } from './types'
import type { Params } from '../../shared/network'

/** Steps per native/TF.js call: small enough for smooth progress and prompt cancellation. */
export const CHUNK_STEPS = 64

/**
 * One epoch's metrics as the trainer measures them: the stored row
 * (shared/results.ts) with every value known. trainLoss is the mean batch loss
 * (CE + λ·P) over the epoch's steps, testLoss the mean cross-entropy on the
 * test split (no penalty).
 */
export type TrainedEpoch = { [K in keyof EpochMetrics]: NonNullable<EpochMetrics[K]> }

/**
 * Recorded rows of the α history as the trainer produces them: the stored
 * chunk (shared/results.ts) as typed arrays (transferable to and from the
 * worker thread), epochs and losses always known. `steps` counts the steps
 * completed when each row was recorded (1 = after the first SGD update).
 */
export type TrainedChunk = HistoryChunk & { steps: Uint32Array; epochs: Uint16Array; alphas: Float32Array; losses: Float32Array }

/**
 * Where a run stands between two chunks: everything the loop needs to go on
 * exactly as if it had never stopped. The data order needs no PRNG state of
 * its own: each epoch's permutation is drawn afresh from (order seed, epoch),
 * so (epoch, batch) is its whole state; the weight and α draws happen once, at
 * step 0, and their result is `params`.
 */
export interface TrainCheckpoint {
  /** Steps done (= the last recorded step when the checkpoint is written with a chunk). */
  step: number
  /** Epoch in progress (0-based) and the next batch in it; batch = steps per epoch means "evaluate next". */
  epoch: number
  batch: number
  /** Sum of this epoch's batch losses so far, in the float64 the loop adds them in. */
  lossSum: number
  params: Params
  /** SGD's momentum buffers (StepEngine.getMomentum); absent or null with momentum 0, or before the first step. */
  momentum?: Float64Array | null
}

export interface TrainCallbacks {
  /**
   * After every chunk of steps, with the recorded rows (every `recordEvery`-th
   * step and the last) and the state after the chunk, to be stored with the rows.
   */
  onChunk?(chunk: TrainedChunk, totalSteps: number, checkpoint?: TrainCheckpoint): void
  /** After every epoch's evaluation, with the state at the start of the next epoch. */
  onEpoch?(metrics: TrainedEpoch, checkpoint?: TrainCheckpoint): void
  /** Polled between chunks; returning true stops the run (outcome.cancelled). */
  shouldStop?(): boolean
}

export interface TrainOutcome {
  alphaInit: number[]
  finalAlpha: number[]
  epochs: TrainedEpoch[]
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
export function trainRun(
  config: TrainConfig,
  train: ImageSet,
  test: ImageSet,
  engine: StepEngine,
  cb: TrainCallbacks = {},
  resume?: TrainCheckpoint
): TrainOutcome {
  const nAlpha = alphaCount(config.network)
  const initial = initialParams(config)
  const perEpoch = stepsPerEpoch(train.count, config.batchSize)
  const totalSteps = perEpoch * config.epochs
  if (resume) checkResume(resume, perEpoch, totalSteps)
  engine.setParams(resume ? resume.params : initial)
  if (resume?.momentum) engine.setMomentum(resume.momentum)
  engine.setTrainData(train)
  const alphaBuf = new Float32Array(CHUNK_STEPS * nAlpha)
  const lossBuf = new Float32Array(CHUNK_STEPS)
  const epochs: TrainedEpoch[] = []
  let step = resume?.step ?? 0
  let cancelled = false
  let lastAlpha = Array.from(resume ? resume.params.alpha : initial.alpha)
  const started = performance.now()
  const snapshot = (epoch: number, batch: number, lossSum: number): TrainCheckpoint => ({
    step,
    epoch,
    batch,
    lossSum,
    params: engine.getParams(),
    momentum: config.momentum > 0 ? engine.getMomentum() : null
  })

  for (let epoch = resume?.epoch ?? 0; epoch < config.epochs && !cancelled; epoch++) {
    const order = epochOrder(train.count, config.seeds.order, epoch)
    const resuming = resume !== undefined && epoch === resume.epoch
    let lossSum = resuming ? resume.lossSum : 0
    for (let batch = resuming ? resume.batch : 0; batch < perEpoch; ) {
      if (cb.shouldStop?.()) {
        cancelled = true
        break
      }
      const count = Math.min(CHUNK_STEPS, perEpoch - batch)
      engine.trainSteps(order, config.batchSize, batch, count, alphaBuf, lossBuf)
      for (let k = 0; k < count; k++) lossSum += lossBuf[k]
      lastAlpha = Array.from(alphaBuf.subarray((count - 1) * nAlpha, count * nAlpha))
      const rows = recorded(step, count, epoch, alphaBuf, lossBuf, nAlpha, config.recordEvery, totalSteps)
      step += count
      batch += count
      cb.onChunk?.(rows, totalSteps, snapshot(epoch, batch, lossSum))
    }
    if (cancelled) break
    const evalResult = engine.evaluate(test)
    const metrics = { epoch, trainLoss: lossSum / perEpoch, testLoss: evalResult.loss, testAccuracy: evalResult.accuracy }
    epochs.push(metrics)
    cb.onEpoch?.(metrics, snapshot(epoch + 1, 0, 0))
  }
  return {
    alphaInit: Array.from(initial.alpha),
    finalAlpha: lastAlpha,
    epochs,
    steps: step,
    totalSteps,
    cancelled,
    trainMs: performance.now() - started
  }
}

function checkResume(cp: TrainCheckpoint, perEpoch: number, totalSteps: number): void {
  const ok =
    Number.isInteger(cp.epoch) &&
    Number.isInteger(cp.batch) &&
    cp.batch >= 0 &&
    cp.batch <= perEpoch &&
    cp.step === cp.epoch * perEpoch + cp.batch &&
    cp.step <= totalSteps &&
    Number.isFinite(cp.lossSum)
  if (!ok) {
    throw new Error(
      `checkpoint at step ${cp.step} (epoch ${cp.epoch}, batch ${cp.batch}) does not fit this run (${perEpoch} steps an epoch, ${totalSteps} in all)`
    )
  }
}

/** Keeps the steps whose 1-based index is a multiple of `every`, and the run's last step. */
function recorded(firstStep: number, count: number, epoch: number, alphas: Float32Array, losses: Float32Array, nAlpha: number, every: number, totalSteps: number): TrainedChunk {
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
