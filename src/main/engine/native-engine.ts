import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { unpackedPath } from '../paths'
import { alphaCount, layerShapes, paramArrays, paramsLike, type NetworkConfig, type Params } from '../../shared/network'
import type { EngineOptions, EvalResult, ImageSet, ProbeResult, StepEngine } from './types'
import { IMAGE_PIXELS } from '../../shared/constants'

/**
 * The native fast path: a Node-API addon (native/, built by node-gyp) that
 * runs forward, backward, SGD and the α clamp for whole chunks of steps in
 * C++, with kernels for AVX-512, AVX2 and a portable fallback picked from the
 * CPU at run time. Blocking calls: run it from a worker thread.
 */

const ADDON_FILE = join('native', 'build', 'Release', 'alpha_native.node')
const require = createRequire(import.meta.url)
/** node-gyp-build's resolver: native/build/Release first (a local compile), else native/prebuilds/<platform>-<arch>/. */
const nodeGypBuild = require('node-gyp-build') as { path(dir: string): string }
/**
 * Images per native evaluate() call. The addon reads the caller's buffers in
 * place (no copy); it evaluates in groups of 16/8/4 images (one per SIMD lane),
 * so a multiple of 16 leaves only an evaluation's last group partly empty.
 */
const EVAL_CHUNK = 8192

type Handle = object

/** Parameters (or momentum buffers) as the addon takes them: kernels, biases, dense kernel, dense bias, α. */
type ParamArgs = [kernels: Float32Array[], biases: Float32Array[], denseKernel: Float32Array, denseBias: Float32Array, alpha: Float32Array]
const paramArgs = (p: Params): ParamArgs => [p.convKernels, p.convBiases, p.denseKernel, p.denseBias, p.alpha]

/** Time spent inside one kind of native call: calls, items (steps, images, parameter sets), thread CPU and wall seconds. */
export interface NativeCounter {
  calls: number
  items: number
  cpuSeconds: number
  wallSeconds: number
}

/** Process-wide totals over every thread that trained (the addon is loaded once per process). */
export interface NativeCounters {
  trainSteps: NativeCounter
  evaluate: NativeCounter
  /** setParams and getParams (checkpoints). */
  params: NativeCounter
}

interface NativeAddon {
  isas(): string[]
  create(
    isa: string,
    convSpec: Int32Array,
    nAlpha: number,
    penalty: number,
    lambda: number,
    lr: number,
    momentum: number
  ): Handle
  setParams(h: Handle, ...p: ParamArgs): void
  getParams(h: Handle): Params
  getMomentum(h: Handle): Params | null
  setMomentum(h: Handle, ...p: ParamArgs): void
  setTrainData(h: Handle, images: Uint8Array, labels: Uint8Array, count: number): void
  trainSteps(
    h: Handle,
    order: Int32Array,
    batchSize: number,
    firstBatch: number,
    steps: number,
    alphaOut: Float32Array,
    lossOut: Float32Array
  ): void
  probe(
    h: Handle,
    images: Uint8Array,
    labels: Uint8Array,
    count: number
  ): { loss: number; ce: number; logProbs: Float32Array; grads: Params }
  evaluate(h: Handle, images: Uint8Array, labels: Uint8Array, count: number): { ceSum: number; correct: number }
  fmaPeak(isa: string, seconds: number): { flops: number; seconds: number }
  counters(): NativeCounters
  resetCounters(): void
  dispose(h: Handle): void
}

type Loaded = { ok: true; addon: NativeAddon; path: string; isas: string[] } | { ok: false; reason: string }
let loaded: Loaded | undefined

/**
 * The addon file: $ALPHA_WB_NATIVE_ADDON; else, in the nearest ancestor folder
 * with a native/ folder, what node-gyp-build picks: the local compile
 * (native/build/Release/) or the prebuild for this platform and architecture
 * (native/prebuilds/<platform>-<arch>/, shipped in the package).
 */
