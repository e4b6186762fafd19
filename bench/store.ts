/**
 * Store benchmark: fills a temp database with a 1,000-run sweep of 1,570
 * steps × 3 α (1.57M α records, written as the sweep runner would: one chunk
 * per 157 steps, epoch metrics, finishRun), then times the UI's reads.
 * Run: npx tsx bench/store.ts [runs] [steps]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { collapseTable } from '../src/main/analysis'
import { openStore } from '../src/main/store'
import { PAPER_TRAIN_DEFAULTS } from '../src/shared/config'
import { Rng } from '../src/shared/random'
import type { NewRun } from '../src/shared/results'

const RUNS = Number(process.argv[2] ?? 1000)
const STEPS = Number(process.argv[3] ?? 1570)
const ALPHAS = 3
const EPOCHS = 10
const CHUNK = STEPS / EPOCHS
const REPEATS = 9
const LAMBDAS = Array.from({ length: 11 }, (_, i) => i * 0.005)

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

function time(label: string, fn: () => unknown): void {
  const ms: number[] = []
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now()
    fn()
    ms.push(performance.now() - t0)
  }
  console.log(`${label.padEnd(52)} median ${median(ms).toFixed(2).padStart(7)} ms   first ${ms[0].toFixed(2).padStart(7)} ms`)
}

const dir = mkdtempSync(join(tmpdir(), 'awb-bench-'))
const path = join(dir, 'bench.db')
try {
  const store = openStore(path)
  const rng = new Rng(1)
  const dataset = store.createDataset({ name: 'fashion-mnist-10k-s0', source: 'bundled', contentHash: 'bench' })
  const runs: NewRun[] = Array.from({ length: RUNS }, (_, i) => {
    const lambda = LAMBDAS[i % LAMBDAS.length]
    const alphaInit = Array.from({ length: ALPHAS }, () => rng.int(20) / 20)
    const seeds = { weights: i, alpha: i, order: i, subsample: 0 }
    return {
      datasetId: dataset.id,
      lambda,
      runIndex: Math.floor(i / LAMBDAS.length),
      seeds,
      config: { ...PAPER_TRAIN_DEFAULTS, lambda, seeds, alphaInit: { kind: 'explicit', values: alphaInit } },
      stepsPlanned: STEPS,
      alphaCount: ALPHAS,
      alphaInit
    }
  })

  const fillStart = performance.now()
  const { sweep } = store.createSweep({ name: 'bench', spec: { runs: RUNS } }, runs)
  for (let run = store.claimNextRun(); run; run = store.claimNextRun()) {
    const alpha = [...(run.alphaInit ?? [])]
    for (let e = 0; e < EPOCHS; e++) {
      const steps: number[] = []
      const alphas: number[] = []
      const losses: number[] = []
      for (let k = 0; k < CHUNK; k++) {
        steps.push(e * CHUNK + k + 1)
        for (let i = 0; i < ALPHAS; i++) {
          alpha[i] = Math.min(1, Math.max(0, alpha[i] + (rng.next() - 0.52) * 0.01))
          alphas.push(alpha[i])
        }
        losses.push(2.3 * Math.exp(-steps.length / 500))
      }
      store.appendHistory(run.id, { steps, alphas, losses, epochs: steps.map(() => e) })
      store.addEpochMetrics(run.id, [{ epoch: e, trainLoss: 0.5, testLoss: 0.55, testAccuracy: 0.8 }])
    }
    store.finishRun(run.id, { finalAlpha: alpha, testAccuracy: 0.8 })
  }
  const fillMs = performance.now() - fillStart
  store.close()
  const mb = statSync(path).size / 2 ** 20
  console.log(`filled ${RUNS} runs × ${STEPS} steps × ${ALPHAS} α (${(RUNS * STEPS) / 1e6}M records) in ${(fillMs / 1000).toFixed(1)} s; file ${mb.toFixed(1)} MB`)

  // A fresh connection, as the UI process would have.
  const reader = openStore(path, { readonly: true })
  const ids = reader.listRuns({ sweepId: sweep.id, limit: 100, offset: 400 }).runs.map((r) => r.id)
  time('collapse table (listFinalAlphas + collapseTable)', () => collapseTable(reader.listFinalAlphas({ sweepId: sweep.id })))
  time('α history of 100 runs, full (157k records)', () => reader.getAlphaHistory(ids))
  time('α history of 100 runs, maxPoints 500', () => reader.getAlphaHistory(ids, { maxPoints: 500 }))
  time('α history of 1 run, full', () => reader.getAlphaHistory([ids[0]]))
  time('listRuns page (100, by λ, offset 500, + total)', () =>
    reader.listRuns({ sweepId: sweep.id, orderBy: 'lambda', limit: 100, offset: 500 })
  )
  time('listSweeps (with progress counts)', () => reader.listSweeps())
  time('getRun (with config validation)', () => reader.getRun(ids[0]))
  reader.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
