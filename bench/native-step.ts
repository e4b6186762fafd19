/**
 * Native engine microbenchmark, one core, every ISA path this CPU runs (or
 * $ALPHA_WB_NATIVE_ISA): ms per SGD step at batch 64, and ms per evaluation of
 * 9,946 images (the paper's test split, forward only), on synthetic uint8
 * images (timing does not depend on pixel values: the kernels have no
 * data-dependent branches). Times are the addon's own thread-CPU counters, so
 * waiting for a core on a shared machine does not count; % is of the FMA peak
 * measured in the same build (fmaPeak, best of 5).
 *
 *   npx tsx bench/native-step.ts [steps=400] [repeats=5] [--ab OTHER.node]
 *
 * Prints the best of `repeats` runs and the paper-run estimate (1,570 steps +
 * 10 evaluations). With --ab, OTHER.node (e.g. a copy of an earlier build)
 * runs alternately with the addon the app loads, in the same process, and the
 * ratio is printed: this machine's speed drifts, so compare builds only this way.
 */
import { createRequire } from 'node:module'
import { layerShapes, PAPER_NETWORK, type NetworkConfig } from '../src/shared/network'
import { nativeAddonPath, nativeAvailable } from '../src/main/engine/native-engine'

const IMAGE_PIXELS = 28 * 28
const BATCH = 64
const EVAL_IMAGES = 9946
const RUN_STEPS = 1570
const RUN_EVALS = 10

/** The part of the addon's API this bench drives (see native/src/addon.cpp). */
interface Counter {
  cpuSeconds: number
}
interface Addon {
  isas(): string[]
  create(isa: string, spec: Int32Array, nAlpha: number, penalty: number, lambda: number, lr: number, momentum: number): object
  setParams(h: object, k: Float32Array[], b: Float32Array[], dk: Float32Array, db: Float32Array, alpha: Float32Array): void
  setTrainData(h: object, images: Uint8Array, labels: Uint8Array, count: number): void
  trainSteps(h: object, order: Int32Array, batch: number, first: number, steps: number, alphaOut: Float32Array, lossOut: Float32Array): void
  evaluate(h: object, images: Uint8Array, labels: Uint8Array, count: number): { ceSum: number; correct: number }
  fmaPeak(isa: string, seconds: number): { flops: number; seconds: number }
  counters(): { trainSteps: Counter; evaluate: Counter }
  dispose(h: object): void
}

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

function parseArgs(argv: string[]): { steps: number; repeats: number; other: string | null } {
  const ab = argv.indexOf('--ab')
  const other = ab >= 0 ? argv[ab + 1] : null
  if (ab >= 0 && !other) throw new Error('--ab needs the path of another alpha_native.node')
  const rest = ab >= 0 ? [...argv.slice(0, ab), ...argv.slice(ab + 2)] : argv
  return { steps: Number(rest[0] ?? 400), repeats: Number(rest[1] ?? 5), other }
}

/** One addon with a core for `isa` on the bench's data; run() times one training chunk and one evaluation. */
function bencher(addon: Addon, isa: string, net: NetworkConfig, data: ReturnType<typeof benchData>, steps: number) {
  const shapes = layerShapes(net)
  const spec = Int32Array.from(shapes.flatMap((s) => [s.kernel, s.stride, s.outChannels, s.alphaIndex]))
  const nAlpha = data.params.alpha.length
  const h = addon.create(isa, spec, nAlpha, 0, 0.01, 0.01, 0)
  addon.setTrainData(h, data.images, data.labels, data.count)
  const alphaOut = new Float32Array(steps * nAlpha)
  const lossOut = new Float32Array(steps)
  const p = data.params
  let bestStep = Infinity
  let bestEval = Infinity
  return {
    run(): void {
      addon.setParams(h, p.convKernels, p.convBiases, p.denseKernel, p.denseBias, p.alpha)
      const c0 = addon.counters()
      addon.trainSteps(h, data.order, BATCH, 0, steps, alphaOut, lossOut)
      addon.evaluate(h, data.testImages, data.testLabels, EVAL_IMAGES)
      const c1 = addon.counters()
      bestStep = Math.min(bestStep, ((c1.trainSteps.cpuSeconds - c0.trainSteps.cpuSeconds) * 1e3) / steps)
      bestEval = Math.min(bestEval, (c1.evaluate.cpuSeconds - c0.evaluate.cpuSeconds) * 1e3)
    },
    best: () => ({ step: bestStep, eval: bestEval }),
    dispose: () => addon.dispose(h)
  }
}

