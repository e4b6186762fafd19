import { echo } from '../../shared/echo'
import { bundledFingerprint, buildBundled, isBundled, listBundledDatasets } from './bundled'
import { type CacheFilter, lookupCache } from './cache-lookup'
import { listCacheFiles } from './cache-dir'
import { DatasetError } from './errors'
import { toDataset } from './build-dataset'
import type { CacheState, Dataset, DatasetSource } from './types'
import { importIdx } from './idx-import'
import { OFFICIAL_DIR_ENV, OFFICIAL_NAME, officialDir, officialFiles } from './official'

export interface LoadOptions {
  /** Folder holding the converted datasets (the app's default: defaultDatasetCacheDir in ../paths). */
  cacheDir: string
}

function filterFor(name: string): { source: DatasetSource; filter: CacheFilter } {
  if (isBundled(name)) {
    const fingerprint = bundledFingerprint(name)
    return {
      source: 'bundled',
      filter: (meta) =>
        meta.source === 'bundled' && meta.fingerprint === fingerprint
          ? undefined
          : `stale: built from '${meta.fingerprint}', now '${fingerprint}'`
    }
  }
  return { source: 'idx', filter: (meta) => (meta.source === 'idx' ? undefined : `not an imported dataset`) }
}

function importedNames(cacheDir: string): string[] {
  return [...new Set(listCacheFiles(cacheDir).map((f) => f.name))].filter((n) => !isBundled(n))
}

/**
 * A bundled dataset (converted on first use, then read from the cache), the
 * official Fashion-MNIST split where its files are installed (imported on
 * first use, see official.ts), or one imported earlier with importIdx into
 * the same cacheDir. A corrupt or stale
 * bundled cache is rebuilt; a corrupt imported one must be imported again.
 */
export async function loadDataset(name: string, opts: LoadOptions): Promise<Dataset> {
  const { filter } = filterFor(name)
  const { hit, rejected } = lookupCache(opts.cacheDir, name, filter)
  if (hit) return toDataset(hit.contents, hit.file)
  if (isBundled(name)) return buildBundled(name, opts.cacheDir)
  if (name === OFFICIAL_NAME) {
    const files = officialFiles()
    if (!files) {
      throw new DatasetError(
        undefined,
        `'${OFFICIAL_NAME}' needs the four official IDX files in ${officialDir()} (Debian: apt-get install dataset-fashion-mnist; or set ${OFFICIAL_DIR_ENV})`
      )
    }
    return importIdx({ name, ...files, cacheDir: opts.cacheDir })
  }
  if (rejected.length > 0) {
    const { file, problem } = rejected[0]
    throw new DatasetError(file, `cannot use the cached copy of imported dataset '${echo(name)}' (${problem}); import it again`)
  }
  const imported = importedNames(opts.cacheDir)
  throw new DatasetError(
    undefined,
    `unknown dataset '${echo(name)}': bundled datasets are ${listBundledDatasets().join(', ')}; ` +
      `imported in ${opts.cacheDir}: ${imported.length > 0 ? imported.join(', ') : 'none'}`
  )
}

function stateOf(cacheDir: string, name: string): CacheState {
  let lookup: ReturnType<typeof filterFor>
  try {
    lookup = filterFor(name)
  } catch (err) {
    // A missing npm package must not stop doctor from reporting the rest.
    return { name, source: 'bundled', cached: false, problem: (err as Error).message }
  }
  const { source, filter } = lookup
  const { hit, rejected } = lookupCache(cacheDir, name, filter)
  if (hit) return { name, source, cached: true, file: hit.file, bytes: hit.bytes, hash: hit.contents.hash }
  const state: CacheState = { name, source, cached: false }
  if (rejected.length > 0) {
    state.file = rejected[0].file
    state.problem = rejected[0].problem
  }
  return state
}

/**
 * Every bundled dataset and every imported one found in `cacheDir`, with
 * whether a cache file passes all the checks a load makes (so `cached: true`
 * means the next load reads it without converting).
 */
export function cacheState(cacheDir: string): CacheState[] {
  return [...new Set([...listBundledDatasets(), ...availableOfficial(), ...importedNames(cacheDir)])].map((name) => stateOf(cacheDir, name))
}

/** ['fashion-mnist-official'] where its files are installed, else []. */
export function availableOfficial(): string[] {
  return officialFiles() ? [OFFICIAL_NAME] : []
}
