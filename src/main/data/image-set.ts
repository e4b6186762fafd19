import type { ImageSet } from './types'

import { IMAGE_PIXELS as PIXELS, NUM_CLASSES } from '../../shared/constants'

export { IMAGE_SIZE as IMAGE_SIDE } from '../../shared/constants'
export { PIXELS, NUM_CLASSES }

/** A new set holding the entries at `indices`, in that order. */
export function gather(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const count = indices.length
  const images = new Uint8Array(count * PIXELS)
  const labels = new Uint8Array(count)
  for (let k = 0; k < count; k++) {
    const i = indices[k]
    images.set(set.images.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS)
    labels[k] = set.labels[i]
  }
  return { images, labels, count }
}

export function concatSets(sets: readonly ImageSet[]): ImageSet {
  const count = sets.reduce((n, s) => n + s.count, 0)
  const images = new Uint8Array(count * PIXELS)
  const labels = new Uint8Array(count)
  let at = 0
  for (const s of sets) {
    images.set(s.images.subarray(0, s.count * PIXELS), at * PIXELS)
    labels.set(s.labels.subarray(0, s.count), at)
    at += s.count
  }
  return { images, labels, count }
}

export function classCounts(labels: Uint8Array): number[] {
  const counts = new Array<number>(NUM_CLASSES).fill(0)
  for (const l of labels) counts[l]++
  return counts
}

/** For each class, the indices of its entries in ascending order. */
export function indicesByClass(labels: Uint8Array): Int32Array[] {
  const counts = classCounts(labels)
  const out = counts.map((n) => new Int32Array(n))
  const fill = new Array<number>(NUM_CLASSES).fill(0)
  for (let i = 0; i < labels.length; i++) out[labels[i]][fill[labels[i]]++] = i
  return out
}
