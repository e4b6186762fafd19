import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ImageSet } from '../../../src/main/engine/types'
import { Rng } from '../../../src/shared/random'

export const PIXELS = 784

export function makeTempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `awb-${prefix}-`))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * `count` distinct random images (pixel 0..3 hold the index, so no two are
 * equal) with labels drawn from `classWeights` (default: uniform over 10).
 */
export function syntheticSet(count: number, seed: number, classWeights: number[] = new Array(10).fill(1)): ImageSet {
  const rng = new Rng(seed, 99)
  const images = new Uint8Array(count * PIXELS)
  const labels = new Uint8Array(count)
  const total = classWeights.reduce((a, b) => a + b, 0)
  for (let i = 0; i < count; i++) {
    for (let p = 0; p < PIXELS; p++) images[i * PIXELS + p] = rng.int(256)
    new DataView(images.buffer).setUint32(i * PIXELS, i)
    let r = rng.next() * total
    let c = 0
    while (r >= classWeights[c]) r -= classWeights[c++]
    labels[i] = c
  }
  return { images, labels, count }
}

/** A set whose class c holds exactly counts[c] images, grouped by class. */
export function setWithClassCounts(counts: number[], seed: number): ImageSet {
  const total = counts.reduce((a, b) => a + b, 0)
  const set = syntheticSet(total, seed)
  let start = 0
  counts.forEach((n, c) => {
    set.labels.fill(c, start, start + n)
    start += n
  })
  return set
}

/** Content key of image i, computed independently of the code under test. */
export function imageKey(images: Uint8Array, i: number): string {
  return createHash('sha1')
    .update(images.subarray(i * PIXELS, (i + 1) * PIXELS))
    .digest('hex')
}

export function imageKeys(set: ImageSet): string[] {
  return Array.from({ length: set.count }, (_, i) => imageKey(set.images, i))
}

export function labelCounts(labels: Uint8Array): number[] {
  const counts = new Array<number>(10).fill(0)
  for (const l of labels) counts[l]++
  return counts
}
