/**
 * The official Fashion-MNIST split (60,000 training / 10,000 test images), as
 * the study's code used it through torchvision. Debian's dataset-fashion-mnist
 * package installs the four IDX files in /usr/share/datasets/fashion-mnist/;
 * ALPHA_WB_FASHION_MNIST_DIR points elsewhere. Where the files are present
 * the dataset `fashion-mnist-official` is offered and imported on first use.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { OFFICIAL_DATASET } from '../../shared/sweep-spec'

export const OFFICIAL_NAME = OFFICIAL_DATASET
export const OFFICIAL_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist'
export const OFFICIAL_DIR_ENV = 'ALPHA_WB_FASHION_MNIST_DIR'

export interface OfficialFiles {
  dir: string
  trainImages: string
  trainLabels: string
  testImages: string
  testLabels: string
}

/** The folder searched: $ALPHA_WB_FASHION_MNIST_DIR, else Debian's. */
export function officialDir(): string {
  return process.env[OFFICIAL_DIR_ENV] || OFFICIAL_DEFAULT_DIR
}

function find(dir: string, base: string): string | null {
  for (const name of [`${base}.gz`, base]) {
    const p = join(dir, name)
    if (existsSync(p)) return p
  }
  return null
}

/** The four official files in `dir` (raw or .gz), or null when any is missing. */
export function officialFiles(dir = officialDir()): OfficialFiles | null {
  const trainImages = find(dir, 'train-images-idx3-ubyte')
  const trainLabels = find(dir, 'train-labels-idx1-ubyte')
  const testImages = find(dir, 't10k-images-idx3-ubyte')
  const testLabels = find(dir, 't10k-labels-idx1-ubyte')
  if (!trainImages || !trainLabels || !testImages || !testLabels) return null
  return { dir, trainImages, trainLabels, testImages, testLabels }
}
