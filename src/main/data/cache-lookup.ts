import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { type CacheContents, cacheFileName, type CacheMeta, decodeCacheFile } from './cache-file'
import { listCacheFiles } from './cache-dir'
import { DatasetError } from './errors'

/** Returns why a well-formed cache file is still not the one wanted, or undefined to take it. */
export type CacheFilter = (meta: CacheMeta) => string | undefined

export interface CacheLookup {
  hit?: { file: string; bytes: number; contents: CacheContents }
  /** Files of this name that were rejected, and why. */
  rejected: { file: string; problem: string }[]
}

/**
 * The first cache file of `name` that passes every check (size, metadata,
 * sha256, file name) and `filter`. Synchronous: the hash check is CPU-bound
 * anyway, and `doctor` wants a plain call.
 */
export function lookupCache(cacheDir: string, name: string, filter: CacheFilter): CacheLookup {
  const rejected: CacheLookup['rejected'] = []
  for (const entry of listCacheFiles(cacheDir)) {
    if (entry.name !== name) continue
    try {
      const buf = readFileSync(entry.file)
      const contents = decodeCacheFile(buf, entry.file)
      const problem =
        basename(entry.file) !== cacheFileName(contents.meta.name, contents.hash)
          ? 'file name does not match its contents'
          : filter(contents.meta)
      if (problem === undefined) return { hit: { file: entry.file, bytes: buf.length, contents }, rejected }
      rejected.push({ file: entry.file, problem })
    } catch (err) {
      rejected.push({ file: entry.file, problem: err instanceof DatasetError ? err.problem : (err as Error).message })
    }
  }
  return { rejected }
}
