/**
 * Measures two of issue 14's options for the end-to-end sweep, each as CPU
 * time of this (single) thread, best of N, so a shared machine distorts it
 * least:
 *
 *  1. evaluation block size: one paper-network evaluation of the 10,000 test
 *     images through the native engine in blocks of 1,024 … 10,000 images
 *     (the engine uses 8,192 today);
 *  2. history rows per store transaction: one paper run's 1,570 α rows (and
 *     a checkpoint with each write, as the runner stores them) appended in
 *     chunks of 64 (today: one chunk per trainSteps call), 256, 1,024 and 1,570.
 *
 *   npx tsx bench/options.ts [repeats=5]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PAPER_NETWORK } from '../src/shared/network'
import { presetSpec } from '../src/main/sweep/spec'
import { createNativeEngine, nativeAvailable, nativeCounters } from '../src/main/engine/native-engine'
import { initWeights } from '../src/main/engine/init'
import { openStore } from '../src/main/store'
import { queueSweep } from '../src/main/sweep/queue'
import { defaultDatasetCacheDir } from '../src/main/paths'
import type { HistoryChunk } from '../src/shared/results'

const repeats = Number(process.argv[2] ?? 5)
const cpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

function evalBlocks(): void {
  const avail = nativeAvailable()
  if (!avail.ok) return console.log(`evaluation blocks: skipped (${avail.reason})`)
  const n = 10_000
  const images = Uint8Array.from({ length: n * 784 }, (_, i) => (i * 2654435761) >>> 24)
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10)
  const engine = createNativeEngine({ network: PAPER_NETWORK, penalty: 'l1', lambda: 0.01, lr: 0.01, momentum: 0 }, avail.isa)
  engine.setParams({ ...initWeights(PAPER_NETWORK, 1), alpha: Float32Array.from([0.3, 0.5, 0.7]) })
  console.log(`evaluation of ${n.toLocaleString('en')} images (${avail.isa}), thread CPU ms, best of ${repeats}:`)
  for (const block of [1024, 2048, 4096, 8192, n]) {
    let best = Infinity
    for (let r = 0; r < repeats; r++) {
      nativeCounters(true)
      for (let s = 0; s < n; s += block) {
        const m = Math.min(block, n - s)
        engine.evaluate({ images: images.subarray(s * 784, (s + m) * 784), labels: labels.subarray(s, s + m), count: m })
      }
      best = Math.min(best, nativeCounters()!.evaluate.cpuSeconds)
    }
    console.log(`  blocks of ${String(block).padStart(6)}: ${(best * 1000).toFixed(2)} ms`)
  }
  engine.dispose()
}

async function historyChunks(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'awb-options-'))
  const store = openStore(join(dir, 'options.db'))
  try {
    const steps = 1570
    const params = { ...initWeights(PAPER_NETWORK, 1), alpha: Float32Array.from([0.3, 0.5, 0.7]) }
    const spec = { ...presetSpec('paper'), lambdas: [0.01], runsPerLambda: repeats * 4 }
    const { sweep } = await queueSweep(store, spec, { cacheDir: defaultDatasetCacheDir() })
    console.log(`history of one run (${steps} steps × 3 α, a checkpoint with each write), process CPU ms, best of ${repeats}:`)
    for (const size of [64, 256, 1024, steps]) {
      let best = Infinity
      for (let r = 0; r < repeats; r++) {
        const run = store.claimNextRun({ sweepId: sweep.id })!
        const t0 = cpu()
        for (let s = 0; s < steps; s += size) {
          const m = Math.min(size, steps - s)
          const chunk: HistoryChunk = {
            steps: Uint32Array.from({ length: m }, (_, k) => s + k + 1),
            epochs: new Uint16Array(m).fill(Math.floor(s / 157)),
            alphas: new Float32Array(m * 3).fill(0.5),
            losses: new Float32Array(m).fill(1)
          }
          store.appendHistory(run.id, chunk, { step: s + m, epoch: Math.floor((s + m) / 157), batch: (s + m) % 157, lossSum: 0, params })
        }
        best = Math.min(best, cpu() - t0)
      }
      console.log(`  ${String(size).padStart(5)} rows per write (${Math.ceil(steps / size)} writes): ${(best * 1000).toFixed(1)} ms`)
    }
  } finally {
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

evalBlocks()
await historyChunks()
