/**
 * Issue 10, defect 2 in Chromium: statistics never count one experiment twice
 * without saying so. Two sweeps queued from the CLI with the same spec and
 * seed train identical runs; the collapse table counts them once and a note
 * says how many runs it left out. The sweep filter takes several sweeps, and
 * a ticked dataset the chosen sweeps do not contain is named, not silently
 * dropped. "Pool repeats" adds pooled rows to the collapse table.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { studyCsv } from '../helpers/study-csv'
import { startServer, type ServerHandle } from './server'
import { BIN, CHROMIUM, ROOT, ensureBuiltUi, hasChromium, launchChromium, openApp } from './ui'

if (!hasChromium) console.warn(`e2e: ${CHROMIUM} not found; the statistics-filter end-to-end test is skipped`)

describe.skipIf(!hasChromium)('statistics filters in Chromium: repeats counted once, several sweeps, no silently hidden dataset', () => {
  let home: string
  let server: ServerHandle
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []
  const rows = (): Promise<string[]> => page.locator('[data-testid="collapse-table"] tbody tr').allTextContents()

  beforeAll(async () => {
    await ensureBuiltUi()
    home = mkdtempSync(join(tmpdir(), 'alpha-wb-e2e-stats-'))
    const db = join(home, 'e2e.db')
    const env = { ...process.env, ALPHA_WB_HOME: home }
    const spec = join(home, 'spec.json')
    // Same spec, same seed: sweep 2 repeats sweep 1 run for run (the form's old default did this by accident).
    writeFileSync(spec, JSON.stringify({ preset: 'paper', name: 'twice', datasets: ['mnist'], lambdas: [0, 0.05], runsPerLambda: 2, epochs: 1, subsample: 256, seed: 0 }))
    const cli = (args: string[]) => execFileSync(process.execPath, [BIN, ...args, '--db', db], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 })
    cli(['sweep', '--spec', spec, '--workers', '1'])
    cli(['sweep', '--spec', spec, '--workers', '1'])
    const csv = join(home, 'study-x.csv')
    writeFileSync(csv, studyCsv(3))
    cli(['import', csv])
    server = await startServer(ROOT, ['--port', '0', '--workers', '1', '--db', db], env)
    browser = await launchChromium()
    page = await openApp(browser, server.url, pageErrors)
  }, 420_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (home) rmSync(home, { recursive: true, force: true })
  })

  it('counts the repeated sweep once and says how many runs it left out', async () => {
    await page.goto(`${new URL(server.url).origin}/#/stats?dataset=mnist:256:s0`)
    await expect.poll(rows, { timeout: 20_000, interval: 100 }).toHaveLength(2)
    // Two runs per λ counted (not four), two left out at each λ.
    for (const r of await rows()) expect(r).toMatch(/mnist:256:s0\s*(0|0\.05)\s*2\s*\d+ \/ 6/)
    await expect.poll(() => page.getByTestId('repeats-note').textContent(), { timeout: 5_000 }).toMatch(/^\s*4 runs are left out of every table and figure: they repeat a config already counted/)
  })

  it('takes several sweeps, and names a ticked dataset they do not contain', async () => {
    await page.getByTestId('stats-sweeps').locator('summary').click()
    await page.getByTestId('stats-sweeps').getByText('#2 twice').click()
    await expect.poll(() => page.getByTestId('stats-sweeps-summary').textContent(), { timeout: 3_000 }).toBe('#2')
    // Sweep 2 alone: its runs are the first of their configs now, nothing left out.
    await expect.poll(() => page.getByTestId('repeats-note').count(), { timeout: 5_000 }).toBe(0)
    await page.locator('fieldset', { hasText: 'datasets' }).locator('.chip', { hasText: 'study-x' }).locator('input').check()
    await expect.poll(() => page.getByTestId('missing-datasets').textContent(), { timeout: 5_000 }).toMatch(/Ticked but not shown: study-x — no finished run of it in the chosen sweeps/)
    await page.getByTestId('stats-sweeps').getByText('#3 import study-x.csv').click()
    await expect.poll(() => page.getByTestId('stats-sweeps-summary').textContent(), { timeout: 3_000 }).toBe('#2, #3')
    await expect.poll(() => page.getByTestId('missing-datasets').count(), { timeout: 5_000 }).toBe(0)
    await expect.poll(async () => (await rows()).filter((r) => r.includes('study-x')).length, { timeout: 5_000 }).toBe(11)
    expect(new URL(page.url()).hash).toMatch(/sweeps=2(%2C|,)3/)
  })

  it('adds pooled rows with "pool repeats", and Figure 5 tests whether a trained sweep and an imported study file share one curve', async () => {
    await page.getByTestId('pool-repeats').check()
    await expect.poll(async () => (await rows()).filter((r) => /^\s*pooled/.test(r)).length, { timeout: 5_000 }).toBeGreaterThan(0)
    await page.locator('fieldset', { hasText: 'datasets' }).locator('.chip', { hasText: 'mnist:256:s0' }).locator('input').check()
    const tests = page.locator('[data-testid="tests-table"] tbody')
    // One "same curve" test of the two: its verdict in words, or why it has none (this tiny sweep's own curve is separated).
    await expect.poll(() => tests.textContent(), { timeout: 20_000, interval: 200 }).toMatch(
      /same curve: datasets.*(The datasets mnist:256:s0, study-x (are consistent with one curve|differ)|No test for the datasets mnist:256:s0, study-x: .*separation)/
    )
  })

  it("says how an imported run's steps were placed, and gives it no duration", async () => {
    // Runs 1–8 trained here (two sweeps of 4); 9 onwards are study-x.csv's.
    await page.goto(`${new URL(server.url).origin}/#/runs/9`)
    const note = page.getByTestId('import-cadence')
    await note.waitFor({ timeout: 10_000 })
    expect(await note.textContent()).toMatch(/recorded every 100 batches of each 938-batch epoch .* step axis is reconstructed .* has no duration/)
    expect(await page.locator('.fact', { hasText: 'steps' }).textContent()).not.toMatch(/took/)
    expect(pageErrors).toEqual([])
  })
})
