import { readFileSync } from 'node:fs'
import { NUM_CLASSES, flatSize, layerShapes, type NetworkConfig } from '../../shared/network'

/**
 * Floating-point operations of one SGD step (forward + backward), counting
 * each multiply-add as 2: the convolutions and the dense layer, forward, the
 * weight gradients, and the input gradients of every layer but the first
 * (the image needs none). Activations, softmax and the update are a rounding
 * error next to these. ≈21 MFLOP for the paper's network at batch 64.
 */
export function flopsPerStep(net: NetworkConfig, batch: number): number {
  const shapes = layerShapes(net)
  let macs = 0
  shapes.forEach((s, i) => {
    const layer = s.outSize * s.outSize * s.outChannels * s.kernel * s.kernel * s.inChannels
    macs += layer * (i === 0 ? 2 : 3)
  })
  macs += flatSize(net) * NUM_CLASSES * 3
  return 2 * macs * batch
}

export interface CpuPeak {
  model: string
  mhz: number
  /** fp32 FLOP per cycle per core: 2 FMA units × vector width × 2. */
  flopsPerCycle: number
  isa: string
  /** GFLOP/s per core at `mhz`. */
  peakGflops: number
}

/** The machine's nominal fp32 peak per core, from /proc/cpuinfo (Linux; a plain estimate elsewhere). */
export function cpuPeak(): CpuPeak {
  let info = ''
  try {
    info = readFileSync('/proc/cpuinfo', 'utf8')
  } catch {
    // Not Linux: assume an AVX2 machine at 3 GHz.
  }
  const model = /model name\s*:\s*(.+)/.exec(info)?.[1] ?? 'unknown CPU'
  const mhz = Number(/cpu MHz\s*:\s*([\d.]+)/.exec(info)?.[1] ?? 3000)
  const flags = /flags\s*:\s*(.+)/.exec(info)?.[1].split(' ') ?? []
  const [isa, flopsPerCycle] = flags.includes('avx512f') ? ['avx512', 64] : flags.includes('avx2') && flags.includes('fma') ? ['avx2', 32] : ['sse', 8]
  return { model, mhz, flopsPerCycle, isa, peakGflops: (mhz / 1000) * flopsPerCycle }
}