function benchData(net: NetworkConfig, steps: number) {
  const rand = lcg(1)
  const count = 10_000
  const images = Uint8Array.from({ length: count * IMAGE_PIXELS }, () => Math.floor(rand() * 256))
  const labels = Uint8Array.from({ length: count }, () => Math.floor(rand() * 10))
  const order = Int32Array.from({ length: steps * BATCH }, () => Math.floor(rand() * count))
  const shapes = layerShapes(net)
  const u = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale)
  const last = shapes[shapes.length - 1]
  const flat = last.outSize * last.outSize * last.outChannels
  const params = {
    convKernels: shapes.map((s) => u(s.kernel * s.kernel * s.inChannels * s.outChannels, 1 / Math.sqrt(s.kernel * s.kernel * s.inChannels))),
    convBiases: shapes.map((s) => u(s.outChannels, 0.1)),
    denseKernel: u(flat * 10, 1 / Math.sqrt(flat)),
    denseBias: u(10, 0.1),
    alpha: Float32Array.from(shapes.filter((s) => s.alpha), () => 0.5)
  }
  return {
    images,
    labels,
    count,
    order,
    params,
    testImages: images.subarray(0, EVAL_IMAGES * IMAGE_PIXELS),
    testLabels: labels.subarray(0, EVAL_IMAGES)
  }
}

function main(): void {
  const { steps, repeats, other } = parseArgs(process.argv.slice(2))
  const net = PAPER_NETWORK
  const avail = nativeAvailable()
  const path = nativeAddonPath()
  if (!avail.ok || !path) {
    console.log(`native engine unavailable: ${avail.ok ? 'no addon path' : avail.reason}`)
    return
  }
  const require = createRequire(import.meta.url)
  const builds: { name: string; addon: Addon }[] = [{ name: path, addon: require(path) as Addon }]
  if (other) builds.unshift({ name: other, addon: require(other) as Addon })
  const isas = process.env.ALPHA_WB_NATIVE_ISA ? [avail.isa] : avail.isas
  const data = benchData(net, steps)
  const flopsPerStep = flopsPerImage(net) * BATCH
  const flopsPerEval = forwardFlopsPerImage(net) * EVAL_IMAGES
  console.log(
    `paper network: ${(flopsPerStep / 1e6).toFixed(2)} MFLOP per batch-${BATCH} step (${steps} steps), ` +
      `${(flopsPerEval / 1e6).toFixed(0)} MFLOP per evaluation of ${EVAL_IMAGES.toLocaleString('en-US')} images; ` +
      `thread CPU, best of ${repeats}${other ? ', builds alternating' : ''}`
  )
  for (const isa of isas) {
    let peak = 0
    for (let i = 0; i < 5; i++) {
      const r = builds[builds.length - 1].addon.fmaPeak(isa, 0.1)
      peak = Math.max(peak, r.flops / r.seconds / 1e9)
    }
    const runs = builds.map((b) => bencher(b.addon, isa, net, data, steps))
    for (let r = 0; r < repeats; r++) {
      // Alternate which build goes first, so neither always runs on a warmer or cooler core.
      const order = r % 2 ? [...runs].reverse() : runs
      for (const b of order) b.run()
    }
    const results = runs.map((b) => b.best())
    runs.forEach((b) => b.dispose())
    console.log(`${isa}: FMA peak ${peak.toFixed(1)} GFLOP/s per core`)
    results.forEach((res, i) => {
      const gStep = flopsPerStep / (res.step * 1e-3) / 1e9
      const gEval = flopsPerEval / (res.eval * 1e-3) / 1e9
      const run = (res.step * RUN_STEPS + res.eval * RUN_EVALS) / 1000
      console.log(
        `  ${res.step.toFixed(3)} ms/step (${gStep.toFixed(1)} GFLOP/s, ${((100 * gStep) / peak).toFixed(0)}% of peak)  ` +
          `${res.eval.toFixed(2)} ms/eval (${gEval.toFixed(1)} GFLOP/s, ${((100 * gEval) / peak).toFixed(0)}%)  ` +
          `paper run ≈ ${run.toFixed(2)} s  ${builds[i].name}`
      )
    })
    if (other) {
      const [a, b] = results
      console.log(`  this build / other: step ${(b.step / a.step).toFixed(3)}, eval ${(b.eval / a.eval).toFixed(3)}`)
    }
  }
}

main()
