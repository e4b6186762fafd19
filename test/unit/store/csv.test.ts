import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { collapseTable } from '../../../src/main/analysis'
import {
  CsvFormatError,
  exportSweepCsv,
  exportSweepJson,
  importOriginalCsv,
  reconstructedStep,
  importOriginalCsvFile,
  StoreError,
  type Store
} from '../../../src/main/store'
import { formatFloat32 } from '../../../src/main/store/csv-export'
import { parseOriginalCsv } from '../../../src/main/store/csv-parse'
import { Rng } from '../../../src/shared/random'
import { dump, newRun, tempStore } from './helpers'

let store: Store
let path: string
let dir: string
let cleanup: () => void

beforeEach(() => {
  ;({ store, path, dir, cleanup } = tempStore())
})
afterEach(() => cleanup())

// Runs: (λ 0, it 0) 3 records with one empty-α row skipped; (λ 0, it 1); (λ 0.005, it 0);
// then (λ 0, it 0) again after another pair: a new run.
const ORIGINAL = `lambda,alpha0,alpha1,alpha2,iteration
0.0,0.5,0.5,0.5,0
0.0,0.45,0.4,0.3,0
0.0,,,,0
0.0,0.4,0.03,0.2,0
0.0,0.9,0.9,0.9,1
0.0,0.85,0.8,0.01,1
0.005,0.1,0.1,0.1,0
0.005,0.0,0.0,0.05,0
0.0,0.6,0.6,0.6,0
0.0,0.55,0.5,0.5,0
`

describe('parseOriginalCsv', () => {
  it('refuses non-finite and out-of-range λ, α and iteration, naming the line (issue 13)', () => {
    const head = 'lambda,alpha0,alpha1,alpha2,iteration\n0,0.5,0.5,0.5,0\n'
    expect(() => parseOriginalCsv(`${head}1e999,0.5,0.5,0.5,0\n`, 'f.csv')).toThrow(/^f\.csv:3: lambda 1e999 is not a finite number/)
    expect(() => parseOriginalCsv(`${head}11,0.5,0.5,0.5,0\n`, 'f.csv')).toThrow(/^f\.csv:3: lambda 11 is over 10/)
    expect(() => parseOriginalCsv(`${head}0,1e999,0.5,0.5,0\n`, 'f.csv')).toThrow(/^f\.csv:3: alpha0 1e999 is not a finite number/)
    expect(() => parseOriginalCsv(`${head}0,0.5,0.5,0.5,1e999\n`, 'f.csv')).toThrow(/^f\.csv:3: iteration 1e999 is not a finite number/)
    expect(() => parseOriginalCsv(`${head}0,0.5,0.5,0.5,1e12\n`, 'f.csv')).toThrow(/^f\.csv:3: iteration 1e12 is over 1,000,000/)
    // Echoed input is cut and escaped: no terminal escapes, no megabyte lines.
    const evil = parseError(`${head}\u001b[2J${'9'.repeat(100_000)},0.5,0.5,0.5,0\n`)
    expect(evil).not.toContain('\u001b')
    expect(evil.length).toBeLessThan(300)
  })

  it('groups consecutive rows with the same (lambda, iteration) into runs and skips empty-α rows', () => {
    const parsed = parseOriginalCsv(ORIGINAL, 'orig.csv')
    expect(parsed.alphaCount).toBe(3)
    expect(parsed.skipped).toBe(1)
    expect(parsed.runs.map((r) => [r.lambda, r.iteration, r.line, r.records.length])).toEqual([
      [0, 0, 2, 3],
      [0, 1, 6, 2],
      [0.005, 0, 8, 2],
      [0, 0, 10, 2]
    ])
    expect(parsed.runs[0].records.map((r) => r.alphas)).toEqual([
      [0.5, 0.5, 0.5],
      [0.45, 0.4, 0.3],
      [0.4, 0.03, 0.2]
    ])
  })

  it('generalises to any number of α columns and accepts CRLF, a BOM, blank lines and tiny α overshoot', () => {
    const text = '\uFEFFlambda,alpha0,iteration\r\n0.01,1.0000001,0\r\n\r\n0.01,-1e-9,0\r\n'
    const parsed = parseOriginalCsv(text, 'one.csv')
    expect(parsed.alphaCount).toBe(1)
    expect(parsed.runs[0].records.map((r) => r.alphas)).toEqual([[1], [0]])
  })
})

