import type { ImageSet } from './types'
import { Rng } from '../../shared/random'
import { apportion } from './apportion'
import { DatasetError } from './errors'
import { gather, indicesByClass, NUM_CLASSES } from './image-set'

/** Fixed: every machine must cut the same split, so datasets hash the same. */
export const SPLIT_SEED = 20_250_101

export interface Split {
  train: ImageSet
  test: ImageSet
}

/**
 * Stratified split: each class gives the training side its proportional share
 * of `trainCount` (largest remainder), chosen by a per-class seeded
 * permutation. Each side is then shuffled once so it is not grouped by class
 * (a prefix of it is a fair sample too).
 */
export function stratifiedSplit(set: ImageSet, trainCount: number, seed = SPLIT_SEED): Split {
  if (!Number.isInteger(trainCount) || trainCount < 0 || trainCount > set.count) {
    throw new DatasetError(undefined, `cannot take ${trainCount} training images from a set of ${set.count}`)
  }
  const byClass = indicesByClass(set.labels)
  const quotas = apportion(
    byClass.map((ix) => ix.length),
    trainCount
  )
  const train: number[] = []
  const test: number[] = []
  byClass.forEach((ix, c) => {
    const perm = new Rng(seed, c).permutation(ix.length)
    for (let k = 0; k < ix.length; k++) (k < quotas[c] ? train : test).push(ix[perm[k]])
  })
  const order = (ix: number[], stream: number): Int32Array =>
    new Rng(seed, stream).shuffle(Int32Array.from(ix).sort())
  return {
    train: gather(set, order(train, NUM_CLASSES)),
    test: gather(set, order(test, NUM_CLASSES + 1))
  }
}
