import type { NetworkConfig, Params } from '../../shared/network'
import type { Penalty } from '../../shared/config'

import type { ImageSet } from '../data/types'

export type { ImageSet }

export interface EngineOptions {
  network: NetworkConfig
  penalty: Penalty
  lambda: number
  lr: number
  momentum: number
}

export interface ProbeResult {
  /** CE + λ·P(α), before any update. */
  loss: number
  ce: number
  /** log_softmax outputs, [n, 10] row-major. */
  logProbs: Float32Array
  grads: Params
}

export interface EvalResult {
  /** Mean cross-entropy (no penalty). */
  loss: number
  /** Fraction correct, 0..1. */
  accuracy: number
}

/**
 * A training engine: holds one network's parameters and its training images
 * and runs SGD steps on them. Every engine takes and returns parameters in the
 * canonical layout of `Params` and is held to the PyTorch fixture.
 */
export interface StepEngine {
  /** 'tfjs' or 'native'. */
  readonly kind: EngineKind
  /** The concrete backend: TF.js backend name ('tensorflow', 'wasm', 'cpu') or native ISA ('avx512', 'avx2', 'generic'). */
  readonly backend: string
  /** Sets the parameters and clears the optimiser's state (the next step is a first step). */
  setParams(params: Params): void
  getParams(): Params
  /**
   * SGD's momentum buffers in the canonical parameter order (paramArrays), as
   * float64, which holds every engine's buffers exactly; null before the first
   * step, when PyTorch has none yet. Only meaningful with momentum > 0.
   */
  getMomentum(): Float64Array | null
  /** Restores what getMomentum gave, after setParams: the next step continues the buffers. */
  setMomentum(buffers: Float64Array): void
  setTrainData(data: ImageSet): void
  /**
   * Runs `steps` SGD steps (each followed by clamping α to [0, 1]). Step k uses
   * the images order[(firstBatch + k)·batchSize …] up to batchSize of them (the
   * last batch of an epoch may be short). After step k, α is written to
   * alphaOut[k·nAlpha …] and the batch loss (before the step, CE + penalty) to lossOut[k].
   */
  trainSteps(
    order: Int32Array,
    batchSize: number,
    firstBatch: number,
    steps: number,
    alphaOut: Float32Array,
    lossOut: Float32Array
  ): void
  /** Loss, CE and gradients on one batch without updating anything. */
  probe(batch: ImageSet): ProbeResult
  evaluate(data: ImageSet): EvalResult
  dispose(): void
}

import type { EngineKind } from '../../shared/constants'

export type { EngineKind }