describe('importOriginalCsv', () => {
  it('imports one file as one dataset of done, imported runs that feed the statistics', () => {
    const result = importOriginalCsv(store, ORIGINAL, { fileName: '/data/orig-1.csv' })
    expect(result).toMatchObject({ records: 9, skipped: 1 })
    expect(store.getDatasetByName('orig-1')?.source).toBe('imported-csv')
    expect(store.getSweep(result.sweepId)).toMatchObject({ status: 'done', progress: { total: 4, done: 4 } })

    const runs = result.runIds.map((id) => store.getRun(id))
    expect(runs.map((r) => [r?.lambda, r?.runIndex, r?.imported, r?.config, r?.status])).toEqual([
      [0, 0, true, null, 'done'],
      [0, 1, true, null, 'done'],
      [0.005, 0, true, null, 'done'],
      [0, 0, true, null, 'done']
    ])
    expect(runs[0]).toMatchObject({ alphaInit: [0.5, 0.5, 0.5], finalAlpha: [0.4, 0.03, 0.2], stepsDone: 201 })

    const [history] = store.getAlphaHistory([result.runIds[0]])
    // The study's cadence: after the update of batch 0, 100, 200 of epoch 0.
    expect(history.steps).toEqual([1, 101, 201])
    expect(history.epochs).toEqual([0, 0, 0])
    expect(history.alphas[1]).toEqual([0.5, Math.fround(0.4), Math.fround(0.03)])

    const table = collapseTable(store.listFinalAlphas({ datasets: ['orig-1'] }))
    expect(table.map((r) => [r.lambda, r.runs, r.n, r.collapsed])).toEqual([
      [0, 3, 9, 2],
      [0.005, 1, 3, 3]
    ])
  })

  it('takes the dataset name and record cadence from the caller', () => {
    const result = importOriginalCsv(store, ORIGINAL, { fileName: 'x.csv', datasetName: 'repeat 3', recordEvery: 1, batchesPerEpoch: 0 })
    expect(store.getRun(result.runIds[0])?.dataset).toBe('repeat 3')
    const [h] = store.getAlphaHistory([result.runIds[0]])
    expect(h.steps).toEqual([0, 1, 2])
    expect(h.epochs).toEqual([null, null, null])
    expect(store.getSweep(result.sweepId)?.spec).toMatchObject({ batchesPerEpoch: 0, steps: 'record k at step k × 1 (cadence unknown)' })
  })

  it('places records at their true steps across epochs when the cadence is known (938 batches, every 100)', () => {
    const ks = [0, 9, 10, 11, 19, 20, 99]
    expect(ks.map((k) => reconstructedStep(k, { recordEvery: 100, batchesPerEpoch: 938 }))).toEqual([
      { step: 1, epoch: 0 },
      { step: 901, epoch: 0 },
      { step: 939, epoch: 1 },
      { step: 1039, epoch: 1 },
      { step: 1839, epoch: 1 },
      { step: 1877, epoch: 2 },
      { step: 9 * 938 + 901, epoch: 9 }
    ])
    // 100 records over 10 epochs end at 9,343 steps, not the 9,900 of k × 100 (6% stretched).
    expect(reconstructedStep(99, { recordEvery: 100, batchesPerEpoch: 0 }).step).toBe(9900)
    const result = importOriginalCsv(store, ORIGINAL, { fileName: 'x.csv', datasetName: 'r' })
    expect(store.getSweep(result.sweepId)?.spec).toMatchObject({ batchesPerEpoch: 938, steps: expect.stringMatching(/^reconstructed/) })
  })

  const header = 'lambda,alpha0,alpha1,alpha2,iteration'
  const good = '0.01,0.5,0.5,0.5,0'
  const MALFORMED: [string, string, number, RegExp][] = [
    ['an empty file', '', 1, /empty/],
    ['a blank file', '\n \n', 1, /empty/],
    ['a wrong header', `lambda,a0,a1,a2,iteration\n${good}\n`, 1, /expected the header/],
    ['a header without iteration', `lambda,alpha0,alpha1,alpha2\n0.01,0.5,0.5,0.5\n`, 1, /expected the header/],
    ['a header without α', `lambda,iteration\n0.01,0\n`, 1, /expected the header/],
    ['a header only', `${header}\n`, 1, /no rows with α/],
    ['only empty-α rows', `${header}\n0.01,,,,0\n`, 1, /no rows with α/],
    ['a short row', `${header}\n${good}\n0.01,0.5,0.5,0\n`, 3, /expected 5 fields, got 4/],
    ['a long row', `${header}\n${good}\n${good},7\n`, 3, /expected 5 fields, got 6/],
    ['a non-numeric α', `${header}\n${good}\n0.01,0.5,abc,0.5,0\n`, 3, /alpha1 'abc' is not a number/],
    ['a NaN α', `${header}\n${good}\n0.01,nan,0.5,0.5,0\n`, 3, /alpha0 'nan' is not a number/],
    ['an infinite α', `${header}\n${good}\n0.01,0.5,0.5,Infinity,0\n`, 3, /alpha2 'Infinity' is not a number/],
    ['a hex α', `${header}\n${good}\n0.01,0x1,0.5,0.5,0\n`, 3, /not a number/],
    ['a non-numeric λ', `${header}\nlam,0.5,0.5,0.5,0\n`, 2, /lambda 'lam' is not a number/],
    ['an empty λ', `${header}\n,0.5,0.5,0.5,0\n`, 2, /lambda '' is not a number/],
    ['a negative λ', `${header}\n${good}\n-0.005,0.5,0.5,0.5,0\n`, 3, /lambda -0.005 is negative/],
    ['an α above 1', `${header}\n${good}\n0.01,0.5,1.001,0.5,0\n`, 3, /alpha1 1.001 is outside \[0, 1\]/],
    ['an α below 0', `${header}\n${good}\n0.01,-0.01,0.5,0.5,0\n`, 3, /alpha0 -0.01 is outside/],
    ['a partly empty α row', `${header}\n${good}\n0.01,0.5,,0.5,0\n`, 3, /alpha1 is empty while other α fields are not/],
    ['a fractional iteration', `${header}\n${good}\n0.01,0.5,0.5,0.5,1.5\n`, 3, /iteration 1.5 is not an integer/],
    ['a missing iteration', `${header}\n${good}\n0.01,0.5,0.5,0.5,\n`, 3, /iteration '' is not a number/],
    ['a bad row deep in a long file', `${header}\n${`${good}\n`.repeat(500)}0.01,0.5,0.5,2,0\n`, 502, /alpha2 2 is outside/]
  ]

  it.each(MALFORMED)('rejects %s with file and line, leaving the database unchanged', (_what, text, line, problem) => {
    importOriginalCsv(store, ORIGINAL, { fileName: 'first.csv' })
    const before = dump(path)
    let error: unknown
    try {
      importOriginalCsv(store, text, { fileName: 'bad.csv' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(CsvFormatError)
    const e = error as CsvFormatError
    expect([e.file, e.line]).toEqual(['bad.csv', line])
    expect(e.message).toMatch(problem)
    expect(e.message.startsWith(`bad.csv:${line}: `)).toBe(true)
    expect(dump(path)).toBe(before)
  })

  it('refuses a dataset name already taken, leaving the database unchanged', () => {
    importOriginalCsv(store, ORIGINAL, { fileName: 'orig.csv' })
    const before = dump(path)
    expect(() => importOriginalCsv(store, ORIGINAL, { fileName: 'orig.csv' })).toThrow(/dataset named 'orig' already exists/)
    expect(dump(path)).toBe(before)
  })

  it('reads files, naming a missing one', () => {
    const file = join(dir, 'repeat-2.csv')
    writeFileSync(file, ORIGINAL)
    expect(importOriginalCsvFile(store, file).runIds).toHaveLength(4)
    expect(store.getDatasetByName('repeat-2')).not.toBeNull()
    expect(() => importOriginalCsvFile(store, join(dir, 'nope.csv'))).toThrow(StoreError)
    expect(() => importOriginalCsvFile(store, join(dir, 'nope.csv'))).toThrow(/nope\.csv/)
  })
})

/** A finished native sweep over two datasets: 3 λ × 3 runs each, history every step, final α in float64. */
function nativeSweep(): number {
  const rng = new Rng(7)
  const a = store.createDataset({ name: 'fm-a', source: 'bundled', contentHash: 'ha' }).id
  const b = store.createDataset({ name: 'fm-b', source: 'bundled', contentHash: 'hb' }).id
  const runs = [a, b].flatMap((d) => [0, 0.005, 0.015000000000000001].flatMap((l) => [0, 1, 2].map((i) => newRun(d, l, i, 12))))
  const { sweep } = store.createSweep({ name: 'native', spec: {} }, runs)
  for (let run = store.claimNextRun(); run; run = store.claimNextRun()) {
    const steps = Array.from({ length: 12 }, (_, k) => k + 1)
    const alphas = steps.flatMap(() => [rng.next(), rng.next() * 0.1, rng.next()])
    store.appendHistory(run.id, { steps, alphas, losses: null, epochs: steps.map((s) => Math.floor(s / 6)) })
    // Final α near the threshold and not float32-representable: round-trips must keep them exactly.
    const finalAlpha = [0.05, 0.05 + 1e-8, rng.next() * 0.1]
    store.finishRun(run.id, { finalAlpha, testAccuracy: 0.8 })
  }
  return sweep.id
}

describe('export', () => {
  it('formats float32 values with the fewest digits that read back exactly', () => {
    for (const v of [0.3, 0.05, 1e-7, 0.123456789, 1, 0]) {
      const f = Math.fround(v)
      expect(Math.fround(Number(formatFloat32(f)))).toBe(f)
    }
    expect(formatFloat32(Math.fround(0.3))).toBe('0.3')
  })

  it('round-trips a native sweep through CSV: same collapse table, same final α, same history', () => {
    const sweepId = nativeSweep()
    const files = exportSweepCsv(store, sweepId)
    expect(files.map((f) => [f.dataset, f.runs])).toEqual([
      ['fm-a', 9],
      ['fm-b', 9]
    ])
    expect(files[0].csv.split('\n')[0]).toBe('lambda,alpha0,alpha1,alpha2,iteration')
    expect(files[0].csv.split('\n')).toHaveLength(1 + 9 * 12 + 1)
    for (const f of files) importOriginalCsv(store, f.csv, { fileName: `${f.dataset}.csv`, datasetName: `${f.dataset}-copy` })

    const original = collapseTable(store.listFinalAlphas({ datasets: ['fm-a', 'fm-b'] }))
    const copy = collapseTable(store.listFinalAlphas({ datasets: ['fm-a-copy', 'fm-b-copy'] }))
    expect(copy).toEqual(original.map((r) => ({ ...r, dataset: `${r.dataset}-copy` })))
    // 0.05 itself collapses, 0.05 + 1e-8 (above float32 resolution at 0.05, see isCollapsed) does not.
    expect(original[0].per_alpha.slice(0, 2).map((p) => p.collapsed)).toEqual([3, 0])

    const finals = (names: string[]): number[][] => store.listFinalAlphas({ datasets: names }).map((r) => r.finalAlpha)
    expect(finals(['fm-a-copy', 'fm-b-copy'])).toEqual(finals(['fm-a', 'fm-b']))

    const nativeIds = store.listRuns({ sweepId, orderBy: 'lambda', limit: 100 }).runs.filter((r) => r.dataset === 'fm-a').map((r) => r.id)
    const copyIds = store.listRuns({ datasetId: store.getDatasetByName('fm-a-copy')?.id, orderBy: 'lambda', limit: 100 }).runs.map((r) => r.id)
    const nativeHistory = store.getAlphaHistory(nativeIds)
    const copyHistory = store.getAlphaHistory(copyIds)
    // All records but the last, which the export writes as the exact final α.
    expect(copyHistory.map((s) => s.alphas.map((a) => a.slice(0, -1)))).toEqual(nativeHistory.map((s) => s.alphas.map((a) => a.slice(0, -1))))
  })

  it('is stable: exporting the re-imported sweep gives the same file', () => {
    const [first] = exportSweepCsv(store, nativeSweep())
    const imported = importOriginalCsv(store, first.csv, { fileName: 'a.csv' })
    const [second] = exportSweepCsv(store, imported.sweepId)
    expect(second.csv).toBe(first.csv)
  })

  it('writes only done runs, numbering iteration within each λ', () => {
    const d = store.createDataset({ name: 'd', source: 'bundled' }).id
    const { sweep } = store.createSweep({ name: 's', spec: {} }, [newRun(d, 0.01, 5, 1), newRun(d, 0.01, 9, 1), newRun(d, 0.01, 2, 1)])
    for (const finalAlpha of [
      [0.25, 0.5, 1],
      [0, 0, 0]
    ]) {
      const run = store.claimNextRun()
      store.finishRun(run?.id ?? -1, { finalAlpha, testAccuracy: null }, { steps: [1], epochs: null, losses: null, alphas: finalAlpha })
    }
    const [file] = exportSweepCsv(store, sweep.id)
    expect(file.csv).toBe('lambda,alpha0,alpha1,alpha2,iteration\n0.01,0.25,0.5,1,0\n0.01,0,0,0,1\n')
    expect(() => exportSweepCsv(store, 999)).toThrow(/no sweep with id 999/)
  })

  it('exports a sweep as JSON with configs, histories and metrics', () => {
    const sweepId = nativeSweep()
    const doc = exportSweepJson(store, sweepId)
    expect(doc).toMatchObject({ format: 'alpha-workbench/sweep', version: 1, sweep: { id: sweepId, status: 'done' } })
    expect(doc.datasets.map((d) => d.name)).toEqual(['fm-a', 'fm-b'])
    expect(doc.runs).toHaveLength(18)
    expect(doc.runs[0].config?.lambda).toBe(0)
    expect(doc.runs[0].seeds).toEqual({ weights: 1, alpha: 2, order: 3, subsample: 4 })
    expect(doc.runs[0].history.steps).toHaveLength(12)
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc)
  })
})

function parseError(text: string): string {
  try {
    parseOriginalCsv(text, 'f.csv')
  } catch (e) {
    return (e as Error).message
  }
  throw new Error('expected the parse to fail')
}
