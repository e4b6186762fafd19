import { createHash, randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import type { ImageSet } from './types'
import { DatasetError } from './errors'
import { PIXELS } from './image-set'

/*
 * Layout, little-endian:
 *   0  "AWDS"            magic
 *   4  u32               format version
 *   8  u32               train count
 *  12  u32               test count
 *  16  u32               meta JSON length in bytes
 *  20  32 bytes          sha256 of the payload
 *  52  meta JSON (utf8)
 *   …  payload: train labels, train images, test labels, test images
 */
const MAGIC = 'AWDS'
const CACHE_FORMAT_VERSION = 1
const HEADER_BYTES = 52

const CacheMetaSchema = z.object({
  name: z.string(),
  source: z.enum(['bundled', 'idx']),
  /** What the file was built from and how; a bundled cache is rebuilt when it no longer matches. */
  fingerprint: z.string(),
  origin: z.string(),
  entries: z.number().int().min(0),
  emptySkipped: z.number().int().min(0),
  duplicatesRemoved: z.number().int().min(0),
  conflictingLabels: z.number().int().min(0),
  split: z.enum(['seeded-stratified', 'given'])
})
export type CacheMeta = z.infer<typeof CacheMetaSchema>

export interface CacheContents {
  meta: CacheMeta
  hash: string
  train: ImageSet
  test: ImageSet
}

function payloadParts(train: ImageSet, test: ImageSet): Uint8Array[] {
  return [train.labels, train.images, test.labels, test.images]
}

export function payloadHash(train: ImageSet, test: ImageSet): string {
  const h = createHash('sha256')
  for (const part of payloadParts(train, test)) h.update(part)
  return h.digest('hex')
}

export function cacheFileName(name: string, hash: string): string {
  return `${name}-${hash.slice(0, 12)}.bin`
}

/**
 * Writes to a temporary file and renames it into place, so a reader never
 * sees a half-written cache. No fsync: a file torn by a crash fails the hash
 * check on the next load and is rebuilt.
 */
export async function writeCacheFile(cacheDir: string, contents: CacheContents): Promise<string> {
  const { meta, hash, train, test } = contents
  const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8')
  const header = Buffer.alloc(HEADER_BYTES)
  header.write(MAGIC, 0, 'latin1')
  header.writeUInt32LE(CACHE_FORMAT_VERSION, 4)
  header.writeUInt32LE(train.count, 8)
  header.writeUInt32LE(test.count, 12)
  header.writeUInt32LE(metaBytes.length, 16)
  header.write(hash, 20, 'hex')

  await mkdir(cacheDir, { recursive: true })
  const file = join(cacheDir, cacheFileName(meta.name, hash))
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
  try {
    const fh = await open(tmp, 'w')
    try {
      for (const part of [header, metaBytes, ...payloadParts(train, test)]) await fh.write(part)
    } finally {
      await fh.close()
    }
    await rename(tmp, file)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
  return file
}

/** Parses and fully verifies a cache file (sizes, meta, sha256); throws DatasetError naming the problem. */
export function decodeCacheFile(buf: Buffer, file: string): CacheContents {
  const corrupt = (problem: string): DatasetError => new DatasetError(file, `corrupt dataset cache: ${problem}`)
  if (buf.length < HEADER_BYTES) throw corrupt(`expected at least ${HEADER_BYTES} header bytes, got ${buf.length}`)
  if (buf.toString('latin1', 0, 4) !== MAGIC) throw corrupt('wrong magic')
  const version = buf.readUInt32LE(4)
  if (version !== CACHE_FORMAT_VERSION) throw corrupt(`format version ${version}, expected ${CACHE_FORMAT_VERSION}`)
  const trainCount = buf.readUInt32LE(8)
  const testCount = buf.readUInt32LE(12)
  const metaLength = buf.readUInt32LE(16)
  const hash = buf.toString('hex', 20, HEADER_BYTES)
  const payloadStart = HEADER_BYTES + metaLength
  const expected = payloadStart + (trainCount + testCount) * (PIXELS + 1)
  if (buf.length !== expected) throw corrupt(`expected ${expected} bytes, got ${buf.length}`)

  let meta: CacheMeta
  try {
    meta = CacheMetaSchema.parse(JSON.parse(buf.toString('utf8', HEADER_BYTES, payloadStart)))
  } catch {
    throw corrupt('unreadable metadata')
  }
  const actual = createHash('sha256').update(buf.subarray(payloadStart)).digest('hex')
  if (actual !== hash) throw corrupt(`content hash ${actual.slice(0, 12)}… does not match ${hash.slice(0, 12)}…`)

  // Copies, so each set owns its buffer and can be transferred to a worker alone.
  let at = payloadStart
  const take = (n: number): Uint8Array => {
    const part = new Uint8Array(buf.subarray(at, at + n))
    at += n
    return part
  }
  const readSet = (count: number): ImageSet => {
    const labels = take(count)
    const images = take(count * PIXELS)
    return { images, labels, count }
  }
  const train = readSet(trainCount)
  const test = readSet(testCount)
  return { meta, hash, train, test }
}
