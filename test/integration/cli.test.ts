import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, tempHome } from '../helpers/cli'

const home = tempHome('awb-cli-')
afterAll(() => home.cleanup())
const file = (name: string, text: string): string => {
  const p = join(home.home, name)
  writeFileSync(p, text)
  return p
}
const smallSpec = { preset: 'paper', name: 'small', datasets: ['mnist'], lambdas: [0, 0.05], runsPerLambda: 2, epochs: 1, subsample: 320 }

describe('CLI: a small sweep, its table, and export → import', () => {
  beforeAll(() => {
    const r = runCli(['sweep', '--spec', file('small.json', JSON.stringify(smallSpec)), '--db', home.db], home.home)
    expect(r.status, r.stderr).toBe(0)
  })

  it('lists the runs as done with their final α', () => {
    const r = runCli(['runs', '--db', home.db, '--json'], home.home)
    expect(r.status, r.stderr).toBe(0)
    const runs = JSON.parse(r.stdout) as { status: string; finalAlpha: number[]; stepsDone: number; stepsPlanned: number; dataset: string }[]
    expect(runs).toHaveLength(4)
    for (const run of runs) {
      expect(run.status).toBe('done')
      expect(run.finalAlpha).toHaveLength(3)
      expect(run.stepsDone).toBe(run.stepsPlanned)
      expect(run.dataset).toBe('mnist:320:s0')
    }
  })

  it('prints the collapse table as the JSON contract, and reproduces it after export → import', () => {
    const stats = runCli(['stats', '--db', home.db, '--json'], home.home)
    expect(stats.status, stats.stderr).toBe(0)
    const table = JSON.parse(stats.stdout) as Record<string, unknown>[]
    expect(table.map((r) => r.lambda)).toEqual([0, 0.05])
    for (const row of table) {
      for (const key of ['dataset', 'lambda', 'n', 'collapsed', 'pct', 'ci_low', 'ci_high', 'per_alpha']) expect(row).toHaveProperty(key)
      expect(row.n).toBe(6)
    }

    const csvPath = join(home.home, 'export.csv')
    const exported = runCli(['export', '--sweep', '1', '--format', 'csv', '--out', csvPath, '--db', home.db], home.home)
    expect(exported.status, exported.stderr).toBe(0)
    expect(readFileSync(csvPath, 'utf8').split('\n')[0]).toBe('lambda,alpha0,alpha1,alpha2,iteration')

    const imported = runCli(['import', csvPath, '--name', 'roundtrip', '--db', home.db], home.home)
    expect(imported.status, imported.stderr).toBe(0)
    const again = runCli(['stats', '--dataset', 'roundtrip', '--db', home.db, '--json'], home.home)
    expect(again.status, again.stderr).toBe(0)
    const strip = (rows: Record<string, unknown>[]): unknown[] => rows.map(({ dataset: _d, ...rest }) => rest)
    expect(strip(JSON.parse(again.stdout))).toEqual(strip(table))
  })

  it('exports JSON with every run’s full config', () => {
    const r = runCli(['export', '--sweep', '1', '--format', 'json', '--db', home.db], home.home)
    expect(r.status, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout) as { runs: { config: { lambda: number; seeds: object } }[] }
    expect(doc.runs).toHaveLength(4)
    expect(doc.runs.map((x) => x.config.lambda).sort()).toEqual([0, 0, 0.05, 0.05])
  })
})

