import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import type { z } from 'zod'
import { API_METHODS, type ApiHandlers, type ApiMethod, type HistoryQuery, type RunListQuery, type WorkbenchApi, type WorkbenchClient } from '../../src/shared/api'
import { API, RunListQuerySchema, type ApiArgs, type ApiParams, type ApiResult } from '../../src/shared/api-schemas'
import { NotFoundError, UserError } from '../../src/shared/errors'
import type { AlphaSeries, RunDetail, RunPage, SweepRow } from '../../src/shared/results'
import type { SweepSpecInput } from '../../src/shared/sweep-spec'
import { WorkbenchService } from '../../src/main/service'

// The type-level checks below (expectTypeOf) are enforced by the compiler:
// `npm run typecheck` (tsconfig.node.json includes test/) fails when they do not hold.

type Contract = typeof API
type SchemaInputs = { [M in ApiMethod]: z.input<Contract[M]['args']> }
type SchemaOutputs = { [M in ApiMethod]: z.output<Contract[M]['args']> }

describe('the API contract has one source', () => {
  it('names the same methods in the zod-free list (preload) as in the schemas', () => {
    expect([...API_METHODS].sort()).toEqual(Object.keys(API).sort())
    expect(new Set(API_METHODS).size).toBe(API_METHODS.length)
  })

  it("derives every client method's parameters from its schema's input type", () => {
    expectTypeOf<{ [M in ApiMethod]: Parameters<WorkbenchApi[M]> }>().toEqualTypeOf<SchemaInputs>()
    expectTypeOf<{ [M in ApiMethod]: Parameters<WorkbenchClient[M]> }>().toEqualTypeOf<SchemaInputs>()
    // …and the derived signatures are the ones callers write (not any, not unknown[]).
    expectTypeOf<WorkbenchApi['getRun']>().parameters.toEqualTypeOf<[number]>()
    expectTypeOf<WorkbenchApi['getRun']>().returns.toEqualTypeOf<Promise<RunDetail>>()
    expectTypeOf<WorkbenchApi['getAlphaHistory']>().parameters.toEqualTypeOf<[number[], HistoryQuery?]>()
    expectTypeOf<WorkbenchApi['getAlphaHistory']>().returns.toEqualTypeOf<Promise<AlphaSeries[]>>()
    expectTypeOf<WorkbenchApi['listRuns']>().parameters.toEqualTypeOf<[RunListQuery]>()
    expectTypeOf<WorkbenchApi['listRuns']>().returns.toEqualTypeOf<Promise<RunPage>>()
    expectTypeOf<WorkbenchApi['queueSweep']>().parameters.toEqualTypeOf<[SweepSpecInput]>()
    expectTypeOf<WorkbenchApi['exportSweep']>().parameters.toEqualTypeOf<[number, 'csv' | 'json']>()
    expectTypeOf<WorkbenchApi['getStatus']>().parameters.toEqualTypeOf<[]>()
    expectTypeOf<WorkbenchApi['deleteSweep']>().returns.toEqualTypeOf<Promise<void>>()
    expectTypeOf<ApiResult<'pauseSweep'>>().toEqualTypeOf<SweepRow>()
    // Optional query fields stay optional for callers.
    expectTypeOf<RunListQuery['limit']>().toEqualTypeOf<number | undefined>()
  })

  it("gives every handler its schema's parsed output type (defaults filled in)", () => {
    expectTypeOf<{ [M in ApiMethod]: Parameters<ApiHandlers[M]> }>().toEqualTypeOf<SchemaOutputs>()
    expectTypeOf<ApiArgs<'listRuns'>[0]['limit']>().toEqualTypeOf<number>()
    expectTypeOf<ApiArgs<'getHistograms'>[0]['bins']>().toEqualTypeOf<number>()
    expectTypeOf<ApiArgs<'getCollapseStats'>[0]['threshold']>().toEqualTypeOf<number>()
    expectTypeOf<ApiParams<'getCollapseStats'>[0]['threshold']>().toEqualTypeOf<number | undefined>()
    // The parsed output satisfies the input (a handler may pass it on to another call).
    expectTypeOf<z.output<typeof RunListQuerySchema>>().toExtend<RunListQuery>()
  })

  it('keeps zod out of the sandboxed preload', async () => {
    const out = await build({
      entryPoints: [join(import.meta.dirname, '../../src/preload/index.ts')],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'cjs',
      external: ['electron'],
      logLevel: 'silent'
    })
    const code = out.outputFiles[0].text
    expect(code).toContain('getAlphaHistory')
    expect(code).not.toMatch(/zod|ZodError|safeParse/)
  })
})

describe('call() is the only way in', () => {
  let dir: string
  let service: WorkbenchService
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'awb-contract-'))
    service = new WorkbenchService({ dbPath: join(dir, 'w.db'), cacheDir: join(dir, 'datasets'), workers: 1 })
  })
  afterAll(async () => {
    await service.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const rejection = async (method: string, args: unknown[]): Promise<UserError> => {
    const err = await service.call(method, args).then(
      () => null,
      (e: unknown) => e
    )
    expect(err).toBeInstanceOf(UserError)
    return err as UserError
  }

  it('answers an unknown method, run or sweep with a 404 error', async () => {
    const unknown = await rejection('noSuchMethod', [])
    expect(unknown).toBeInstanceOf(NotFoundError)
    expect(unknown.status).toBe(404)
    expect((await rejection('getRun', [12345])).status).toBe(404)
    expect((await rejection('getEpochMetrics', [12345])).status).toBe(404)
    expect((await rejection('getAlphaHistory', [[12345]])).status).toBe(404)
    expect((await rejection('pauseSweep', [777])).status).toBe(404)
    expect((await rejection('exportSweep', [777, 'csv'])).status).toBe(404)
    expect((await rejection('getCollapseStats', [{ sweepId: 777 }])).status).toBe(404)
  })

  it('answers bad arguments with a 400 error naming the field', async () => {
    const bad = await rejection('listRuns', [{ limit: 0 }])
    expect(bad.status).toBe(400)
    expect(bad.message).toMatch(/^listRuns: limit/)
    const twoArgs = await rejection('exportSweep', [1, 'xml'])
    expect(twoArgs.message).toMatch(/^exportSweep: 1:/)
    expect((await rejection('getRun', ['1'])).status).toBe(400)
    expect((await rejection('getRun', [])).status).toBe(400)
  })

  it('hands the handlers parsed arguments, defaults filled in', async () => {
    // limit/offset and threshold/bins have defaults: a handler that re-read raw input would fail here.
    expect(await service.call('listRuns', [{}])).toEqual({ total: 0, runs: [] })
    expect(await service.call('getHistograms', [{}])).toEqual([])
    expect(await service.call('getCollapseStats', [{}])).toEqual([])
  })

  it('exposes no contract method except through call()', () => {
    for (const m of API_METHODS) expect(m in service, m).toBe(false)
  })
})
