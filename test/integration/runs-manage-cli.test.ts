/** The CLI's run management: run-edit, run-delete, run-retry, and `runs` showing and filtering by name and tags. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/main/store'
import { newRun } from '../unit/store/helpers'
import { runCli, tempHome } from '../helpers/cli'

const home = tempHome('awb-cli-manage-')
let ids: number[]

beforeAll(() => {
  const store = openStore(home.db)
  const ds = store.createDataset({ name: 'mnist:320:s0', source: 'bundled' }).id
  ids = store.createSweep({ name: 'cli', spec: {} }, [newRun(ds, 0), newRun(ds, 0.05), newRun(ds, 0.1)]).runIds
  store.failRun(store.claimNextRun()!.id, 'worker died')
  store.close()
})
afterAll(() => home.cleanup())

const cli = (...args: string[]) => runCli([...args, '--db', home.db], home.home)

describe('CLI: managing runs', () => {
  it('run-edit names and tags a run; runs lists and filters by them, JSON included', () => {
    const edit = cli('run-edit', String(ids[0]), '--name', 'baseline', '--tags', 'keep,odd')
    expect(edit.status, edit.stderr).toBe(0)
    expect(edit.stdout).toContain(`run #${ids[0]} “baseline”: tags keep, odd`)
    expect(cli('run-edit', String(ids[1]), '--add-tag', 'keep').status).toBe(0)
    const table = cli('runs', '--tag', 'odd')
    expect(table.status, table.stderr).toBe(0)
    expect(table.stdout.split('\n')[0]).toMatch(/engine\s+name\s+tags/)
    expect(table.stdout).toMatch(/baseline\s+keep, odd/)
    const json = JSON.parse(cli('runs', '--tag', 'keep', '--json').stdout) as { id: number; name: string | null; tags: string[] }[]
    expect(json.map((r) => [r.id, r.name, r.tags])).toEqual([
      [ids[0], 'baseline', ['keep', 'odd']],
      [ids[1], null, ['keep']]
    ])
  })

  it('run-edit refuses bad tags and contradictory flags, naming the problem (exit 2)', () => {
    const dup = cli('run-edit', String(ids[0]), '--add-tag', 'x', '--add-tag', 'x')
    expect(dup.status).toBe(2)
    expect(dup.stderr).toContain("tag 'x' is given twice")
    const both = cli('run-edit', String(ids[0]), '--tags', 'a', '--remove-tag', 'keep')
    expect(both.status).toBe(2)
    expect(both.stderr).toContain('--tags replaces all tags')
    expect(cli('run-edit', 'seven', '--name', 'x').stderr).toContain("a run id is a whole number ≥ 1, got 'seven'")
  })

  it('run-retry requeues the failed run and refuses it once queued; run-delete deletes a run, then says it is gone', () => {
    const retry = cli('run-retry', String(ids[0]))
    expect(retry.status, retry.stderr).toBe(0)
    expect(retry.stdout).toContain(`run #${ids[0]} is queued again`)
    expect(cli('run-retry', String(ids[0])).stderr).toContain(`run ${ids[0]} is queued; only a failed or cancelled run can be retried`)
    expect(cli('run-delete', String(ids[2])).status).toBe(0)
    const again = cli('run-delete', String(ids[2]))
    expect(again.status).toBe(2)
    expect(again.stderr).toContain(`no run with id ${ids[2]}`)
    const left = JSON.parse(cli('runs', '--json').stdout) as { id: number; status: string }[]
    expect(left.map((r) => [r.id, r.status])).toEqual([
      [ids[0], 'queued'],
      [ids[1], 'queued']
    ])
  })
})
