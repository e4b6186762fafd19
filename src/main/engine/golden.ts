import { readFileSync } from 'node:fs'
import { resourcePath } from '../paths'
import { PAPER_NETWORK, type Params } from '../../shared/network'
import type { EngineOptions, ImageSet, ProbeResult } from './types'

/**
 * The PyTorch known-answer fixture (resources/fixtures/README.md): one SGD step
 * and a 4-step trajectory of the original module. Used by the parity tests and
 * by `doctor`'s known-answer check.
 */
interface FixtureTensor {
  shape: number[]
  dtype: string
  data: number[]
}
type TorchParams = Record<string, FixtureTensor>

export interface GoldenCase {
  name: string
  penalty: 'l1' | 'l2' | null
  lambda: number
  dtype: 'float32' | 'float64'
  alpha_init: number[]
  step1: {
    loss: number
    ce: number
    penalty: number
    logits_log_softmax: FixtureTensor
    grads: TorchParams
    alpha_after_step_before_clamp: number[]
    params_after: TorchParams
  }
  trajectory: { step: number; loss_before_step: number; ce_before_step: number; alpha_after_step: number[] }[]
  loss_after_last_step: number
  params_after_last_step: TorchParams
}

export interface Golden {
  hyper: { lr: number; momentum: number }
  init_params: TorchParams
  batch: { n: number; labels: number[]; pixels_uint8: FixtureTensor | number[] }
  cases: GoldenCase[]
}

export function loadGolden(): Golden {
  return JSON.parse(readFileSync(resourcePath('fixtures', 'pytorch_golden_step.json'), 'utf8')) as Golden
}

/** PyTorch conv weight [out, in, kh, kw] → canonical [kh, kw, in, out]. */
function convToCanonical(t: FixtureTensor): Float32Array {
  const [out, inC, kh, kw] = t.shape
  const dst = new Float32Array(t.data.length)
  for (let o = 0; o < out; o++)
    for (let i = 0; i < inC; i++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) dst[((y * kw + x) * inC + i) * out + o] = t.data[((o * inC + i) * kh + y) * kw + x]
  return dst
}

/**
 * fc1.weight [10, 36] with y = x·Wᵀ → canonical [36, 10]. The flatten order is
 * (h, w) for the paper's one-channel last conv, the same in NCHW and NHWC.
 */
function denseToCanonical(t: FixtureTensor): Float32Array {
  const [out, inF] = t.shape
  const dst = new Float32Array(t.data.length)
  for (let o = 0; o < out; o++) for (let i = 0; i < inF; i++) dst[i * out + o] = t.data[o * inF + i]
  return dst
}

/** Converts a fixture parameter set (weights, and α when present) to the canonical layout. */
export function toCanonical(p: TorchParams, alpha: ArrayLike<number>): Params {
  return {
    convKernels: ['conv1', 'conv2', 'conv3'].map((c) => convToCanonical(p[`${c}.weight`])),
    convBiases: ['conv1', 'conv2', 'conv3'].map((c) => Float32Array.from(p[`${c}.bias`].data)),
    denseKernel: denseToCanonical(p['fc1.weight']),
    denseBias: Float32Array.from(p['fc1.bias'].data),
    alpha: Float32Array.from(alpha)
  }
}

export function goldenBatch(g: Golden): ImageSet {
  const px = Array.isArray(g.batch.pixels_uint8) ? g.batch.pixels_uint8 : g.batch.pixels_uint8.data
  return { images: Uint8Array.from(px), labels: Uint8Array.from(g.batch.labels), count: g.batch.n }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return Number.isNaN(m) ? Infinity : m
}

/** Largest absolute difference over every tensor of two parameter sets. */
export function paramsDiff(a: Params, b: Params): Record<string, number> {
  const out: Record<string, number> = {}
  a.convKernels.forEach((k, i) => (out[`conv${i + 1}.weight`] = maxAbsDiff(k, b.convKernels[i])))
  a.convBiases.forEach((k, i) => (out[`conv${i + 1}.bias`] = maxAbsDiff(k, b.convBiases[i])))
  out['fc1.weight'] = maxAbsDiff(a.denseKernel, b.denseKernel)
  out['fc1.bias'] = maxAbsDiff(a.denseBias, b.denseBias)
  out.alpha = maxAbsDiff(a.alpha, b.alpha)
  return out
}

/** The engine options a fixture case was computed with (the paper's network; no penalty = L2 with λ 0). */
export function caseOptions(g: Golden, c: GoldenCase): EngineOptions {
  return { network: PAPER_NETWORK, penalty: c.penalty ?? 'l2', lambda: c.lambda, lr: g.hyper.lr, momentum: g.hyper.momentum }
}

/** |Δ| of a probe against a case's step 1: loss, CE, log-softmax and every gradient, by name. */
export function probeDiffs(probe: ProbeResult, c: GoldenCase): Record<string, number> {
  const grads = paramsDiff(probe.grads, toCanonical(c.step1.grads, c.step1.grads.alpha.data))
  return {
    loss: Math.abs(probe.loss - c.step1.loss),
    ce: Math.abs(probe.ce - c.step1.ce),
    logSoftmax: maxAbsDiff(probe.logProbs, c.step1.logits_log_softmax.data),
    ...Object.fromEntries(Object.entries(grads).map(([k, v]) => [`grad ${k}`, v]))
  }
}
