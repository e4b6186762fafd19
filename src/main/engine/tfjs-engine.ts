import * as tf from '@tensorflow/tfjs'
import { IMAGE_PIXELS } from '../../shared/constants'
import { IMAGE_SIZE, NUM_CLASSES, flatSize, layerShapes, paramsLike, type LayerShape, type Params } from '../../shared/network'
import { penaltyGrad, penaltyValue } from './penalty'
import type { EngineOptions, EvalResult, ImageSet, ProbeResult, StepEngine } from './types'

const PIXELS = IMAGE_PIXELS
/** uint8 → float32 pixel in [0, 1], computed once (x / 255 as PyTorch's ToTensor does). */
const PIXEL_SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 255)
const EVAL_CHUNK = 2000

/**
 * Valid-padding convolution as matMul, the formulation that trains on every
 * TF.js backend: wasm has no Conv2DBackpropFilter kernel, so tf.conv2d cannot
 * be differentiated there. Non-overlapping convolutions (kernel = stride, the
 * paper's k2 s2) are a space-to-depth reshape and one matMul; other shapes
 * gather their k² taps with slices and concatenate them (im2col).
 */
function convAsMatMul(x: tf.Tensor4D, kernel: tf.Tensor, s: LayerShape): tf.Tensor4D {
  const n = x.shape[0]
  const { kernel: k, stride, outSize: o, inChannels: c, outChannels } = s
  const w = kernel.reshape([k * k * c, outChannels])
  let patches: tf.Tensor2D
  if (k === stride) {
    const cropped = o * k === s.inSize ? x : x.slice([0, 0, 0, 0], [n, o * k, o * k, c])
    patches = cropped
      .reshape([n, o, k, o, k, c])
      .transpose([0, 1, 3, 2, 4, 5])
      .reshape([n * o * o, k * k * c])
  } else {
    const taps: tf.Tensor2D[] = []
    for (let dy = 0; dy < k; dy++) {
      for (let dx = 0; dx < k; dx++) taps.push(stridedTap(x, dy, dx, s).reshape([n * o * o, c]))
    }
    patches = tf.concat(taps, 1)
  }
  return patches.matMul(w).reshape([n, o, o, outChannels])
}

/** x[:, dy + stride·i, dx + stride·j, :] for i, j < outSize, with slice/pad/reshape only (all differentiable everywhere). */
function stridedTap(x: tf.Tensor4D, dy: number, dx: number, s: LayerShape): tf.Tensor4D {
  const n = x.shape[0]
  const { stride, outSize: o, inChannels: c } = s
  if (stride === 1) return x.slice([0, dy, dx, 0], [n, o, o, c])
  const need = dy + stride * o
  const padded = need > s.inSize || dx + stride * o > s.inSize
    ? x.pad([[0, 0], [0, Math.max(0, need - s.inSize)], [0, Math.max(0, dx + stride * o - s.inSize)], [0, 0]])
    : x
  return padded
    .slice([0, dy, dx, 0], [n, stride * o, stride * o, c])
    .reshape([n, o, stride, o, stride, c])
    .slice([0, 0, 0, 0, 0, 0], [n, o, 1, o, 1, c])
    .reshape([n, o, o, c])
}

/** ReLU_α(x) = relu(x) − (1 − α)·relu(−x): written exactly so, so that d/dx at 0 is 0 as in PyTorch. */
function reluAlpha(x: tf.Tensor, alpha: tf.Tensor): tf.Tensor {
  return tf.sub(tf.relu(x), tf.mul(tf.sub(1, alpha), tf.relu(tf.neg(x))))
}

export class TfjsEngine implements StepEngine {
  readonly kind = 'tfjs' as const
  readonly backend: string
  private readonly shapes: LayerShape[]
  private readonly flat: number
  private readonly convKernels: tf.Variable[]
  private readonly convBiases: tf.Variable[]
  private readonly denseKernel: tf.Variable
  private readonly denseBias: tf.Variable
  private readonly alpha: tf.Variable
  private alphaHost: Float32Array
  /** SGD momentum buffers for the eight weight tensors (α's is kept on the host). */
  private momentum: tf.Variable[] | null = null
  private alphaMomentum: Float64Array | null = null
  private train: ImageSet | null = null

  constructor(private readonly opts: EngineOptions) {
    this.backend = tf.getBackend()
    this.shapes = layerShapes(opts.network)
    this.flat = flatSize(opts.network)
    const nAlpha = this.shapes.filter((s) => s.alpha).length
    this.convKernels = this.shapes.map((s) => tf.variable(tf.zeros([s.kernel, s.kernel, s.inChannels, s.outChannels])))
    this.convBiases = this.shapes.map((s) => tf.variable(tf.zeros([s.outChannels])))
    this.denseKernel = tf.variable(tf.zeros([this.flat, NUM_CLASSES]))
    this.denseBias = tf.variable(tf.zeros([NUM_CLASSES]))
    this.alphaHost = new Float32Array(nAlpha)
    this.alpha = tf.variable(tf.zeros([Math.max(1, nAlpha)]))
  }

