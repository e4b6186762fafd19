/**
 * Native engine microbenchmark, one core, every ISA path this CPU runs (or
 * $ALPHA_WB_NATIVE_ISA): ms per SGD step at batch 64, and ms per evaluation of
 * 9,946 images (the paper's test split, forward only), on synthetic uint8
 * images (timing does not depend on pixel values: the kernels have no
 * data-dependent branches).
 *
 *   npx tsx bench/native-step.ts [steps=400] [repeats=5]
 *
 * Prints the best of `repeats` runs (the machine may be shared: take the best
 * of several invocations too) and GFLOP/s from a counted multiply-add total
 * (see flopsPerImage), and the paper-run estimate: 1,570 steps + 10 evaluations.
 */
import { layerShapes, PAPER_NETWORK, type NetworkConfig } from '../src/shared/network'
import { createNativeEngine, nativeAvailable } from '../src/main/engine/native-engine'
import type { Params } from '../src/shared/network'

const IMAGE_PIXELS = 28 * 28
const BATCH = 64
const EVAL_IMAGES = 9946
const RUN_STEPS = 1570
const RUN_EVALS = 10

/**
 * FLOPs (2 per multiply-add) of one image's forward and backward pass, counted
 * on the real (unpadded) network: forward conv/dense MACs; backward the same
 * MACs again for weight gradients, and once more for input gradients of every
 * layer but the first. Element-wise work (ReLU_α, softmax, SGD) is left out.
 */
export function flopsPerImage(net: NetworkConfig): number {
  return 2 * countMacs(net).total
}

/** Forward FLOPs of one image (evaluation). */
export function forwardFlopsPerImage(net: NetworkConfig): number {
  return 2 * countMacs(net).fwd
}

function countMacs(net: NetworkConfig): { fwd: number; total: number } {
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
  return { fwd, total: fwd + bwd }
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
  const isas = process.env.ALPHA_WB_NATIVE_ISA ? [avail.isa] : avail.isas
  const rand = lcg(1)
  const count = 10_000
  const images = Uint8Array.from({ length: count * IMAGE_PIXELS }, () => Math.floor(rand() * 256))
  const labels = Uint8Array.from({ length: count }, () => Math.floor(rand() * 10))
  const order = Int32Array.from({ length: steps * BATCH }, () => Math.floor(rand() * count))
  const test = { images: images.subarray(0, EVAL_IMAGES * IMAGE_PIXELS), labels: labels.subarray(0, EVAL_IMAGES), count: EVAL_IMAGES }
  const params = randomParams(net, rand)
  const flopsPerStep = flopsPerImage(net) * BATCH
  const flopsPerEval = forwardFlopsPerImage(net) * EVAL_IMAGES
  console.log(
    `paper network: ${(flopsPerStep / 1e6).toFixed(2)} MFLOP per batch-${BATCH} step (${steps} steps), ` +
      `${(flopsPerEval / 1e6).toFixed(0)} MFLOP per evaluation of ${EVAL_IMAGES.toLocaleString('en-US')} images; best of ${repeats}`
  )
  for (const isa of isas) {
    const engine = createNativeEngine({ network: net, penalty: 'l1', lambda: 0.01, lr: 0.01, momentum: 0 }, isa)
    engine.setTrainData({ images, labels, count })
    const alphaOut = new Float32Array(steps * params.alpha.length)
    const lossOut = new Float32Array(steps)
    let bestStep = Infinity
    let bestEval = Infinity
    for (let r = 0; r < repeats; r++) {
      engine.setParams(params)
      let t0 = process.hrtime.bigint()
      engine.trainSteps(order, BATCH, 0, steps, alphaOut, lossOut)
      bestStep = Math.min(bestStep, Number(process.hrtime.bigint() - t0) / 1e6 / steps)
      t0 = process.hrtime.bigint()
      engine.evaluate(test)
      bestEval = Math.min(bestEval, Number(process.hrtime.bigint() - t0) / 1e6)
    }
    engine.dispose()
    const gStep = flopsPerStep / (bestStep * 1e-3) / 1e9
    const gEval = flopsPerEval / (bestEval * 1e-3) / 1e9
    const run = (bestStep * RUN_STEPS + bestEval * RUN_EVALS) / 1000
    console.log(
      `${isa.padEnd(8)} ${bestStep.toFixed(3)} ms/step (${gStep.toFixed(1)} GFLOP/s)  ` +
        `${bestEval.toFixed(2)} ms/eval (${gEval.toFixed(1)} GFLOP/s)  paper run ≈ ${run.toFixed(2)} s`
    )
  }
}

main()