function findAddon(): string | null {
  const fromEnv = process.env.ALPHA_WB_NATIVE_ADDON
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const native = join(dir, 'native')
    if (existsSync(join(native, 'build')) || existsSync(join(native, 'prebuilds'))) {
      try {
        return unpackedPath(nodeGypBuild.path(native))
      } catch {
        // Neither a build nor a fitting prebuild here: keep looking further up.
      }
    }
    const parent = dirname(dir)
    if (parent === dir) return null
    dir = parent
  }
}

function load(): Loaded {
  if (loaded) return loaded
  const path = findAddon()
  if (!path) {
    const fromEnv = process.env.ALPHA_WB_NATIVE_ADDON
    loaded = {
      ok: false,
      reason: fromEnv
        ? `ALPHA_WB_NATIVE_ADDON=${fromEnv} does not exist`
        : `native addon not built (no ${ADDON_FILE} and no prebuild for ${process.platform}-${process.arch} in native/prebuilds; build it with: npm run install)`
    }
    return loaded
  }
  try {
    const addon = require(path) as NativeAddon
    loaded = { ok: true, addon, path, isas: addon.isas() }
  } catch (err) {
    loaded = { ok: false, reason: `native addon at ${path} failed to load: ${(err as Error).message}` }
  }
  return loaded
}

/**
 * Whether the addon loaded, and the ISA it will use: the best one this CPU
 * runs, or $ALPHA_WB_NATIVE_ISA ('avx512' | 'avx2' | 'generic') when set.
 */
export function nativeAvailable(): { ok: true; isa: string; isas: string[] } | { ok: false; reason: string } {
  const l = load()
  if (!l.ok) return l
  const forced = process.env.ALPHA_WB_NATIVE_ISA
  if (forced) {
    return l.isas.includes(forced)
      ? { ok: true, isa: forced, isas: l.isas }
      : { ok: false, reason: `ALPHA_WB_NATIVE_ISA=${forced} is not available here (have: ${l.isas.join(', ')})` }
  }
  return { ok: true, isa: l.isas[0], isas: l.isas }
}

/**
 * One core's measured fp32 FMA peak for `isa`: a register-only multiply-add
 * loop in that ISA's build of the kernel, run for about `seconds`. On a
 * shared machine take the best of several.
 */
export function nativeFmaPeak(isa: string, seconds: number): { gflops: number; seconds: number } {
  const l = load()
  if (!l.ok) throw new Error(l.reason)
  const r = l.addon.fmaPeak(isa, seconds)
  return { gflops: r.flops / r.seconds / 1e9, seconds: r.seconds }
}

/**
 * The best of `tries` FMA-peak probes, in GFLOP/s per core (probes measure
 * thread CPU time, so a shared machine lowers them only through contention).
 */
export function measuredPeakGflops(isa: string, tries = 5, seconds = 0.1): number {
  let best = 0
  for (let i = 0; i < tries; i++) best = Math.max(best, nativeFmaPeak(isa, seconds).gflops)
  return best
}

/** The file the addon was loaded from (a local compile or a prebuild), or null when it did not load. */
export function nativeAddonPath(): string | null {
  const l = load()
  return l.ok ? l.path : null
}

/** The addon's process-wide time counters (null when the addon is not loaded); `reset` zeroes them first. */
export function nativeCounters(reset = false): NativeCounters | null {
  const l = load()
  if (!l.ok) return null
  if (reset) l.addon.resetCounters()
  return l.addon.counters()
}

/** Every network the config schema accepts (any kernel, stride, channel count, ReLU_α or plain ReLU per layer). */
export function supportsNetwork(net: NetworkConfig): boolean {
  try {
    const shapes = layerShapes(net)
    return shapes.length >= 1 && shapes.length <= 6 && shapes.every((s) => s.outChannels <= 1024)
  } catch {
    return false
  }
}