  private get weights(): tf.Variable[] {
    return [...this.convKernels, ...this.convBiases, this.denseKernel, this.denseBias]
  }

  setParams(p: Params): void {
    this.shapes.forEach((s, i) => {
      this.convKernels[i].assign(tf.tensor(p.convKernels[i], [s.kernel, s.kernel, s.inChannels, s.outChannels]))
      this.convBiases[i].assign(tf.tensor1d(p.convBiases[i]))
    })
    this.denseKernel.assign(tf.tensor2d(p.denseKernel, [this.flat, NUM_CLASSES]))
    this.denseBias.assign(tf.tensor1d(p.denseBias))
    this.setAlpha(p.alpha)
    this.momentum?.forEach((m) => m.dispose())
    this.momentum = null
    this.alphaMomentum = null
  }

  getParams(): Params {
    const read = (v: tf.Variable): Float32Array => Float32Array.from(v.dataSync() as Float32Array)
    return {
      convKernels: this.convKernels.map(read),
      convBiases: this.convBiases.map(read),
      denseKernel: read(this.denseKernel),
      denseBias: read(this.denseBias),
      alpha: Float32Array.from(this.alphaHost)
    }
  }

  getMomentum(): Float64Array | null {
    if (!this.momentum || !this.alphaMomentum) return null
    const weights = this.momentum.map((m) => m.dataSync() as Float32Array)
    return Float64Array.from([...weights.flatMap((w) => Array.from(w)), ...this.alphaMomentum])
  }

  setMomentum(buffers: Float64Array): void {
    const m = paramsLike(buffers, this.getParams())
    this.momentum?.forEach((v) => v.dispose())
    const weights = this.weights
    this.momentum = [...m.convKernels, ...m.convBiases, m.denseKernel, m.denseBias].map((a, i) => tf.variable(tf.tensor(a, weights[i].shape), false))
    // α's buffer is float64 on the host: take it from the float64 values, not their float32 cut.
    this.alphaMomentum = buffers.slice(buffers.length - this.alphaHost.length)
  }

  setTrainData(data: ImageSet): void {
    this.train = data
  }

  private setAlpha(values: ArrayLike<number>): void {
    this.alphaHost = Float32Array.from(values)
    if (this.alphaHost.length > 0) tf.tidy(() => this.alpha.assign(tf.tensor1d(this.alphaHost)))
  }

  /** log_softmax outputs for a batch of NHWC images. */
  private forward(x: tf.Tensor4D): tf.Tensor2D {
    let h: tf.Tensor4D = x
    this.shapes.forEach((s, i) => {
      h = convAsMatMul(h, this.convKernels[i], s).add(this.convBiases[i])
      h = s.alpha ? (reluAlpha(h, this.alpha.slice([s.alphaIndex], [1])) as tf.Tensor4D) : h.relu()
    })
    const logits = h.reshape([x.shape[0], this.flat]).matMul(this.denseKernel).add(this.denseBias)
    return tf.logSoftmax(logits as tf.Tensor2D)
  }

  private static crossEntropy(logProbs: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
    return tf.neg(tf.mean(tf.sum(tf.mul(logProbs, oneHot), 1))) as tf.Scalar
  }

  private batchTensors(set: ImageSet, indices: ArrayLike<number>, from: number, to: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
    const n = to - from
    const pixels = new Float32Array(n * PIXELS)
    const oneHot = new Float32Array(n * NUM_CLASSES)
    for (let b = 0; b < n; b++) {
      const idx = indices[from + b]
      const src = set.images.subarray(idx * PIXELS, (idx + 1) * PIXELS)
      const dst = b * PIXELS
      for (let p = 0; p < PIXELS; p++) pixels[dst + p] = PIXEL_SCALE[src[p]]
      oneHot[b * NUM_CLASSES + set.labels[idx]] = 1
    }
    return { x: tf.tensor4d(pixels, [n, IMAGE_SIZE, IMAGE_SIZE, 1]), y: tf.tensor2d(oneHot, [n, NUM_CLASSES]) }
  }

  /** CE value and gradients of CE w.r.t. the weights and α (penalty handled on the host). */
  private ceGrads(x: tf.Tensor4D, y: tf.Tensor2D): { ce: tf.Scalar; logProbs: tf.Tensor2D; grads: tf.Tensor[]; alphaGrad: tf.Tensor } {
    let logProbs: tf.Tensor2D | null = null
    const hasAlpha = this.alphaHost.length > 0
    const vars = hasAlpha ? [...this.weights, this.alpha] : this.weights
    const { value, grads } = tf.variableGrads(() => {
      // Kept so it survives the gradient scope; the caller's tidy disposes it.
      logProbs = tf.keep(this.forward(x))
      return TfjsEngine.crossEntropy(logProbs, y)
    }, vars)
    const weightGrads = this.weights.map((v) => grads[v.name])
    const alphaGrad = hasAlpha ? grads[this.alpha.name] : tf.zeros([0])
    return { ce: value, logProbs: logProbs!, grads: weightGrads, alphaGrad }
  }

