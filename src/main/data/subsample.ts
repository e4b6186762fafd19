import type { ImageSet } from './types'
import { Rng } from '../../shared/random'
import { apportion } from './apportion'
import { DatasetError } from './errors'
import { gather, indicesByClass } from './image-set'

/**
 * Keeps subsample streams apart from the streams other consumers (weight init,
 * data order) may draw from the same seed.
 */
const SUBSAMPLE_STREAM_BASE = 0x5b5a

/**
 * A seeded training subsample of `size` images, drawn without replacement and
 * stratified: every class keeps its proportional share, so subsamples drawn
 * with different seeds differ in which images they hold, never in class
 * balance. Entries keep their order in `set`. `null` or a size of at least
 * `set.count` returns `set` itself.
 */
export function subsample(set: ImageSet, size: number | null, seed: number): ImageSet {
  if (size === null || size >= set.count) return set
  if (!Number.isInteger(size) || size < 1) {
    throw new DatasetError(undefined, `subsample size must be a positive integer, got ${size}`)
  }
  const byClass = indicesByClass(set.labels)
  const quotas = apportion(
    byClass.map((ix) => ix.length),
    size
  )
  const chosen: number[] = []
  byClass.forEach((ix, c) => {
    const perm = new Rng(seed, SUBSAMPLE_STREAM_BASE + c).permutation(ix.length)
    for (let k = 0; k < quotas[c]; k++) chosen.push(ix[perm[k]])
  })
  return gather(set, Int32Array.from(chosen).sort())
}
