import { readdirSync } from 'node:fs'
import { join } from 'node:path'

const CACHE_FILE = /^(.+)-([0-9a-f]{12})\.bin$/

export interface CacheFile {
  name: string
  file: string
}

/** Cache files in `cacheDir` (none if it does not exist), sorted by path for a stable order. */
export function listCacheFiles(cacheDir: string): CacheFile[] {
  let entries: string[]
  try {
    entries = readdirSync(cacheDir)
  } catch {
    return []
  }
  return entries
    .sort()
    .flatMap((entry) => {
      const m = CACHE_FILE.exec(entry)
      return m ? [{ name: m[1], file: join(cacheDir, entry) }] : []
    })
}
