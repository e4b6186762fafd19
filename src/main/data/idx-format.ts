import { readFile } from 'node:fs/promises'
import { createGunzip, gunzipSync } from 'node:zlib'
import type { ImageSet } from './types'
import { DatasetError } from './errors'
import { IMAGE_SIDE, NUM_CLASSES } from './image-set'

/** IDX magic numbers: 0x00 0x00, data type 0x08 (uint8), number of dimensions. */
const IDX_IMAGES_MAGIC = 0x00000803
const IDX_LABELS_MAGIC = 0x00000801

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`

function isGzip(buf: Buffer): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b
}

/** Most images one IDX file may declare (Fashion-MNIST has 60,000): bounds what a file can make us allocate. */
export const MAX_IDX_IMAGES = 1_000_000

/** The first `n` decompressed bytes of a gzip buffer, without decompressing the rest. */
function gunzipHead(buf: Buffer, n: number): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const z = createGunzip()
    const parts: Buffer[] = []
    let got = 0
    let settled = false
    const settle = (f: () => void): void => {
      if (settled) return
      settled = true
      z.destroy()
      f()
    }
    z.on('data', (c: Buffer) => {
      parts.push(c)
      got += c.length
      if (got >= n) settle(() => resolvePromise(Buffer.concat(parts).subarray(0, n)))
    })
    z.on('end', () => settle(() => resolvePromise(Buffer.concat(parts))))
    z.on('error', (e) => settle(() => reject(e)))
    z.end(buf)
  })
}

/** Bytes an IDX file's header says the whole (decompressed) file has; null if the header is too short to tell. */
function declaredLength(head: Buffer): number | null {
  if (head.length < 4) return null
  const ndims = head[3]
  if (head.length < 4 + 4 * ndims) return null
  const size = 4 + 4 * ndims
  let data = 1
  for (let d = 0; d < ndims; d++) data *= head.readUInt32BE(4 + 4 * d)
  return size + data
}

async function readMaybeGzipped(file: string): Promise<{ bytes: Buffer; gzipped: boolean }> {
  let buf: Buffer
  try {
    buf = await readFile(file)
  } catch (err) {
    throw new DatasetError(file, `cannot read file (${(err as Error).message})`)
  }
  if (!isGzip(buf)) return { bytes: buf, gzipped: false }
  // A gzip bomb (1.5 MB → 3 GB) must not be decompressed to find out: read the header first, then decompress
  // at most what its dimensions declare (plus one byte, to tell trailing data apart).
  let head: Buffer
  try {
    head = await gunzipHead(buf, 4 + 4 * 3)
  } catch (err) {
    throw new DatasetError(file, `not gzip-decodable (${(err as Error).message})`)
  }
  const declared = declaredLength(head)
  const images = head.length >= 8 && head[3] === 3 ? head.readUInt32BE(4) : 0
  if (images > MAX_IDX_IMAGES) throw new DatasetError(file, `declares ${images.toLocaleString('en')} images; at most ${MAX_IDX_IMAGES.toLocaleString('en')} are accepted`)
  const limit = (declared ?? head.length) + 1
  try {
    return { bytes: gunzipSync(buf, { maxOutputLength: limit }), gzipped: true }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new DatasetError(file, `decompresses to more than the ${(limit - 1).toLocaleString('en')} bytes its header declares (trailing data, or a gzip bomb); refused without decompressing the rest`)
    }
    throw new DatasetError(file, `not gzip-decodable (${(err as Error).message})`)
  }
}

/** Checks the magic number and total length; returns the dimensions and the data bytes. */
async function readIdx(file: string, magic: number): Promise<{ dims: number[]; data: Uint8Array }> {
  const { bytes, gzipped } = await readMaybeGzipped(file)
  const unzipped = gzipped ? ' after gunzip' : ''
  const truncated = (expected: number): DatasetError =>
    new DatasetError(file, `truncated file (expected ${expected} bytes${unzipped}, got ${bytes.length})`)
  if (bytes.length < 4) throw truncated(4)
  const got = bytes.readUInt32BE(0)
  if (got !== magic) {
    const kind = (m: number): string => (m === IDX_IMAGES_MAGIC ? 'IDX images' : 'IDX labels')
    const hint = got === IDX_IMAGES_MAGIC || got === IDX_LABELS_MAGIC ? `: this is an ${kind(got)} file, not ${kind(magic)}` : ''
    throw new DatasetError(file, `wrong magic number (got ${hex(got)}, expected ${hex(magic)})${hint}`)
  }
  const ndims = magic & 0xff
  const headerBytes = 4 + 4 * ndims
  if (bytes.length < headerBytes) throw truncated(headerBytes)
  const dims = Array.from({ length: ndims }, (_, d) => bytes.readUInt32BE(4 + 4 * d))
  const expected = headerBytes + dims.reduce((a, b) => a * b, 1)
  if (bytes.length < expected) throw truncated(expected)
  if (bytes.length > expected) {
    throw new DatasetError(file, `unexpected trailing data (expected ${expected} bytes${unzipped}, got ${bytes.length})`)
  }
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, expected - headerBytes) }
}

/** An IDX uint8 images file (raw or gzip) of 28×28 images. */
async function readIdxImages(file: string): Promise<{ images: Uint8Array; count: number }> {
  const { dims, data } = await readIdx(file, IDX_IMAGES_MAGIC)
  const [count, rows, cols] = dims
  if (rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) {
    throw new DatasetError(file, `wrong image size ${rows}×${cols} (must be ${IMAGE_SIDE}×${IMAGE_SIDE})`)
  }
  return { images: data, count }
}

/** An IDX uint8 labels file (raw or gzip) of labels 0..9. */
async function readIdxLabels(file: string): Promise<Uint8Array> {
  const { data } = await readIdx(file, IDX_LABELS_MAGIC)
  const bad = data.findIndex((l) => l >= NUM_CLASSES)
  if (bad !== -1) throw new DatasetError(file, `label out of range 0..${NUM_CLASSES - 1} (got ${data[bad]} at index ${bad})`)
  return data
}

/** An images file and its labels file, checked against each other. */
export async function readIdxPair(imagesFile: string, labelsFile: string): Promise<ImageSet> {
  const { images, count } = await readIdxImages(imagesFile)
  const labels = await readIdxLabels(labelsFile)
  if (labels.length !== count) {
    throw new DatasetError(
      labelsFile,
      `label/image count mismatch (${labels.length} labels, but ${imagesFile} holds ${count} images)`
    )
  }
  return { images, labels, count }
}
