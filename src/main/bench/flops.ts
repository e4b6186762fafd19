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

// The peak these FLOPs are compared with is measured, not taken from a nominal clock: see
// measuredPeakGflops (src/main/engine/native-engine.ts), an FMA loop in the kernel's own build.