/** A native StepEngine. Throws if the addon is unavailable or the network unsupported; `isa` forces a kernel set. */
export function createNativeEngine(opts: EngineOptions, isa?: string): StepEngine {
  const avail = nativeAvailable()
  if (!avail.ok) throw new Error(avail.reason)
  if (!supportsNetwork(opts.network)) throw new Error('the native engine does not support this network')
  const chosen = isa ?? avail.isa
  if (!avail.isas.includes(chosen)) throw new Error(`native ISA '${chosen}' is not available (have: ${avail.isas.join(', ')})`)
  return new NativeEngine((load() as { addon: NativeAddon }).addon, opts, chosen)
}

function exactImages(set: ImageSet): { images: Uint8Array; labels: Uint8Array } {
  if (set.images.length < set.count * IMAGE_PIXELS || set.labels.length < set.count) {
    throw new Error(`image set of ${set.count} needs ${set.count * IMAGE_PIXELS} pixels and ${set.count} labels`)
  }
  return { images: set.images.subarray(0, set.count * IMAGE_PIXELS), labels: set.labels.subarray(0, set.count) }
}

class NativeEngine implements StepEngine {
  readonly kind = 'native' as const
  readonly backend: string
  private handle: Handle | null
  private readonly nAlpha: number

  constructor(
    private readonly addon: NativeAddon,
    opts: EngineOptions,
    isa: string
  ) {
    const shapes = layerShapes(opts.network)
    const spec = new Int32Array(shapes.length * 4)
    shapes.forEach((s, i) => spec.set([s.kernel, s.stride, s.outChannels, s.alphaIndex], i * 4))
    this.nAlpha = alphaCount(opts.network)
    this.handle = addon.create(
      isa,
      spec,
      this.nAlpha,
      opts.penalty === 'l2' ? 1 : 0,
      opts.lambda,
      opts.lr,
      opts.momentum
    )
    this.backend = isa
  }

  private h(): Handle {
    if (!this.handle) throw new Error('native engine disposed')
    return this.handle
  }

  setParams(params: Params): void {
    this.addon.setParams(this.h(), ...paramArgs(params))
  }

  getParams(): Params {
    return this.addon.getParams(this.h())
  }

  getMomentum(): Float64Array | null {
    const m = this.addon.getMomentum(this.h())
    return m ? Float64Array.from(paramArrays(m).flatMap((a) => Array.from(a))) : null
  }

  setMomentum(buffers: Float64Array): void {
    this.addon.setMomentum(this.h(), ...paramArgs(paramsLike(buffers, this.getParams())))
  }

  setTrainData(data: ImageSet): void {
    const { images, labels } = exactImages(data)
    this.addon.setTrainData(this.h(), images, labels, data.count)
  }

  trainSteps(
    order: Int32Array,
    batchSize: number,
    firstBatch: number,
    steps: number,
    alphaOut: Float32Array,
    lossOut: Float32Array
  ): void {
    this.addon.trainSteps(this.h(), order, batchSize, firstBatch, steps, alphaOut, lossOut)
  }

  probe(batch: ImageSet): ProbeResult {
    const { images, labels } = exactImages(batch)
    return this.addon.probe(this.h(), images, labels, batch.count)
  }

  evaluate(data: ImageSet): EvalResult {
    if (data.count < 1) throw new Error('evaluate: empty image set')
    const { images, labels } = exactImages(data)
    let ceSum = 0
    let correct = 0
    for (let start = 0; start < data.count; start += EVAL_CHUNK) {
      const n = Math.min(EVAL_CHUNK, data.count - start)
      const r = this.addon.evaluate(
        this.h(),
        images.subarray(start * IMAGE_PIXELS, (start + n) * IMAGE_PIXELS),
        labels.subarray(start, start + n),
        n
      )
      ceSum += r.ceSum
      correct += r.correct
    }
    return { loss: ceSum / data.count, accuracy: correct / data.count }
  }

  dispose(): void {
    if (this.handle) this.addon.dispose(this.handle)
    this.handle = null
  }
}