describe('CLI: bad input exits non-zero, names the problem, and leaves the database as it was', () => {
  const bytes = (p: string): Buffer => readFileSync(p)

  it.each([
    ['an unknown preset', ['sweep', '--preset', 'nope', '--db', 'DB'], /unknown preset 'nope'/],
    ['λ < 0', ['sweep', '--spec', 'NEG', '--db', 'DB'], /lambdas.*λ must be ≥ 0/],
    ['0 epochs', ['sweep', '--spec', 'EPOCHS0', '--db', 'DB'], /epochs: epochs must be ≥ 1/],
    ['a missing spec file', ['sweep', '--spec', '/nonexistent/spec.json', '--db', 'DB'], /cannot read sweep spec \/nonexistent\/spec.json/],
    ['a spec that is not JSON', ['sweep', '--spec', 'NOTJSON', '--db', 'DB'], /not valid JSON/],
    ['a negative λ flag', ['train', '--lambda=-1'], /--lambda must be ≥ 0/],
    ['a sweep that does not exist', ['stats', '--sweep', '99', '--db', 'DB'], /no sweep #99/],
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/]
  ])('%s', (_name, args, message) => {
    const before = bytes(home.db)
    const subst: Record<string, string> = {
      NEG: file('neg.json', JSON.stringify({ ...smallSpec, lambdas: [-0.01, 0.02] })),
      EPOCHS0: file('epochs0.json', JSON.stringify({ ...smallSpec, epochs: 0 })),
      NOTJSON: file('bad.json', '{ lambdas: [0.1'),
      DB: home.db
    }
    const r = runCli(args.map((a) => subst[a] ?? a), home.home)
    expect(r.status).not.toBe(0)
    expect(r.stderr).toMatch(message)
    expect(bytes(home.db).equals(before)).toBe(true)
  })

  it('a malformed CSV names the file and line, and imports nothing', () => {
    const before = bytes(home.db)
    const bad = file('bad.csv', 'lambda,alpha0,alpha1,alpha2,iteration\n0.01,0.5,0.5,0.5,0\n0.01,0.5,oops,0.5,0\n')
    const r = runCli(['import', bad, '--db', home.db], home.home)
    expect(r.status).toBe(2)
    expect(r.stderr).toContain(`${bad}:3:`)
    expect(bytes(home.db).equals(before)).toBe(true)
  })

  it('refuses a database from a newer app version without touching it', () => {
    const newer = join(home.home, 'newer.db')
    const db = new Database(newer)
    db.pragma('user_version = 999')
    db.close()
    const before = bytes(newer)
    const r = runCli(['runs', '--db', newer], home.home)
    expect(r.status).not.toBe(0)
    expect(r.stderr).toMatch(/newer/)
    expect(r.stderr).toContain(newer)
    expect(bytes(newer).equals(before)).toBe(true)
  })

  it('refuses a file that is not SQLite, and a missing database', () => {
    const junk = file('junk.db', 'this is not a database, just text\n'.repeat(200))
    const before = bytes(junk)
    const r = runCli(['stats', '--db', junk], home.home)
    expect(r.status).not.toBe(0)
    expect(r.stderr).toContain(junk)
    expect(bytes(junk).equals(before)).toBe(true)
    const missing = runCli(['stats', '--db', join(home.home, 'nope.db')], home.home)
    expect(missing.status).not.toBe(0)
    expect(missing.stderr).toMatch(/no database at/)
  })
})

describe('CLI: import-idx', () => {
  it('imports an IDX pair as a dataset that train can use, and names a corrupt file', async () => {
    const { writeIdxPair } = await import('../unit/data/idx-fixtures')
    const { Rng } = await import('../../src/shared/random')
    const rng = new Rng(3)
    const count = 300
    const labels = Uint8Array.from({ length: count }, (_, i) => i % 10)
    const images = Uint8Array.from({ length: count * 784 }, () => rng.int(256))
    const pair = writeIdxPair(home.home, 'digits', { images, labels, count }, true)

    const ok = runCli(['import-idx', '--name', 'my-digits', '--train-images', pair.images, '--train-labels', pair.labels], home.home)
    expect(ok.status, ok.stderr).toBe(0)
    expect(ok.stdout).toMatch(/dataset 'my-digits': 240 training and 60 test images/)
    const trained = runCli(['train', '--dataset', 'my-digits', '--epochs', '1', '--subsample', 'all', '--json'], home.home)
    expect(trained.status, trained.stderr).toBe(0)
    expect(JSON.parse(trained.stdout).steps).toBe(4)

    const truncated = file('broken-labels.idx', '\u0000\u0000\u0008\u0001\u0000\u0000\u0001\u002c\u0001\u0002')
    const bad = runCli(['import-idx', '--name', 'broken', '--train-images', pair.images, '--train-labels', truncated], home.home)
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain(truncated)
    expect(bad.stderr).toMatch(/truncated/)
  })
})
