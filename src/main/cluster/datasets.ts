/**
 * Datasets travel by content hash: the coordinator stores a dataset's cache
 * file in Redis once (awb:dataset:<sha256>); a worker that lacks it fetches
 * it, checks the hash and keeps a copy in its own cache folder.
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Redis } from 'ioredis'
import { decodeCacheFile } from '../data/cache-file'
import { DatasetError } from '../data'
import type { Dataset } from '../data'
import { datasetKey } from './protocol'

/** Stores a dataset's cache file under its hash unless it is there already; returns the hash. */
export async function publishDataset(redis: Redis, ds: Dataset): Promise<string> {
  const key = datasetKey(ds.hash)
  if ((await redis.exists(key)) === 1) return ds.hash
  const buf = await readFile(ds.cacheFile)
  // The file on disk must still be what was loaded: never publish a different payload under this hash.
  const contents = decodeCacheFile(buf, ds.cacheFile)
  if (contents.hash !== ds.hash) throw new DatasetError(ds.cacheFile, `changed on disk since it was loaded (now ${contents.hash.slice(0, 12)}…)`)
  await redis.set(key, buf, 'NX')
  return ds.hash
}

/** A worker's copies of fetched datasets, one file per hash. */
export class DatasetFetcher {
  private readonly inFlight = new Map<string, Promise<string>>()

  constructor(
    private readonly redis: Redis,
    private readonly dir: string
  ) {}

  fileOf(hash: string): string {
    return join(this.dir, `${hash}.bin`)
  }

  /**
   * The path of a verified local copy of dataset `hash`, fetching it from
   * Redis the first time. Throws an Error naming the problem when Redis does
   * not hold it or what it holds is corrupt or another dataset.
   */
  get(name: string, hash: string): Promise<string> {
    let p = this.inFlight.get(hash)
    if (!p) {
      p = this.fetch(name, hash)
      this.inFlight.set(hash, p)
      p.catch(() => this.inFlight.delete(hash))
    }
    return p
  }

  private async fetch(name: string, hash: string): Promise<string> {
    const file = this.fileOf(hash)
    const label = `dataset '${name}' (sha256 ${hash.slice(0, 12)}…)`
    if (existsSync(file)) {
      try {
        if (decodeCacheFile(await readFile(file), file).hash === hash) return file
      } catch {
        // A torn or damaged local copy: fetch it again.
      }
    }
    const buf = await this.redis.getBuffer(datasetKey(hash))
    if (!buf) throw new Error(`${label} is not in Redis: the coordinator that queued this run has not stored it (or it was deleted)`)
    let actual: string
    try {
      actual = decodeCacheFile(buf, `redis ${datasetKey(hash)}`).hash
    } catch (err) {
      throw new Error(`${label} fetched from Redis is corrupt: ${err instanceof DatasetError ? err.problem : (err as Error).message}`, { cause: err })
    }
    if (actual !== hash) throw new Error(`${label}: Redis holds a different dataset under this hash (${actual.slice(0, 12)}…)`)
    await mkdir(this.dir, { recursive: true })
    const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
    try {
      await writeFile(tmp, buf)
      await rename(tmp, file)
    } catch (err) {
      await rm(tmp, { force: true })
      throw err
    }
    return file
  }
}
