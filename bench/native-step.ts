/**
 * Native engine microbenchmark: ms per SGD step (batch 64) on one core for
 * every ISA path this CPU runs, on synthetic uint8 images (timing does not
 * depend on pixel values: the kernels have no data-dependent branches).
 *
 *   npx tsx bench/native-step.ts [steps=400] [repeats=5] [network=paper]
 *
 * Prints the best of `repeats` runs (the machine may be shared) and GFLOP/s
 * from a counted multiply-add total (see flopsPerImage).
 */
import { layerShapes, PAPER_NETWORK, type NetworkConfig } from '../src/shared/network'
import { createNativeEngine, nativeAvailable } from '../src/main/engine/native-engine'
import type { Params } from '../src/shared/network'

const IMAGE_PIXELS = 28 * 28
const BATCH = 64

/**
 * FLOPs (2 per multiply-add) of one image's forward and backward pass, counted
 * on the real (unpadded) network: forward conv/dense MACs; backward the same
 * MACs again for weight gradients, and once more for input gradients of every
 * layer but the first. Element-wise work (ReLU_α, softmax, SGD) is left out.
 */
export function flopsPerImage(net: NetworkConfig): number {
  const shapes = layerShapes(net)
  let fwd = 0
  let bwd = 0
  shapes.forEach((s, i) => {
    const macs = s.outSize * s.outSize * s.outChannels * s.kernel * s.kernel * s.inChannels
    fwd += macs
    bwd += i === 0 ? macs : 2 * macs
  })
  const last = shapes[shapes.length - 1]
  const dense = last.outSize * last.outSize * last.outChannels * 10
  fwd += dense
  bwd += 2 * dense
  return 2 * (fwd + bwd)
}

function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

function randomParams(net: NetworkConfig, rand: () => number): Params {
  const shapes = layerShapes(net)
  const u = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale)
  const last = shapes[shapes.length - 1]
  const flat = last.outSize * last.outSize * last.outChannels
  return {
    convKernels: shapes.map((s) => u(s.kernel * s.kernel * s.inChannels * s.outChannels, 1 / Math.sqrt(s.kernel * s.kernel * s.inChannels))),
    convBiases: shapes.map((s) => u(s.outChannels, 0.1)),
    denseKernel: u(flat * 10, 1 / Math.sqrt(flat)),
    denseBias: u(10, 0.1),
    alpha: Float32Array.from(shapes.filter((s) => s.alpha), () => 0.5)
  }
}

function main(): void {
  const steps = Number(process.argv[2] ?? 400)
  const repeats = Number(process.argv[3] ?? 5)
  const net = PAPER_NETWORK
  const avail = nativeAvailable()
  if (!avail.ok) {
    console.log(`native engine unavailable: ${avail.reason}`)
    return
  }
  const rand = lcg(1)
  const count = 10_000
  const images = Uint8Array.from({ length: count * IMAGE_PIXELS }, () => Math.floor(rand() * 256))
  const labels = Uint8Array.from({ length: count }, () => Math.floor(rand() * 10))
  const order = Int32Array.from({ length: steps * BATCH }, () => Math.floor(rand() * count))
  const params = randomParams(net, rand)
  const flopsPerStep = flopsPerImage(net) * BATCH
  console.log(`paper network, batch ${BATCH}: ${(flopsPerStep / 1e6).toFixed(2)} MFLOP per step; ${steps} steps × best of ${repeats}`)
  for (const isa of avail.isas) {
    const engine = createNativeEngine({ network: net, penalty: 'l1', lambda: 0.01, lr: 0.01, momentum: 0 }, isa)
    engine.setTrainData({ images, labels, count })
    const alphaOut = new Float32Array(steps * params.alpha.length)
    const lossOut = new Float32Array(steps)
    let best = Infinity
    for (let r = 0; r < repeats; r++) {
      engine.setParams(params)
      const t0 = process.hrtime.bigint()
      engine.trainSteps(order, BATCH, 0, steps, alphaOut, lossOut)
      const ms = Number(process.hrtime.bigint() - t0) / 1e6
      best = Math.min(best, ms / steps)
    }
    engine.dispose()
    const gflops = flopsPerStep / (best * 1e-3) / 1e9
    console.log(`${isa.padEnd(8)} ${best.toFixed(3)} ms/step  ${gflops.toFixed(1)} GFLOP/s  (paper run of 1,570 steps: ${((best * 1570) / 1000).toFixed(2)} s)`)
  }
}

main()
