import { layerShapes, NUM_CLASSES, type NetworkConfig, type Params } from '../../src/shared/network'
import type { Penalty } from '../../src/shared/config'
import type { ImageSet } from '../../src/main/engine/types'

/**
 * A plain float64 reference of the ReLU_α network (direct loops, any kernel,
 * stride and channel count), used to check the native engine on networks the
 * PyTorch fixture does not cover. Same conventions as the fixture: x/255
 * pixels, NHWC, ReLU_α(x) = x > 0 ? x : (1 − α)·x with zero slope at 0,
 * mean CE + λ·P(α), SGD with PyTorch momentum, α clamped to [0, 1].
 */

export interface RefResult {
  loss: number
  ce: number
  logProbs: Float64Array
  grads: Params64
  /** Smallest |pre-activation| seen: when tiny, float32 and float64 may disagree on a ReLU kink. */
  minAbsPre: number
}

export interface Params64 {
  convKernels: Float64Array[]
  convBiases: Float64Array[]
  denseKernel: Float64Array
  denseBias: Float64Array
  alpha: Float64Array
}

export function toParams64(p: Params): Params64 {
  return {
    convKernels: p.convKernels.map((k) => Float64Array.from(k)),
    convBiases: p.convBiases.map((b) => Float64Array.from(b)),
    denseKernel: Float64Array.from(p.denseKernel),
    denseBias: Float64Array.from(p.denseBias),
    alpha: Float64Array.from(p.alpha)
  }
}

function zerosLike(p: Params64): Params64 {
  return {
    convKernels: p.convKernels.map((k) => new Float64Array(k.length)),
    convBiases: p.convBiases.map((b) => new Float64Array(b.length)),
    denseKernel: new Float64Array(p.denseKernel.length),
    denseBias: new Float64Array(p.denseBias.length),
    alpha: new Float64Array(p.alpha.length)
  }
}

function tensors(p: Params64): Float64Array[] {
  return [...p.convKernels, ...p.convBiases, p.denseKernel, p.denseBias, p.alpha]
}

