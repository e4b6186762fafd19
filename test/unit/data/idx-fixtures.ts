import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { ImageSet } from '../../../src/main/engine/types'

export const IMAGES_MAGIC = 0x00000803
export const LABELS_MAGIC = 0x00000801

/** An IDX file: big-endian magic, big-endian dimensions, then the bytes. */
export function encodeIdx(magic: number, dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length)
  header.writeUInt32BE(magic, 0)
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i))
  return Buffer.concat([header, data])
}

export function encodeImages(set: ImageSet, rows = 28, cols = 28): Buffer {
  return encodeIdx(IMAGES_MAGIC, [set.count, rows, cols], set.images)
}

export function encodeLabels(labels: Uint8Array): Buffer {
  return encodeIdx(LABELS_MAGIC, [labels.length], labels)
}

/** Writes `<prefix>-images.idx` and `<prefix>-labels.idx` (or `.gz`) and returns their paths. */
export function writeIdxPair(
  dir: string,
  prefix: string,
  set: ImageSet,
  gzip = false
): { images: string; labels: string } {
  const ext = gzip ? 'idx.gz' : 'idx'
  const images = join(dir, `${prefix}-images.${ext}`)
  const labels = join(dir, `${prefix}-labels.${ext}`)
  const pack = (b: Buffer): Buffer => (gzip ? gzipSync(b) : b)
  writeFileSync(images, pack(encodeImages(set)))
  writeFileSync(labels, pack(encodeLabels(set.labels)))
  return { images, labels }
}

export function writeBytes(dir: string, name: string, bytes: Uint8Array): string {
  const file = join(dir, name)
  writeFileSync(file, bytes)
  return file
}
