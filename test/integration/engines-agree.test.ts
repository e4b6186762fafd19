import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PRESETS, type SweepSpec } from '../../src/shared/sweep-spec'
import { collapseTable } from '../../src/main/analysis'
import { nativeAvailable } from '../../src/main/engine/native-engine'
import { openStore } from '../../src/main/store'
import { queueSweep } from '../../src/main/sweep/queue'
import { SweepRunner } from '../../src/main/sweep/runner'
import { tempHome } from '../helpers/cli'

const home = tempHome('awb-agree-')
afterAll(() => home.cleanup())
const cacheDir = join(home.home, 'datasets')

const spec: SweepSpec = { ...PRESETS.paper, datasets: ['mnist'], lambdas: [0, 0.2], runsPerLambda: 2, epochs: 2, subsample: 640, batchSize: 16, lr: 0.05 }

async function sweepWith(engine: 'native' | 'tfjs') {
  const store = openStore(join(home.home, `${engine}.db`))
  try {
    const { sweep } = await queueSweep(store, spec, { cacheDir })
    const runner = new SweepRunner({ store, cacheDir, workers: 2, engine, tfjsBackend: 'wasm', sweepId: sweep.id })
    runner.start()
    await runner.whenIdle()
    await runner.stop()
    const runs = store.listRuns({ sweepId: sweep.id, orderBy: 'id' }).runs
    return {
      runs,
      histories: store.getAlphaHistory(runs.map((r) => r.id)),
      table: collapseTable(store.listFinalAlphas({ sweepId: sweep.id }))
    }
  } finally {
    store.close()
  }
}

const native = nativeAvailable()
const requireNative = process.env.ALPHA_WB_REQUIRE_NATIVE === '1'

describe.skipIf(!native.ok && !requireNative)(`the native kernel and TF.js agree on a sweep with the same seeds${native.ok ? '' : ` (skipped: ${native.reason})`}`, () => {
  it('gives the same α histories to float rounding and the same collapse table', async () => {
    const [a, b] = [await sweepWith('native'), await sweepWith('tfjs')]
    expect(a.runs.every((r) => r.status === 'done' && r.engine?.engine === 'native')).toBe(true)
    expect(b.runs.every((r) => r.status === 'done' && r.engine?.engine === 'tfjs')).toBe(true)
    let worst = 0
    a.histories.forEach((h, i) => {
      const other = b.histories[i]
      expect(h.steps).toEqual(other.steps)
      h.alphas.forEach((series, j) => series.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - other.alphas[j][k])))))
    })
    // 80 SGD steps of float32 arithmetic summed in different orders drift apart by far less than this.
    expect(worst).toBeLessThan(1e-3)
    expect(a.table).toEqual(b.table)
    // λ = 0.2 with lr 0.05 must drive some α to 0 for the comparison to mean something.
    expect(a.table.find((r) => r.lambda === 0.2)!.collapsed).toBeGreaterThan(0)
  })
})