export function referenceProbe(net: NetworkConfig, p: Params64, penalty: Penalty, lambda: number, batch: ImageSet): RefResult {
  const shapes = layerShapes(net)
  const g = zerosLike(p)
  const B = batch.count
  const logProbs = new Float64Array(B * NUM_CLASSES)
  let ceSum = 0
  let minAbsPre = Infinity
  for (let i = 0; i < B; i++) {
    const inputs: Float64Array[] = [Float64Array.from(batch.images.subarray(i * 784, (i + 1) * 784), (v) => v / 255)]
    const pres: Float64Array[] = []
    shapes.forEach((s, l) => {
      const x = inputs[l]
      const K = p.convKernels[l]
      const pre = new Float64Array(s.outSize * s.outSize * s.outChannels)
      const post = new Float64Array(pre.length)
      const slope = s.alphaIndex >= 0 ? 1 - p.alpha[s.alphaIndex] : 0
      for (let oy = 0; oy < s.outSize; oy++)
        for (let ox = 0; ox < s.outSize; ox++)
          for (let n = 0; n < s.outChannels; n++) {
            let z = p.convBiases[l][n]
            for (let dy = 0; dy < s.kernel; dy++)
              for (let dx = 0; dx < s.kernel; dx++)
                for (let c = 0; c < s.inChannels; c++)
                  z +=
                    x[((s.stride * oy + dy) * s.inSize + s.stride * ox + dx) * s.inChannels + c] *
                    K[((dy * s.kernel + dx) * s.inChannels + c) * s.outChannels + n]
            const o = (oy * s.outSize + ox) * s.outChannels + n
            pre[o] = z
            post[o] = z > 0 ? z : slope * z
            minAbsPre = Math.min(minAbsPre, Math.abs(z))
          }
      pres.push(pre)
      inputs.push(post)
    })
    const flat = inputs[shapes.length]
    const z = new Float64Array(NUM_CLASSES)
    for (let n = 0; n < NUM_CLASSES; n++) {
      z[n] = p.denseBias[n]
      for (let f = 0; f < flat.length; f++) z[n] += flat[f] * p.denseKernel[f * NUM_CLASSES + n]
    }
    const m = Math.max(...z)
    const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0))
    const label = batch.labels[i]
    for (let n = 0; n < NUM_CLASSES; n++) logProbs[i * NUM_CLASSES + n] = z[n] - lse
    ceSum -= z[label] - lse

    // Backward.
    const dz = Float64Array.from(z, (v, n) => (Math.exp(v - lse) - (n === label ? 1 : 0)) / B)
    let dpost = new Float64Array(flat.length)
    for (let n = 0; n < NUM_CLASSES; n++) {
      g.denseBias[n] += dz[n]
      for (let f = 0; f < flat.length; f++) {
        g.denseKernel[f * NUM_CLASSES + n] += flat[f] * dz[n]
        dpost[f] += p.denseKernel[f * NUM_CLASSES + n] * dz[n]
      }
    }
    for (let l = shapes.length - 1; l >= 0; l--) {
      const s = shapes[l]
      const x = inputs[l]
      const pre = pres[l]
      const K = p.convKernels[l]
      const slope = s.alphaIndex >= 0 ? 1 - p.alpha[s.alphaIndex] : 0
      const dx = new Float64Array(x.length)
      for (let oy = 0; oy < s.outSize; oy++)
        for (let ox = 0; ox < s.outSize; ox++)
          for (let n = 0; n < s.outChannels; n++) {
            const o = (oy * s.outSize + ox) * s.outChannels + n
            const v = pre[o]
            const d = dpost[o] * (v > 0 ? 1 : v < 0 ? slope : 0)
            if (s.alphaIndex >= 0 && v < 0) g.alpha[s.alphaIndex] += dpost[o] * -v
            g.convBiases[l][n] += d
            for (let ky = 0; ky < s.kernel; ky++)
              for (let kx = 0; kx < s.kernel; kx++)
                for (let c = 0; c < s.inChannels; c++) {
                  const xi = ((s.stride * oy + ky) * s.inSize + s.stride * ox + kx) * s.inChannels + c
                  const wi = ((ky * s.kernel + kx) * s.inChannels + c) * s.outChannels + n
                  g.convKernels[l][wi] += x[xi] * d
                  dx[xi] += K[wi] * d
                }
          }
      dpost = dx
    }
  }
  const ce = ceSum / B
  let pen: number
  if (penalty === 'l1') {
    pen = p.alpha.reduce((a, v) => a + Math.abs(v), 0)
    p.alpha.forEach((v, a) => (g.alpha[a] += lambda * Math.sign(v)))
  } else {
    pen = Math.sqrt(p.alpha.reduce((a, v) => a + v * v, 0))
    if (pen > 0) p.alpha.forEach((v, a) => (g.alpha[a] += (lambda * v) / pen))
  }
  return { loss: ce + lambda * pen, ce, logProbs, grads: g, minAbsPre }
}

/** One SGD step in place (PyTorch momentum: buf = m·buf + g, buf = g on the first step), then α clamped. */
export function referenceStep(p: Params64, g: Params64, buf: Params64 | null, lr: number, momentum: number): Params64 {
  const ps = tensors(p)
  const gs = tensors(g)
  const next = buf ?? zerosLike(p)
  const bs = tensors(next)
  ps.forEach((t, i) => {
    for (let j = 0; j < t.length; j++) {
      let d = gs[i][j]
      if (momentum !== 0) {
        bs[i][j] = buf ? momentum * bs[i][j] + d : d
        d = bs[i][j]
      }
      t[j] -= lr * d
    }
  })
  p.alpha.forEach((v, a) => (p.alpha[a] = Math.min(1, Math.max(0, v))))
  return next
}
