import type { ImageSet } from './types'
import { PIXELS } from './image-set'

export interface DedupeResult {
  /** Indices of the entries kept (first occurrence of each image), ascending. */
  keep: Int32Array
  duplicatesRemoved: number
  /** Removed duplicates whose label differed from the copy kept. */
  conflictingLabels: number
}

/** FNV-1a over one image: only a bucket key, equality is checked byte by byte. */
function imageHash(images: Uint8Array, start: number): number {
  let h = 0x811c9dc5
  for (let p = start; p < start + PIXELS; p++) h = Math.imul(h ^ images[p], 0x01000193)
  return h >>> 0
}

function sameImage(images: Uint8Array, a: number, b: number): boolean {
  const pa = a * PIXELS
  const pb = b * PIXELS
  for (let p = 0; p < PIXELS; p++) if (images[pa + p] !== images[pb + p]) return false
  return true
}

/**
 * Keeps the first copy of every distinct image, so no image can land on both
 * sides of a train/test split. Walks the set in order: the result depends only
 * on the data, never on hash-map iteration order.
 */
export function dedupe(set: ImageSet): DedupeResult {
  const buckets = new Map<number, number[]>()
  const keep: number[] = []
  let conflictingLabels = 0
  for (let i = 0; i < set.count; i++) {
    const h = imageHash(set.images, i * PIXELS)
    const bucket = buckets.get(h)
    const original = bucket?.find((j) => sameImage(set.images, i, j))
    if (original !== undefined) {
      if (set.labels[original] !== set.labels[i]) conflictingLabels++
      continue
    }
    if (bucket) bucket.push(i)
    else buckets.set(h, [i])
    keep.push(i)
  }
  return { keep: Int32Array.from(keep), duplicatesRemoved: set.count - keep.length, conflictingLabels }
}
