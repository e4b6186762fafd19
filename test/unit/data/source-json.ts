import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { imageKey, PIXELS } from './helpers'

/** First label seen for each distinct image of a bundled package, read without the code under test. */
export interface SourceImages {
  labelByKey: Map<string, number>
  entries: number
  empty: number
}

function packageDir(name: string): string {
  return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`))
}

function add(out: SourceImages, bytes: Uint8Array, label: number): void {
  const key = imageKey(bytes, 0)
  if (!out.labelByKey.has(key)) out.labelByKey.set(key, label)
}

export function readFashionJson(): SourceImages {
  const out: SourceImages = { labelByKey: new Map(), entries: 0, empty: 0 }
  for (let c = 0; c < 10; c++) {
    const { data } = JSON.parse(readFileSync(join(packageDir('fashion-mnist'), 'src/clothes', `${c}.json`), 'utf8')) as {
      data: number[][]
    }
    for (const img of data) {
      out.entries++
      if (img.length === 0) out.empty++
      else add(out, Uint8Array.from(img), c)
    }
  }
  return out
}

export function readMnistJson(): SourceImages {
  const out: SourceImages = { labelByKey: new Map(), entries: 0, empty: 0 }
  for (let c = 0; c < 10; c++) {
    const { data } = JSON.parse(readFileSync(join(packageDir('mnist'), 'src/digits', `${c}.json`), 'utf8')) as {
      data: number[]
    }
    for (let i = 0; i < data.length; i += PIXELS) {
      out.entries++
      add(out, Uint8Array.from(data.slice(i, i + PIXELS), (v) => Math.round(v * 255)), c)
    }
  }
  return out
}
