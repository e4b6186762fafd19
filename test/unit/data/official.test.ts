/**
 * The official Fashion-MNIST split from Debian's dataset-fashion-mnist
 * (/usr/share/datasets/fashion-mnist/, installed by .ci/run): detected,
 * imported on first use as fashion-mnist-official with the official counts,
 * and used by the original-code preset.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cacheState, loadDataset, OFFICIAL_DIR_ENV, OFFICIAL_NAME, officialFiles } from '../../../src/main/data'
import { presetDatasetNote, presetSpec } from '../../../src/main/sweep/spec'

const cacheDir = mkdtempSync(join(tmpdir(), 'awb-official-'))
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }))

const installed = officialFiles() !== null
if (!installed) console.warn('official Fashion-MNIST files not installed (apt-get install dataset-fashion-mnist): the real import test is skipped')

function classCounts(labels: ArrayLike<number>): number[] {
  const c = new Array<number>(10).fill(0)
  for (let i = 0; i < labels.length; i++) c[labels[i]]++
  return c
}

describe.skipIf(!installed)('fashion-mnist-official (the real files)', () => {
  it('imports 60,000 + 10,000 images, 6,000 and 1,000 per class, and is listed and cached', async () => {
    const d = await loadDataset(OFFICIAL_NAME, { cacheDir })
    expect([d.train.count, d.test.count]).toEqual([60_000, 10_000])
    expect(classCounts(d.train.labels)).toEqual(Array(10).fill(6000))
    expect(classCounts(d.test.labels)).toEqual(Array(10).fill(1000))
    expect(d.info).toMatchObject({ split: 'given', duplicatesRemoved: 0 })
    expect(cacheState(cacheDir).find((s) => s.name === OFFICIAL_NAME)).toMatchObject({ cached: true, hash: d.hash })
    const again = await loadDataset(OFFICIAL_NAME, { cacheDir })
    expect(again.hash).toBe(d.hash)
  })

  it('is what the original-code preset trains on, and the CLI says so', () => {
    expect(presetSpec('original-code').datasets).toEqual([OFFICIAL_NAME])
    expect(presetSpec('paper').datasets).toEqual(['fashion-mnist'])
    expect(presetDatasetNote('original-code')).toMatch(/training on fashion-mnist-official, the official 60,000\/10,000 split/)
  })
})

describe('where the files are not installed', () => {
  it('falls back to the bundled fashion-mnist, says so, and names the folder and the setting', async () => {
    const before = process.env[OFFICIAL_DIR_ENV]
    process.env[OFFICIAL_DIR_ENV] = join(cacheDir, 'nowhere')
    try {
      expect(officialFiles()).toBeNull()
      expect(presetSpec('original-code').datasets).toEqual(['fashion-mnist'])
      expect(presetDatasetNote('original-code')).toMatch(/not in .*nowhere; training on the bundled fashion-mnist/)
      await expect(loadDataset(OFFICIAL_NAME, { cacheDir: join(cacheDir, 'empty') })).rejects.toThrow(/four official IDX files in .*nowhere .*ALPHA_WB_FASHION_MNIST_DIR/)
    } finally {
      if (before === undefined) delete process.env[OFFICIAL_DIR_ENV]
      else process.env[OFFICIAL_DIR_ENV] = before
    }
  })
})
