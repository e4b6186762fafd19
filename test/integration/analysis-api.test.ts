/**
 * The analysis calls of the contract through WorkbenchService.call (the path
 * both transports take): fits, survival, run-level table and the report,
 * with argument validation. Data: two synthetic study-format CSVs imported.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WorkbenchService } from '../../src/main/service'
import { UserError } from '../../src/shared/errors'
import type { ExportedFile, FitsResult, RunCollapseRow, SurvivalResult } from '../../src/shared/results'
import { studyCsv } from '../helpers/study-csv'

let dir: string
let service: WorkbenchService

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'awb-analysis-api-'))
  service = new WorkbenchService({ dbPath: join(dir, 'w.db'), cacheDir: join(dir, 'datasets'), workers: 1 })
  for (const i of [1, 2]) await service.call('importCsv', [{ fileName: `study-${i}.csv`, text: studyCsv(30 + i) }])
})
afterAll(async () => {
  await service.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('analysis calls', () => {
  it('getDoseFits: per dataset, per α_i and pooled, with the observed table (pooled rows too) and the heatmap fits', async () => {
    const r = (await service.call('getDoseFits', [{ pool: true }])) as FitsResult
    expect(r.threshold).toBe(0.05)
    expect(r.fits.filter((f) => f.alpha_index === null).map((f) => f.dataset)).toEqual(['study-1', 'study-2', null])
    expect(r.fits.find((f) => f.dataset === null && f.alpha_index === null)?.tests.map((t) => t.kind)).toEqual(['datasets', 'alpha'])
    expect(new Set(r.observed.map((o) => o.dataset))).toEqual(new Set(['study-1', 'study-2', 'pooled']))
    expect(r.start.map((s) => s.dataset)).toEqual(['study-1', 'study-2', null])
    expect(r.start[0].cells.length).toBeGreaterThan(20)
    const unpooled = (await service.call('getDoseFits', [{ datasets: ['study-1'], threshold: 0.1 }])) as FitsResult
    expect(unpooled.threshold).toBe(0.1)
    expect(unpooled.fits.every((f) => f.dataset === 'study-1')).toBe(true)
  })

  it('getSurvival and getRunCollapse', async () => {
    const s = (await service.call('getSurvival', [{ datasets: ['study-2'] }])) as SurvivalResult
    expect(s.reconstructed_steps).toBe(true)
    expect(s.curves).toHaveLength(12)
    expect(s.tests.map((t) => t.kind)).toEqual(['lambda'])
    const runs = (await service.call('getRunCollapse', [{ pool: true }])) as RunCollapseRow[]
    expect(runs.filter((r) => r.dataset === 'pooled').map((r) => r.runs)).toEqual(Array(11).fill(12))
  })

  it('getReport returns one HTML file', async () => {
    const f = (await service.call('getReport', [{ datasets: ['study-1'] }])) as ExportedFile
    expect(f.mime).toBe('text/html')
    expect(f.fileName).toMatch(/\.html$/)
    expect(f.text).toMatch(/^<!doctype html>/)
    expect(f.text).toContain('Figure 5. Dose–response fits')
  })

  it('rejects bad arguments and unknown sweeps with clear errors', async () => {
    const bad = await service.call('getDoseFits', [{ pool: 'yes' }]).catch((e: unknown) => e)
    expect(bad).toBeInstanceOf(UserError)
    expect((bad as UserError).message).toMatch(/^getDoseFits: pool/)
    const missing = await service.call('getSurvival', [{ sweepId: 999 }]).catch((e: unknown) => e)
    expect((missing as UserError).status).toBe(404)
    const none = await service.call('getReport', [{ datasets: ['nope'] }]).catch((e: unknown) => e)
    expect((none as Error).message).toMatch(/nope/)
  })
})
