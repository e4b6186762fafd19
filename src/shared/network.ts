import { z } from 'zod'

import { IMAGE_SIZE } from './constants'

export { IMAGE_SIZE, NUM_CLASSES } from './constants'

export const ConvLayerSchema = z.object({
  outChannels: z.number().int().min(1).max(128),
  kernel: z.number().int().min(1).max(IMAGE_SIZE),
  stride: z.number().int().min(1).max(IMAGE_SIZE),
  /** ReLU_α after this conv when true; plain ReLU otherwise. */
  alpha: z.boolean()
})
export type ConvLayerConfig = z.infer<typeof ConvLayerSchema>

export const NetworkSchema = z
  .object({ convs: z.array(ConvLayerSchema).min(1).max(6) })
  .superRefine((net, ctx) => {
    const problem = networkShapeProblem(net)
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['convs'] })
  })
export type NetworkConfig = z.infer<typeof NetworkSchema>

/** The paper's network: conv 1→15 k2 s2, conv 15→15 k2 s2, conv 15→1 k2 s1, ReLU_α after each, dense 36→10. */
export const PAPER_NETWORK: NetworkConfig = {
  convs: [
    { outChannels: 15, kernel: 2, stride: 2, alpha: true },
    { outChannels: 15, kernel: 2, stride: 2, alpha: true },
    { outChannels: 1, kernel: 2, stride: 1, alpha: true }
  ]
}

export interface LayerShape {
  inSize: number
  inChannels: number
  outSize: number
  outChannels: number
  kernel: number
  stride: number
  alpha: boolean
  /** Index of this layer's α in the α vector, or -1 for plain ReLU. */
  alphaIndex: number
}

/** Valid-padding conv output size, or 0 when the kernel does not fit. */
export function convOutSize(inSize: number, kernel: number, stride: number): number {
  return inSize < kernel ? 0 : Math.floor((inSize - kernel) / stride) + 1
}

function networkShapeProblem(net: { convs: ConvLayerConfig[] }): string | null {
  let size = IMAGE_SIZE
  for (let i = 0; i < net.convs.length; i++) {
    const c = net.convs[i]
    const out = convOutSize(size, c.kernel, c.stride)
    if (out < 1) {
      return `conv ${i + 1} (kernel ${c.kernel}, stride ${c.stride}) does not fit its ${size}×${size} input (28×28 images)`
    }
    size = out
  }
  return null
}

/** Per-layer shapes of a validated network; throws with a clear message if it does not fit 28×28. */
export function layerShapes(net: NetworkConfig): LayerShape[] {
  const problem = networkShapeProblem(net)
  if (problem) throw new Error(`invalid network: ${problem}`)
  const shapes: LayerShape[] = []
  let size = IMAGE_SIZE
  let channels = 1
  let alphaIndex = 0
  for (const c of net.convs) {
    const outSize = convOutSize(size, c.kernel, c.stride)
    shapes.push({
      inSize: size,
      inChannels: channels,
      outSize,
      outChannels: c.outChannels,
      kernel: c.kernel,
      stride: c.stride,
      alpha: c.alpha,
      alphaIndex: c.alpha ? alphaIndex++ : -1
    })
    size = outSize
    channels = c.outChannels
  }
  return shapes
}

export function alphaCount(net: NetworkConfig): number {
  return net.convs.filter((c) => c.alpha).length
}

/** Width of the flattened last conv output feeding the dense layer (36 for the paper's network). */
export function flatSize(net: NetworkConfig): number {
  const last = layerShapes(net).at(-1)!
  return last.outSize * last.outSize * last.outChannels
}

/**
 * Parameters in the canonical (TF.js) layout shared by every engine:
 * conv kernels [kh, kw, in, out], conv biases [out], dense kernel [in, out]
 * with the input flattened NHWC (h, w, c), dense bias [10], α [nAlpha].
 */
export interface Params {
  convKernels: Float32Array[]
  convBiases: Float32Array[]
  denseKernel: Float32Array
  denseBias: Float32Array
  alpha: Float32Array
}

/** The parameter arrays in their canonical order: conv kernels, conv biases, dense kernel, dense bias, α. */
export function paramArrays(p: Params): Float32Array[] {
  return [...p.convKernels, ...p.convBiases, p.denseKernel, p.denseBias, p.alpha]
}

/** Values in the canonical order, cut into float32 arrays shaped like `like`'s. */
export function paramsLike(values: ArrayLike<number>, like: Params): Params {
  const total = paramArrays(like).reduce((n, a) => n + a.length, 0)
  if (values.length !== total) throw new RangeError(`expected ${total} parameter values, got ${values.length}`)
  let at = 0
  const cut = (n: number): Float32Array => {
    const a = new Float32Array(n)
    for (let i = 0; i < n; i++) a[i] = values[at + i]
    at += n
    return a
  }
  return {
    convKernels: like.convKernels.map((k) => cut(k.length)),
    convBiases: like.convBiases.map((b) => cut(b.length)),
    denseKernel: cut(like.denseKernel.length),
    denseBias: cut(like.denseBias.length),
    alpha: cut(like.alpha.length)
  }
}
