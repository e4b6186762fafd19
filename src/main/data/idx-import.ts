import { resolve } from 'node:path'
import { isBundled } from './bundled'
import { DatasetError } from './errors'
import { readIdxPair } from './idx-format'
import type { RawSource } from './raw-source'
import { buildDataset, type TestSide } from './build-dataset'
import type { Dataset } from './types'

export interface IdxImportOptions {
  /** The dataset's name: letters, digits, '.', '_', '-'; not a bundled dataset's name. */
  name: string
  trainImages: string
  trainLabels: string
  /** Optional held-out pair; without it the training pair is split like the bundled datasets. */
  testImages?: string
  testLabels?: string
  cacheDir: string
}

/** Without a test pair: 80% train / 20% test, stratified, as for the bundled MNIST digits. */
const IDX_TRAIN_FRACTION = 0.8

/** Imported caches are trusted as written: the files they came from may be gone since. */
const IDX_FINGERPRINT = 'idx'

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

function checkImportName(name: string): void {
  if (!NAME.test(name)) {
    throw new DatasetError(undefined, `invalid dataset name '${name}': use 1–64 letters, digits, '.', '_' or '-'`)
  }
  if (isBundled(name)) {
    throw new DatasetError(undefined, `'${name}' is a bundled dataset; pick another name for the import`)
  }
}

async function readRaw(imagesFile: string, labelsFile: string): Promise<RawSource> {
  const images = resolve(imagesFile)
  const labels = resolve(labelsFile)
  const set = await readIdxPair(images, labels)
  return { set, entries: set.count, emptySkipped: 0, origin: `idx:${images},${labels}` }
}

/**
 * Imports an IDX pair (the official MNIST/Fashion-MNIST format, raw or .gz)
 * as a dataset and caches it under `name`, so `loadDataset(name)` finds it
 * later without the original files. Importing again under the same name
 * replaces the cached copy.
 */
export async function importIdx(opts: IdxImportOptions): Promise<Dataset> {
  checkImportName(opts.name)
  if ((opts.testImages === undefined) !== (opts.testLabels === undefined)) {
    throw new DatasetError(undefined, 'testImages and testLabels must be given together')
  }
  const train = await readRaw(opts.trainImages, opts.trainLabels)
  if (train.set.count === 0) throw new DatasetError(resolve(opts.trainImages), 'holds no images')
  const testSide: TestSide =
    opts.testImages !== undefined && opts.testLabels !== undefined
      ? { kind: 'given', raw: await readRaw(opts.testImages, opts.testLabels) }
      : { kind: 'split', trainCount: (unique) => Math.round(unique * IDX_TRAIN_FRACTION) }
  const spec = { name: opts.name, source: 'idx' as const, fingerprint: IDX_FINGERPRINT, cacheDir: opts.cacheDir }
  return buildDataset(spec, train, testSide)
}
