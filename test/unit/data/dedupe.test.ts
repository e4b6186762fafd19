import { describe, expect, it } from 'vitest'
import { dedupe } from '../../../src/main/data/dedupe'
import { gather } from '../../../src/main/data/image-set'
import { PIXELS, syntheticSet } from './helpers'

describe('dedupe', () => {
  const base = syntheticSet(6, 5)
  // Entries 6, 7, 8 copy entries 1, 4, 1; entry 8 carries a different label.
  const set = gather(base, [0, 1, 2, 3, 4, 5, 1, 4, 1])
  set.labels[8] = (set.labels[1] + 1) % 10

  it('keeps the first copy of each image and counts the rest', () => {
    const result = dedupe(set)
    expect(Array.from(result.keep)).toEqual([0, 1, 2, 3, 4, 5])
    expect(result.duplicatesRemoved).toBe(3)
    expect(result.conflictingLabels).toBe(1)
  })

  it('keeps images that differ in a single pixel', () => {
    const near = gather(base, [0, 0, 0])
    near.images[PIXELS + PIXELS - 1] ^= 1
    near.images[2 * PIXELS] ^= 0x80
    expect(dedupe(near).duplicatesRemoved).toBe(0)
  })

  it('finds duplicates whatever their position', () => {
    const reversed = gather(set, [8, 7, 6, 5, 4, 3, 2, 1, 0])
    const result = dedupe(reversed)
    expect(Array.from(result.keep)).toEqual([0, 1, 3, 5, 6, 8])
    expect(result.duplicatesRemoved).toBe(3)
    // The relabelled copy now comes first, so both later copies of image 1 conflict with it.
    expect(result.conflictingLabels).toBe(2)
  })
})
