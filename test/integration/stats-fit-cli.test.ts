/**
 * stats --fit / --pool / --runs and survival through the real CLI, on three
 * synthetic files in the study's CSV format (test/helpers/study-csv.ts).
 * The numbers themselves are checked against statsmodels in
 * test/unit/analysis; here: the JSON contract, pooling, and the wiring.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, tempHome } from '../helpers/cli'
import { studyCsv } from '../helpers/study-csv'

const home = tempHome('awb-fit-')

function json<T>(args: string[]): T {
  const r = runCli([...args, '--db', home.db, '--json'], home.home)
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as T
}

beforeAll(() => {
  const files = [1, 2, 3].map((i) => {
    const f = join(home.home, `study-${i}.csv`)
    writeFileSync(f, studyCsv(10 + i, i === 3 ? 0.015 : 0.025))
    return f
  })
  const r = runCli(['import', ...files, '--db', home.db], home.home)
  expect(r.status, r.stderr).toBe(0)
})
afterAll(() => home.cleanup())

describe('stats --fit', () => {
  it('prints exactly the contract fields per dataset, per α_i and pooled, with the tests', () => {
    type Fit = Record<string, unknown> & { tests: Record<string, unknown>[] }
    const fits = json<Fit[]>(['stats', '--fit', '--dataset', 'study-1', 'study-2', 'study-3', '--pool'])
    expect(fits.map((f) => [f.dataset, f.alpha_index])).toEqual([
      ...['study-1', 'study-2', 'study-3'].flatMap((d) => [null, 0, 1, 2].map((i) => [d, i])),
      ...[null, 0, 1, 2].map((i) => [null, i])
    ])
    for (const f of fits) {
      for (const key of ['dataset', 'alpha_index', 'n', 'b0', 'b1', 'se_b0', 'se_b1', 'lambda50', 'lambda50_ci_low', 'lambda50_ci_high', 'tests']) expect(f, key).toHaveProperty(key)
      expect(f.identifiable).toBe(true)
      const l50 = f.lambda50 as number
      expect(f.lambda50_ci_low as number).toBeLessThan(l50)
      expect(f.lambda50_ci_high as number).toBeGreaterThan(l50)
    }
    const pooled = fits.find((f) => f.dataset === null && f.alpha_index === null) as Fit
    expect(pooled.pooled).toEqual(['study-1', 'study-2', 'study-3'])
    expect(pooled.n).toBe(3 * 11 * 6 * 3)
    const [datasets, alpha] = pooled.tests
    expect(datasets).toMatchObject({ kind: 'datasets', datasets: ['study-1', 'study-2', 'study-3'], df: 4 })
    for (const key of ['datasets', 'stat', 'df', 'p']) expect(datasets).toHaveProperty(key)
    // study-3 was drawn with λ50 = 0.015, the others 0.025: the test must see it.
    expect(datasets.p as number).toBeLessThan(0.001)
    expect(alpha).toMatchObject({ kind: 'alpha', alpha_indices: [0, 1, 2], df: 4 })
    const s3 = fits.find((f) => f.dataset === 'study-3' && f.alpha_index === null) as Fit
    const s1 = fits.find((f) => f.dataset === 'study-1' && f.alpha_index === null) as Fit
    expect(s3.lambda50 as number).toBeLessThan(s1.lambda50 as number)
  })

  it('two files drawn from one curve are consistent with it; the text output says so in words', () => {
    const fits = json<{ dataset: string | null; tests: { kind: string; p: number }[] }[]>(['stats', '--fit', '--dataset', 'study-1', 'study-2', '--pool'])
    const test = fits.find((f) => f.dataset === null)?.tests.find((t) => t.kind === 'datasets')
    expect(test?.p).toBeGreaterThan(0.05)
    const text = runCli(['stats', '--fit', '--dataset', 'study-1', 'study-2', '--pool', '--db', home.db], home.home)
    expect(text.stdout).toMatch(/The datasets study-1, study-2 are consistent with one curve \(likelihood ratio χ² = [\d.]+, df = 2, p = [\d.]+\)/)
  })

  it('a threshold every α is under makes every fit "not identifiable" with null estimates', () => {
    const fits = json<Record<string, unknown>[]>(['stats', '--fit', '--dataset', 'study-1', '--threshold', '1'])
    expect(fits[0]).toMatchObject({ identifiable: false, b1: null, lambda50: null, lambda50_ci_low: null })
    expect(fits[0].problem).toMatch(/not identifiable/)
  })
})

describe('stats --pool and --runs', () => {
  it('keeps the stats --json shape and adds pooled rows after the per-repeat ones', () => {
    const rows = json<Record<string, unknown>[]>(['stats', '--pool'])
    const keys = ['dataset', 'lambda', 'runs', 'n', 'collapsed', 'pct', 'ci_low', 'ci_high', 'per_alpha', 'repeats']
    for (const r of rows) expect(Object.keys(r).sort()).toEqual([...keys].sort())
    const pooled = rows.filter((r) => r.dataset === 'pooled')
    expect(pooled).toHaveLength(11)
    const at = (d: string) => rows.filter((r) => r.dataset === d && r.lambda === 0.05)[0]
    expect(at('pooled').collapsed).toBe(['study-1', 'study-2', 'study-3'].reduce((s, d) => s + (at(d).collapsed as number), 0))
    expect(at('pooled').runs).toBe(18)
  })

  it('counts runs with any and all α collapsed', () => {
    const rows = json<{ dataset: string; lambda: number; runs: number; any_collapsed: number; all_collapsed: number }[]>(['stats', '--runs', '--dataset', 'study-1'])
    expect(rows).toHaveLength(11)
    for (const r of rows) {
      expect(r.runs).toBe(6)
      expect(r.all_collapsed).toBeLessThanOrEqual(r.any_collapsed)
    }
    expect(rows[10].any_collapsed).toBeGreaterThan(rows[0].any_collapsed)
  })
})

describe('survival', () => {
  it('gives Kaplan–Meier curves per dataset and λ, medians and both log-rank tests, and says the imported step axis is reconstructed', () => {
    type Result = { reconstructed_steps: boolean; curves: { dataset: string; lambda: number | null; n: number; times: number[]; surv: number[]; median: number | null }[]; tests: { kind: string; stratified: boolean; df: number; p: number }[] }
    const r = json<Result>(['survival', '--dataset', 'study-1', 'study-3'])
    expect(r.reconstructed_steps).toBe(true)
    expect(r.curves).toHaveLength(2 * 12)
    const c = r.curves.find((x) => x.dataset === 'study-3' && x.lambda === 0.05)
    expect(c?.n).toBe(18)
    // Study cadence: every recorded step is e·938 + 100·j + 1.
    for (const t of c?.times ?? []) expect([...Array(10).keys()].map((j) => 100 * j + 1)).toContain(t % 938)
    expect(r.tests.map((t) => [t.kind, t.stratified, t.df])).toEqual([
      ['datasets', true, 1],
      ['lambda', true, 10]
    ])
    const text = runCli(['survival', '--sweep', '1', '--db', home.db], home.home)
    expect(text.status, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/step axis is reconstructed/)
  })

  it('names a dataset that does not exist', () => {
    const r = runCli(['survival', '--dataset', 'nope', '--db', home.db], home.home)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/no dataset 'nope'/)
  })
})
