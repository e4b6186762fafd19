/**
 * Managing runs through WorkbenchService.call (the path both transports
 * take): names, notes and tags, deleting a run, retrying a cancelled run and
 * resuming a cancelled sweep, with real (tiny) training, the events other
 * views refresh on, and argument validation.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WorkbenchService } from '../../src/main/service'
import type { WorkbenchEvent } from '../../src/shared/api'
import { UserError } from '../../src/shared/errors'
import type { RunDetail, RunPage, SweepRow, TagCount } from '../../src/shared/results'
import { PRESETS } from '../../src/shared/sweep-spec'

let dir: string
let service: WorkbenchService
const events: WorkbenchEvent[] = []

const call = <T>(method: string, ...args: unknown[]): Promise<T> => service.call(method, args) as Promise<T>
const failure = (method: string, ...args: unknown[]): Promise<UserError> =>
  service.call(method, args).then(
    () => {
      throw new Error(`${method} succeeded`)
    },
    (e: unknown) => e as UserError
  )

const tiny = (name: string, lambdas: number[]) => ({ ...PRESETS.paper, name, datasets: ['mnist'], lambdas, runsPerLambda: 1, epochs: 1, subsample: 512 })

async function sweep(id: number): Promise<SweepRow> {
  return (await call<SweepRow[]>('listSweeps')).find((s) => s.id === id)!
}

async function until(what: string, check: () => Promise<boolean>, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const runsOf = async (sweepId: number): Promise<RunPage['runs']> => (await call<RunPage>('listRuns', { sweepId, orderBy: 'id' })).runs

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'awb-runs-manage-'))
  service = new WorkbenchService({ dbPath: join(dir, 'w.db'), cacheDir: join(dir, 'datasets'), workers: 1 })
  service.events.on('event', (e) => events.push(e))
  service.start()
})
afterAll(async () => {
  await service.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('managing runs through the service', () => {
  let done: SweepRow

  beforeAll(async () => {
    done = await call<SweepRow>('queueSweep', tiny('trained', [0, 0.05]))
    await until('the first sweep to finish', async () => (await sweep(done.id)).status === 'done')
  })

  it('editRun sets name, notes and tags, says data-changed, and the list filters and searches by them', async () => {
    const [a, b] = await runsOf(done.id)
    const before = events.length
    const edited = await call<RunDetail>('editRun', a.id, { name: ' baseline ', notes: 'first look', tags: ['keep', ' lr0 '] })
    expect(edited).toMatchObject({ id: a.id, name: 'baseline', notes: 'first look', tags: ['keep', 'lr0'] })
    expect(events.slice(before)).toContainEqual({ type: 'data-changed', source: 'edit' })
    await call('editRun', b.id, { tags: ['keep'] })
    expect((await call<RunPage>('listRuns', { tags: ['lr0'] })).runs.map((r) => r.id)).toEqual([a.id])
    expect((await call<RunPage>('listRuns', { search: 'baseline' })).runs.map((r) => r.name)).toEqual(['baseline'])
    expect(await call<TagCount[]>('listRunTags')).toEqual([
      { tag: 'keep', runs: 2 },
      { tag: 'lr0', runs: 1 }
    ])
  })

  it('refuses bad edits naming the field, and unknown runs with 404', async () => {
    const [a] = await runsOf(done.id)
    const dup = await failure('editRun', a.id, { tags: ['x', 'x'] })
    expect(dup.status).toBe(400)
    // Paths name the argument (1: the edit) and the field.
    expect(dup.message).toMatch(/^editRun: 1\.tags: tag 'x' is given twice/)
    expect((await failure('editRun', a.id, { name: 'n'.repeat(101) })).message).toMatch(/^editRun: 1\.name: at most 100 characters/)
    expect((await failure('editRun', a.id, { colour: 'red' })).message).toMatch(/colour/)
    expect((await failure('editRun', 9999, { name: 'x' })).status).toBe(404)
    expect((await failure('listRuns', { tags: ['a,b'] })).message).toMatch(/^listRuns: tags\.0: a tag cannot contain a comma/)
    expect((await failure('renameSweep', done.id, '')).message).toMatch(/^renameSweep: 1: a name cannot be empty/)
  })

  it('renameSweep renames and reports the sweep', async () => {
    const before = events.length
    expect((await call<SweepRow>('renameSweep', done.id, 'λ check')).name).toBe('λ check')
    expect(events.slice(before).some((e) => e.type === 'sweep-changed' && e.sweep.name === 'λ check')).toBe(true)
  })

  it('deleteRun removes one run (its sweep keeps the rest), refuses retrying a done run, and 404s afterwards', async () => {
    const [a, b] = await runsOf(done.id)
    expect((await failure('retryRun', a.id)).message).toMatch(/is done; only a failed or cancelled run can be retried/)
    const before = events.length
    await call('deleteRun', b.id)
    expect((await failure('getRun', b.id)).status).toBe(404)
    expect((await failure('deleteRun', b.id)).status).toBe(404)
    expect(events.slice(before)).toContainEqual({ type: 'data-changed', source: 'delete' })
    expect((await sweep(done.id)).progress).toMatchObject({ total: 1, done: 1 })
  })

  it('retryRun trains a cancelled run again under the same id, and its sweep ends again', async () => {
    const s = await call<SweepRow>('queueSweep', tiny('to retry', [0.1]))
    const run = await call<RunDetail>('getRun', (await runsOf(s.id))[0].id)
    await call('cancelRun', run.id)
    await until('the run to stop', async () => (await call<RunDetail>('getRun', run.id)).status === 'cancelled')
    expect((await sweep(s.id)).status).not.toMatch(/queued|running/)
    const requeued = await call<RunDetail>('retryRun', run.id)
    // Claimed at once (the service kicks the runner): queued or already running again.
    expect(requeued).toMatchObject({ id: run.id, seeds: run.seeds, config: run.config, error: null })
    expect(['queued', 'running']).toContain(requeued.status)
    await until('the retried run to finish', async () => (await call<RunDetail>('getRun', run.id)).status === 'done')
    expect(await sweep(s.id)).toMatchObject({ status: 'done', progress: { total: 1, done: 1 } })
  })

  it('resumeSweep on a cancelled sweep trains its cancelled runs and keeps the ids', async () => {
    const s = await call<SweepRow>('queueSweep', tiny('to resume', [0, 0.2]))
    await call('cancelSweep', s.id)
    await until('its runs to stop', async () => (await sweep(s.id)).progress.running === 0)
    const ids = (await runsOf(s.id)).map((r) => r.id)
    expect((await sweep(s.id)).status).toBe('cancelled')
    const resumed = await call<SweepRow>('resumeSweep', s.id)
    expect(['queued', 'running']).toContain(resumed.status)
    await until('the resumed sweep to finish', async () => (await sweep(s.id)).status === 'done')
    const after = await runsOf(s.id)
    expect(after.map((r) => [r.id, r.status])).toEqual(ids.map((id) => [id, 'done']))
  })
})