  /** Host-side α gradient: ∂CE/∂α + λ·∂P/∂α. */
  private totalAlphaGrad(ceAlphaGrad: Float32Array): Float64Array {
    const pg = penaltyGrad(this.opts.penalty, this.alphaHost)
    const g = new Float64Array(this.alphaHost.length)
    for (let i = 0; i < g.length; i++) g[i] = ceAlphaGrad[i] + this.opts.lambda * pg[i]
    return g
  }

  private lossOf(ce: number): number {
    return ce + this.opts.lambda * penaltyValue(this.opts.penalty, this.alphaHost)
  }

  /** One SGD step (PyTorch semantics: buf = g, then buf = m·buf + g; p −= lr·buf), then α clamped to [0, 1]. */
  private step(x: tf.Tensor4D, y: tf.Tensor2D): number {
    const { lr, momentum } = this.opts
    const ce = tf.tidy(() => {
      const { ce, logProbs, grads, alphaGrad } = this.ceGrads(x, y)
      logProbs.dispose()
      const gAlpha = this.totalAlphaGrad(alphaGrad.dataSync() as Float32Array)
      const weights = this.weights
      if (momentum > 0) {
        if (!this.momentum) {
          this.momentum = grads.map((g) => tf.variable(g, false))
          this.alphaMomentum = Float64Array.from(gAlpha)
        } else {
          grads.forEach((g, i) => this.momentum![i].assign(this.momentum![i].mul(momentum).add(g)))
          gAlpha.forEach((g, i) => (this.alphaMomentum![i] = momentum * this.alphaMomentum![i] + g))
        }
        weights.forEach((w, i) => w.assign(w.sub(this.momentum![i].mul(lr))))
      } else {
        weights.forEach((w, i) => w.assign(w.sub(grads[i].mul(lr))))
      }
      const buf = momentum > 0 ? this.alphaMomentum! : gAlpha
      const loss = this.lossOf(ce.dataSync()[0])
      const next = this.alphaHost.map((a, i) => Math.min(1, Math.max(0, Math.fround(a - Math.fround(lr * buf[i])))))
      this.setAlpha(next)
      return loss
    })
    return ce
  }

  trainSteps(order: Int32Array, batchSize: number, firstBatch: number, steps: number, alphaOut: Float32Array, lossOut: Float32Array): void {
    if (!this.train) throw new Error('setTrainData must be called before trainSteps')
    const nAlpha = this.alphaHost.length
    for (let k = 0; k < steps; k++) {
      const from = (firstBatch + k) * batchSize
      const to = Math.min(order.length, from + batchSize)
      if (from >= to) throw new RangeError(`batch ${firstBatch + k} is past the end of the order (${order.length} images)`)
      const { x, y } = this.batchTensors(this.train, order, from, to)
      lossOut[k] = this.step(x, y)
      x.dispose()
      y.dispose()
      alphaOut.set(this.alphaHost, k * nAlpha)
    }
  }

  probe(batch: ImageSet): ProbeResult {
    const all = Int32Array.from({ length: batch.count }, (_, i) => i)
    const { x, y } = this.batchTensors(batch, all, 0, batch.count)
    try {
      return tf.tidy(() => {
        const { ce, logProbs, grads, alphaGrad } = this.ceGrads(x, y)
        const read = (t: tf.Tensor): Float32Array => Float32Array.from(t.dataSync() as Float32Array)
        const nConv = this.shapes.length
        const ceValue = ce.dataSync()[0]
        return {
          loss: this.lossOf(ceValue),
          ce: ceValue,
          logProbs: read(logProbs),
          grads: {
            convKernels: grads.slice(0, nConv).map(read),
            convBiases: grads.slice(nConv, 2 * nConv).map(read),
            denseKernel: read(grads[2 * nConv]),
            denseBias: read(grads[2 * nConv + 1]),
            alpha: Float32Array.from(this.totalAlphaGrad(read(alphaGrad)))
          }
        }
      })
    } finally {
      x.dispose()
      y.dispose()
    }
  }

  evaluate(data: ImageSet): EvalResult {
    const all = Int32Array.from({ length: data.count }, (_, i) => i)
    let ceSum = 0
    let correct = 0
    for (let from = 0; from < data.count; from += EVAL_CHUNK) {
      const to = Math.min(data.count, from + EVAL_CHUNK)
      const { x, y } = this.batchTensors(data, all, from, to)
      const [ce, hits] = tf.tidy(() => {
        const logProbs = this.forward(x)
        const ceBatch = TfjsEngine.crossEntropy(logProbs, y).mul(to - from)
        const hit = tf.equal(tf.argMax(logProbs, 1), tf.argMax(y, 1)).sum()
        return [ceBatch.dataSync()[0], hit.dataSync()[0]]
      })
      x.dispose()
      y.dispose()
      ceSum += ce
      correct += hits
    }
    return { loss: ceSum / data.count, accuracy: correct / data.count }
  }

  dispose(): void {
    for (const v of [...this.weights, this.alpha, ...(this.momentum ?? [])]) v.dispose()
  }
}

export function createTfjsEngine(opts: EngineOptions): StepEngine {
  return new TfjsEngine(opts)
}
