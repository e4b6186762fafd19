import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunDetail, RunPage, SweepRow } from '../../src/shared/results'
import { PRESETS } from '../../src/shared/sweep-spec'
import { startServer, type ServerHandle } from './server'
import { CHROMIUM, ROOT, ensureBuiltUi, hasChromium, launchChromium, openApp, pageApi } from './ui'

/**
 * Managing runs in Chromium against `serve`: rename a run and tag it in Run
 * detail and see both in the Runs table, delete a run, retry a cancelled run,
 * resume a cancelled sweep.
 */



/** Tiny sweeps: a few hundred steps per run, enough that a cancel lands before the run ends. */
const spec = (name: string, lambdas: number[]) => ({ ...PRESETS.paper, name, datasets: ['mnist'], lambdas, runsPerLambda: 1, epochs: 3, subsample: 8192 })

if (!hasChromium) console.warn(`e2e: ${CHROMIUM} not found; the runs-management end-to-end test is skipped`)

describe.skipIf(!hasChromium)('managing runs in Chromium', () => {
  let home: string
  let server: ServerHandle
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []

  const api = <T>(method: string, ...args: unknown[]): Promise<T> => pageApi<T>(page, method, ...args)
  const sweep = async (id: number): Promise<SweepRow> => (await api<SweepRow[]>('listSweeps')).find((s) => s.id === id)!
  const runsOf = async (sweepId: number): Promise<RunPage['runs']> => (await api<RunPage>('listRuns', { sweepId, orderBy: 'id' })).runs
  async function goto(hash: string): Promise<void> {
    await page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`)
    await page.waitForTimeout(100)
  }

  beforeAll(async () => {
    await ensureBuiltUi()
    home = mkdtempSync(join(tmpdir(), 'alpha-wb-e2e-manage-'))
    server = await startServer(ROOT, ['--port', '0', '--workers', '1', '--db', join(home, 'e2e.db')], { ...process.env, ALPHA_WB_HOME: home })
    browser = await launchChromium()
    page = await openApp(browser, server.url, pageErrors)
    // Delete asks for confirmation: the person says yes.
    page.on('dialog', (d) => void d.accept())
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (home) rmSync(home, { recursive: true, force: true })
  })

  let trained: SweepRow

  it('renames a run and tags it in Run detail, and the Runs table shows both and finds the run by them', async () => {
    trained = await api<SweepRow>('queueSweep', spec('trained', [0, 0.05]))
    await expect.poll(async () => (await sweep(trained.id)).status, { timeout: 120_000, interval: 250 }).toBe('done')
    const [first] = await runsOf(trained.id)

    await goto(`#/runs/${first.id}`)
    const name = page.getByTestId('run-name').locator('input')
    await name.fill('baseline λ=0')
    await name.press('Enter')
    await page.getByTestId('run-name').getByText('✓ saved').waitFor({ timeout: 5_000 })
    await expect.poll(() => page.getByTestId('run-title').textContent()).toBe(`baseline λ=0 #${first.id}`)
    const tag = page.getByTestId('add-tag')
    await tag.fill('keep')
    await tag.press('Enter')
    await page.getByTestId('run-tag').filter({ hasText: 'keep' }).waitFor({ timeout: 5_000 })

    await goto('#/runs')
    const row = page.locator(`[data-testid="runs-table"] tr[data-run-id="${first.id}"]`)
    await expect.poll(() => row.getByTestId('run-labels-cell').textContent(), { timeout: 5_000 }).toContain('baseline λ=0')
    await expect.poll(() => row.locator('.tag').allTextContents(), { timeout: 5_000 }).toEqual(['keep'])
    await page.getByTestId('runs-search').fill('baseline')
    await expect.poll(() => page.locator('[data-testid="runs-table"] tbody tr').count(), { timeout: 5_000 }).toBe(1)
    await page.getByTestId('runs-search').fill('')
    await page.getByTestId('filter-tags').locator('label', { hasText: 'keep' }).click()
    await expect.poll(() => page.locator('[data-testid="runs-table"] tbody tr').count(), { timeout: 5_000 }).toBe(1)
    await page.getByRole('button', { name: 'Clear filters' }).click()
  })

  it('deletes a run from Run detail after confirmation; it is gone from the Runs table', async () => {
    const [, second] = await runsOf(trained.id)
    await goto(`#/runs/${second.id}`)
    await page.getByTestId('delete-run').click()
    await page.waitForURL(/#\/runs$/, { timeout: 5_000 })
    await expect.poll(() => page.locator(`[data-testid="runs-table"] tr[data-run-id="${second.id}"]`).count(), { timeout: 5_000 }).toBe(0)
    expect((await runsOf(trained.id)).map((r) => r.id)).not.toContain(second.id)
  })

  it('retries a cancelled run: it trains again under its own id and ends done', async () => {
    const s = await api<SweepRow>('queueSweep', spec('to retry', [0.1]))
    const [run] = await runsOf(s.id)
    await api('cancelRun', run.id)
    await expect.poll(async () => (await api<RunDetail>('getRun', run.id)).status, { timeout: 30_000, interval: 100 }).toBe('cancelled')
    await goto(`#/runs/${run.id}`)
    const badge = page.locator('.page-head .badge').first()
    await page.getByTestId('retry-run').click()
    await expect.poll(async () => (await api<RunDetail>('getRun', run.id)).status, { timeout: 120_000, interval: 250 }).toBe('done')
    await expect.poll(() => badge.textContent(), { timeout: 5_000 }).toContain('done')
    expect(await page.getByTestId('retry-run').count()).toBe(0)
    expect((await sweep(s.id)).status).toBe('done')
  })

  it('resumes a cancelled sweep from the Queue: its cancelled runs train, done runs stay', async () => {
    const s = await api<SweepRow>('queueSweep', spec('to resume', [0, 0.2]))
    await api('cancelSweep', s.id)
    await expect.poll(async () => (await sweep(s.id)).progress.running, { timeout: 30_000, interval: 100 }).toBe(0)
    const ids = (await runsOf(s.id)).map((r) => r.id)
    await goto('#/queue')
    const row = page.locator('[data-testid="past-sweeps"] tr', { hasText: 'to resume' })
    await row.getByTestId('resume-cancelled').click()
    const card = page.locator(`[data-sweep="${s.id}"]`)
    await card.waitFor({ timeout: 5_000 })
    await expect.poll(() => card.getByTestId('sweep-status').textContent(), { timeout: 120_000, interval: 250 }).toBe('done')
    expect((await runsOf(s.id)).map((r) => [r.id, r.status])).toEqual(ids.map((id) => [id, 'done']))
    expect(pageErrors).toEqual([])
  })
})
