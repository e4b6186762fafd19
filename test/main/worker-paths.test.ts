import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_ALPHA_GRID, PAPER_TRAIN_DEFAULTS, type TrainConfig } from '../../src/shared/config'
import type { FromWorker, TrainWorkerData } from '../../src/main/engine/worker-protocol'
import { nativeAddonPath } from '../../src/main/engine/native-engine'
import { startWorker } from '../../src/main/engine/worker-entry'
import { ensureBuilt } from './built'

// The BUILT training worker started from a packaged app's layout: the app's
// files under resources/app.asar, native code in resources/app.asar.unpacked
// (what electron-builder's asarUnpack makes). Under Node the archive is a plain
// folder of that name; Electron reads the real archive through its asar support,
// which covers worker threads (electron/electron#33216).

const root = resolve(__dirname, '../..')
const tmp = mkdtempSync(join(tmpdir(), 'awb-asar-'))
const asar = join(tmp, 'resources', 'app.asar')
const unpacked = join(tmp, 'resources', 'app.asar.unpacked')
let worker: Worker | null = null

beforeAll(async () => {
  await ensureBuilt()
  cpSync(join(root, 'out', 'main'), join(asar, 'out', 'main'), { recursive: true })
  cpSync(join(root, 'package.json'), join(asar, 'package.json'))
  cpSync(join(root, 'resources'), join(asar, 'resources'), { recursive: true })
  symlinkSync(join(root, 'node_modules'), join(asar, 'node_modules'), 'dir')
  // The kernel this install uses, a local compile (native/build/Release) or a prebuild
  // (native/prebuilds/<platform>-<arch>), at the same place in the package: the archive
  // lists it (here a placeholder), its bytes are in app.asar.unpacked.
  const built = nativeAddonPath()
  if (!built) throw new Error('the native kernel is not built: npm install builds it (or uses a prebuild)')
  const addon = relative(root, built)
  mkdirSync(dirname(join(asar, addon)), { recursive: true })
  writeFileSync(join(asar, addon), '')
  mkdirSync(dirname(join(unpacked, addon)), { recursive: true })
  cpSync(built, join(unpacked, addon))
}, 300_000)

afterAll(async () => {
  await worker?.terminate()
  rmSync(tmp, { recursive: true, force: true })
})

describe('worker threads in the packaged layout', () => {
  it('start from the built worker beside the built main, and load the native addon from app.asar.unpacked', async () => {
    const mainUrl = pathToFileURL(join(asar, 'out', 'main', 'index.js')).href
    const data: TrainWorkerData = { cacheDir: join(tmp, 'datasets'), engine: 'native', cancelFlag: new SharedArrayBuffer(4) }
    Atomics.store(new Int32Array(data.cancelFlag), 0, -1)
    delete process.env.ALPHA_WB_NATIVE_ADDON
    worker = startWorker(mainUrl, 'train-worker', { workerData: data })
    const config: TrainConfig = { ...PAPER_TRAIN_DEFAULTS, dataset: 'mnist', subsample: 64, epochs: 1, batchSize: 64, lambda: 0.01, alphaInit: { kind: 'grid', grid: [...DEFAULT_ALPHA_GRID] }, seeds: { weights: 1, alpha: 1, order: 1, subsample: 1 } }
    const messages: FromWorker[] = []
    const done = new Promise<void>((res, rej) => {
      worker!.on('message', (m: FromWorker) => {
        messages.push(m)
        if (m.type === 'done') res()
        if (m.type === 'error') rej(new Error(m.message))
      })
      worker!.on('error', rej)
    })
    worker.postMessage({ type: 'train', runId: 1, config })
    await done
    const started = messages.find((m) => m.type === 'started')
    expect(started).toMatchObject({ engine: 'native' })
    // It trained to the end with the built code: the copied out/main has no TypeScript
    // sources and no tsx boot file, so only the built train-worker.js could have run.
    expect(messages.at(-1)).toMatchObject({ type: 'done' })
  })
})
