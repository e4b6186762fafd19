import { rm } from 'node:fs/promises'
import type { ImageSet } from './types'
import { DatasetError } from './errors'
import { type CacheContents, type CacheMeta, payloadHash, writeCacheFile } from './cache-file'
import { listCacheFiles } from './cache-dir'
import { dedupe } from './dedupe'
import { classCounts, concatSets, gather } from './image-set'
import type { RawSource } from './raw-source'
import { type Split, stratifiedSplit } from './split'
import type { Dataset } from './types'

export function toDataset(contents: CacheContents, cacheFile: string): Dataset {
  const { meta, hash, train, test } = contents
  return {
    name: meta.name,
    hash,
    source: meta.source,
    cacheFile,
    train,
    test,
    info: {
      origin: meta.origin,
      entries: meta.entries,
      emptySkipped: meta.emptySkipped,
      duplicatesRemoved: meta.duplicatesRemoved,
      conflictingLabels: meta.conflictingLabels,
      split: meta.split,
      trainClassCounts: classCounts(train.labels),
      testClassCounts: classCounts(test.labels)
    }
  }
}

interface BuildSpec {
  name: string
  source: CacheMeta['source']
  fingerprint: string
  cacheDir: string
}

/** Where the test side comes from: the source's own test files, or a seeded stratified split. */
export type TestSide =
  | { kind: 'given'; raw: RawSource }
  | { kind: 'split'; trainCount: (uniqueCount: number) => number }

/**
 * Dedupes, splits, caches and returns a dataset. With a given test set, test
 * entries come first in the dedupe, so a training image equal to a test image
 * is the copy dropped and the held-out side stays as whole as possible.
 */
export async function buildDataset(spec: BuildSpec, trainRaw: RawSource, testSide: TestSide): Promise<Dataset> {
  const given = testSide.kind === 'given' ? testSide.raw : undefined
  const all = given ? concatSets([given.set, trainRaw.set]) : trainRaw.set
  const { keep, duplicatesRemoved, conflictingLabels } = dedupe(all)
  const { train, test } =
    testSide.kind === 'given'
      ? splitAt(all, keep, testSide.raw.set.count)
      : stratifiedSplit(gather(all, keep), testSide.trainCount(keep.length))
  // Refused here, before anything is cached: without test images a run fails only after training (no test accuracy).
  if (test.count === 0) {
    const why = given ? 'its test files hold no images that are not also training images' : `${keep.length} distinct image(s) are too few to split off a test set`
    throw new DatasetError(undefined, `dataset '${spec.name}' would have no test images: ${why}`)
  }
  if (train.count === 0) throw new DatasetError(undefined, `dataset '${spec.name}' would have no training images`)
  const meta: CacheMeta = {
    name: spec.name,
    source: spec.source,
    fingerprint: spec.fingerprint,
    origin: given ? `${trainRaw.origin} + test ${given.origin}` : trainRaw.origin,
    entries: trainRaw.entries + (given?.entries ?? 0),
    emptySkipped: trainRaw.emptySkipped + (given?.emptySkipped ?? 0),
    duplicatesRemoved,
    conflictingLabels,
    split: given ? 'given' : 'seeded-stratified'
  }
  const contents: CacheContents = { meta, hash: payloadHash(train, test), train, test }
  const file = await writeCacheFile(spec.cacheDir, contents)
  await removeOtherCacheFiles(spec.cacheDir, spec.name, file)
  return toDataset(contents, file)
}

/** Kept entries below `testCount` are the given test set, the rest training. */
function splitAt(all: ImageSet, keep: Int32Array, testCount: number): Split {
  let cut = 0
  while (cut < keep.length && keep[cut] < testCount) cut++
  return { train: gather(all, keep.subarray(cut)), test: gather(all, keep.subarray(0, cut)) }
}

/** Older builds of the same dataset (stale or corrupt) are only clutter once a good file is in place. */
async function removeOtherCacheFiles(cacheDir: string, name: string, keepFile: string): Promise<void> {
  for (const entry of listCacheFiles(cacheDir)) {
    if (entry.name === name && entry.file !== keepFile) await rm(entry.file, { force: true })
  }
}
