import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { colouredPixels, MAIN_SCROLL_HEIGHT, tableRows } from './probes'
import { startServer, type ServerHandle } from './server'
import type { RunPage, SweepRow } from '../../src/shared/results'
import { CHROMIUM, ROOT, ensureBuiltUi, hasChromium, launchChromium, pageApi } from './ui'

/**
 * The real UI in Debian Chromium against the real back end (`alpha-wb serve`
 * on a temporary database): queue a small sweep from the form, watch it train
 * live, then read the collapse statistics, the runs table, Compare and a run's
 * detail. Screenshots of every view go to test-artifacts/e2e/.
 */

const ARTIFACTS = join(ROOT, 'test-artifacts', 'e2e')
const VIEWPORT = { width: 1440, height: 900 }



if (!hasChromium) console.warn(`e2e: ${CHROMIUM} not found (apt-get install -y chromium); the end-to-end test is skipped`)

describe.skipIf(!hasChromium)('workbench in Chromium', () => {
  let home: string
  let server: ServerHandle
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []

  /** A screenshot of the whole current view (the main column scrolls, so the viewport grows to fit it). */
  async function shot(name: string): Promise<void> {
    const height = await page.evaluate<number>(MAIN_SCROLL_HEIGHT)
    await page.setViewportSize({ width: VIEWPORT.width, height: Math.max(VIEWPORT.height, Math.min(height + 30, 4000)) })
    await page.waitForTimeout(300)
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) })
    await page.setViewportSize(VIEWPORT)
  }

  async function goto(hash: string): Promise<void> {
    await page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`)
    await page.waitForTimeout(50)
  }

  async function rows(selector: string): Promise<string[][]> {
    return page.evaluate<string[][]>(tableRows(selector))
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    await ensureBuiltUi()
    home = mkdtempSync(join(tmpdir(), 'alpha-wb-e2e-'))
    server = await startServer(ROOT, ['--port', '0', '--db', join(home, 'e2e.db')], { ...process.env, ALPHA_WB_HOME: home })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: VIEWPORT, acceptDownloads: true })
    page.on('pageerror', (err) => pageErrors.push(err.message))
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text())
    })
    await page.goto(server.url)
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (home) rmSync(home, { recursive: true, force: true })
  })

  it('opens on the sweep form with the engine in the status bar and explains the empty views', async () => {
    await page.getByTestId('engine').filter({ hasNotText: '…' }).waitFor()
    expect(await page.getByTestId('engine').textContent()).toMatch(/^(native|tfjs)\//)
    expect(await page.getByTestId('queue-state').textContent()).toMatch(/\d+ workers · 0 running · 0 queued/)

    await goto('#/runs')
    await page.getByText('No runs yet').waitFor()
    await shot('01-runs-empty')
    await goto('#/stats')
    await page.getByText('No finished runs to analyse').waitFor()
  })

  it('validates the form inline and queues a 2 λ × 2 runs sweep', async () => {
    await goto('#/sweep')
    await page.getByTestId('preset-paper').click()
    await page.getByTestId('name').fill('e2e sweep')
    await page.getByRole('radiogroup', { name: 'λ given as' }).getByText('list').click()

    await page.getByTestId('lambda-list').fill('0, -0.01')
    await expect.poll(() => page.locator('[data-error-for="lambdas"]').textContent()).toContain('λ must be ≥ 0')
    expect(await page.getByTestId('queue').isDisabled()).toBe(true)
    await shot('02a-sweep-form-invalid')

    await page.getByTestId('lambda-list').fill('0, 0.05')
    await page.getByTestId('runs-per-lambda').fill('2')
    await page.getByTestId('dataset-fashion-mnist').uncheck()
    await page.getByTestId('dataset-mnist').check()
    await page.getByTestId('subsample').fill('1000')
    await page.getByTestId('epochs').fill('1')
    // A new sweep gets a fresh seed; this test reuses seed 0 on purpose, so its dataset labels are known.
    await page.getByTestId('seed').fill('0')
    await expect.poll(() => page.getByTestId('run-count').textContent()).toBe('4')
    expect(await page.locator('[data-error-for]').count()).toBe(0)
    expect(await page.getByTestId('queue').isDisabled()).toBe(false)
    await shot('02-sweep-form')

    await page.getByTestId('queue').click()
    await page.waitForURL(/#\/queue$/)
    await page.locator('[data-sweep]').first().waitFor()
    expect(await page.locator('[data-sweep] h2').first().textContent()).toContain('e2e sweep')
  })

  it('shows live α curves while the sweep trains, then completes it', async () => {
    // Each run's card appears from its live events and keeps its α curve after it finishes.
    const drawn = page.locator('.live-run [data-points]:not([data-points="0"])').first()
    await drawn.waitFor({ timeout: 120_000 })
    expect(Number(await drawn.getAttribute('data-points'))).toBeGreaterThan(2)
    await shot('03-queue-live')

    await expect.poll(() => page.getByTestId('sweep-status').first().textContent(), { timeout: 180_000, interval: 500 }).toBe('done')
    expect(await page.getByTestId('sweep-pct').first().textContent()).toBe('100 %')
    await expect.poll(() => page.locator('.live-run').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2)
    expect(await page.evaluate<number>(colouredPixels('.live-run'))).toBeGreaterThan(50)
    await shot('04-queue-done')
  }, 300_000)

  it('draws the collapse statistics for the new dataset, with a live threshold', async () => {
    await goto('#/stats')
    await expect.poll(async () => (await rows('[data-testid="collapse-table"]')).length, { timeout: 20_000 }).toBe(2)
    const table = await rows('[data-testid="collapse-table"]')
    expect(table.map((r) => r[0])).toEqual(['mnist:1000:s0', 'mnist:1000:s0'])
    expect(table.map((r) => r[1])).toEqual(['0', '0.05'])
    // 2 runs × 3 α per λ.
    expect(table.map((r) => r[3].split('/')[1].trim())).toEqual(['6', '6'])

    const fig1 = '[data-chart="collapse-vs-lambda"]'
    await expect.poll(() => page.locator(fig1).getAttribute('data-points')).not.toBe('0')
    expect(await page.evaluate<number>(colouredPixels(fig1))).toBeGreaterThan(200)
    expect(await page.evaluate<number>(colouredPixels('[data-chart="final-alpha-vs-lambda"]'))).toBeGreaterThan(50)
    expect(await page.evaluate<number>(colouredPixels('[data-chart="initial-vs-final-alpha"]'))).toBeGreaterThan(50)
    expect(await page.evaluate<number>(colouredPixels('[data-chart="final-alpha-histograms"]'))).toBeGreaterThan(50)

    // A higher threshold counts at least as many α as collapsed, live (thresholds ≥ 1 are refused).
    const collapsedAt = (r: string[][]): number[] => r.map((row) => Number(row[3].split('/')[0]))
    const at005 = collapsedAt(await rows('[data-testid="collapse-table"]'))
    await page.getByLabel('Collapse threshold value').fill('0.99')
    await expect
      .poll(async () => collapsedAt(await rows('[data-testid="collapse-table"]')).reduce((a, b) => a + b, 0), { timeout: 10_000 })
      .toBeGreaterThan(at005.reduce((a, b) => a + b, 0))
    expect(collapsedAt(await rows('[data-testid="collapse-table"]')).every((n, i) => n >= at005[i])).toBe(true)
    await page.getByLabel('Collapse threshold value').fill('0.05')
    await expect.poll(async () => collapsedAt(await rows('[data-testid="collapse-table"]')), { timeout: 10_000 }).toEqual(at005)
    await shot('05-collapse-statistics')
  })

  it('lists the runs, selects two and compares them', async () => {
    await goto('#/runs')
    await expect.poll(async () => (await rows('[data-testid="runs-table"]')).length, { timeout: 20_000 }).toBe(4)
    expect(await page.getByTestId('runs-total').textContent()).toBe('4')
    const table = await rows('[data-testid="runs-table"]')
    for (const r of table) {
      expect(r[3]).toBe('mnist:1000:s0')
      expect(r[6]).toBe('done')
    }

    await page.getByLabel('Select run 1', { exact: true }).check()
    await page.getByLabel('Select run 3', { exact: true }).check()
    await shot('06-runs')
    await page.getByTestId('compare-selected').click()
    await page.waitForURL(/#\/compare\?ids=1,3$/)
    await expect.poll(async () => (await rows('[data-testid="compare-table"]')).length, { timeout: 20_000 }).toBe(2)

    const diff = await rows('[data-testid="config-diff"]')
    const lambdaRow = diff.find((r) => r[0] === 'lambda')
    expect(lambdaRow?.slice(1)).toEqual(['0', '0.05'])
    const alphaChart = '[data-chart="compare-alpha"]'
    expect(Number(await page.locator(alphaChart).getAttribute('data-points'))).toBeGreaterThan(10)
    expect(await page.evaluate<number>(colouredPixels(alphaChart))).toBeGreaterThan(200)

    // Hiding α₀ removes its two lines.
    const before = Number(await page.locator(alphaChart).getAttribute('data-points'))
    await page.getByTestId('toggle-alpha-0').uncheck()
    await expect.poll(async () => Number(await page.locator(alphaChart).getAttribute('data-points'))).toBeLessThan(before)
    await page.getByTestId('toggle-alpha-0').check()
    await shot('07-compare')
  })

  it('opens a run in detail and exports its chart as PNG and SVG and its table as CSV', async () => {
    await page.locator('[data-testid="compare-table"] a', { hasText: 'run #1' }).click()
    await page.waitForURL(/#\/runs\/1$/)
    const alphaChart = '[data-chart="run-1-alpha"]'
    await page.locator(`${alphaChart}[data-points]:not([data-points="0"])`).waitFor({ timeout: 20_000 })
    expect(await page.evaluate<number>(colouredPixels(alphaChart))).toBeGreaterThan(200)
    expect(await page.locator('main').textContent()).toContain('mnist:1000:s0')
    await page.locator('[data-chart="run-1-epochs"][data-points]:not([data-points="0"])').waitFor()
    await shot('08-run-detail')

    const [png] = await Promise.all([page.waitForEvent('download'), page.locator(alphaChart).getByRole('button', { name: 'PNG' }).click()])
    expect(png.suggestedFilename()).toBe('run-1-alpha.png')
    expect(readFileSync((await png.path()) ?? '').subarray(1, 4).toString()).toBe('PNG')

    const [svg] = await Promise.all([page.waitForEvent('download'), page.locator(alphaChart).getByRole('button', { name: 'SVG' }).click()])
    expect(svg.suggestedFilename()).toBe('run-1-alpha.svg')
    const svgText = readFileSync((await svg.path()) ?? '', 'utf8')
    expect(svgText.startsWith('<svg')).toBe(true)
    expect(svgText).toContain('<path')

    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator(alphaChart).getByRole('button', { name: 'CSV' }).click()])
    const lines = readFileSync((await csv.path()) ?? '', 'utf8').trim().split(/\r\n/)
    expect(lines[0]).toBe('step,epoch,alpha_0,alpha_1,alpha_2,loss')
    expect(lines.length).toBeGreaterThan(2)
  })

  it('re-runs a run with the same config as a new one-run sweep', async () => {
    await goto('#/runs/1')
    await page.getByTestId('rerun').click()
    await page.waitForURL(/#\/queue$/)
    await expect.poll(() => page.locator('[data-sweep]').count()).toBeGreaterThanOrEqual(2)
    const rerun = page.locator('[data-sweep="2"]')
    await expect.poll(() => rerun.getByTestId('sweep-status').textContent(), { timeout: 60_000 }).toBe('done')
    expect(await rerun.textContent()).toContain('1/1 runs done')
  })

  it('pauses, resumes and cancels a longer sweep while its α curves move live', async () => {
    await goto('#/sweep')
    await page.getByTestId('preset-paper').click()
    await page.getByTestId('name').fill('paper sweep')
    // 15 epochs of 2,500 images instead of 10 of 10,000: the sweep must still be training when it is
    // paused below (48 runs left), yet finish its first 18 runs soon: about 1.7 s a run natively on
    // one core of this 2-core VM (600 steps at 2.9 ms), so ≈ 15 s for 18 runs on two threads.
    await page.getByTestId('epochs').fill('15')
    await page.getByTestId('subsample').fill('2500')
    await page.getByTestId('seed').fill('0')
    await expect.poll(() => page.getByTestId('run-count').textContent()).toBe('66')
    await page.getByTestId('queue').click()
    await page.waitForURL(/#\/queue$/, { timeout: 120_000 }) // queueing 66 runs on a loaded 2-core machine has taken over 30 s
    const card = page.locator('[data-sweep]', { has: page.getByRole('heading', { name: /paper sweep/ }) })
    const liveChart = card.locator('.live-run[data-status="running"] [data-points]')
    await liveChart.first().waitFor({ timeout: 120_000 })
    // A run's curve grows as progress events arrive (compared run by run: a run may finish, and its card
    // leave, between two looks, as the native kernel trains a run in about a second).
    const pointsByRun = (): Promise<Record<string, number>> =>
      card
        .locator('.live-run')
        .evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-run') ?? '', Number(e.querySelector('[data-points]')?.getAttribute('data-points') ?? 0)])))
    const before = await pointsByRun()
    await expect
      .poll(async () => Object.entries(await pointsByRun()).some(([run, n]) => before[run] !== undefined && n > before[run]), { timeout: 60_000 })
      .toBe(true)
    await shot('09-queue-running')

    // Let the first three λ columns (6 runs each) finish, for the statistics below.
    const done = () => card.getByTestId('sweep-done').textContent().then(Number)
    await expect.poll(done, { timeout: 180_000, interval: 500 }).toBeGreaterThanOrEqual(18)

    await card.getByRole('button', { name: 'Pause', exact: true }).click()
    await expect.poll(() => card.getByTestId('sweep-status').textContent()).toBe('paused')
    await expect.poll(() => card.locator('.live-run[data-status="running"]').count(), { timeout: 30_000 }).toBe(0)
    const doneWhenPaused = await done()
    await card.getByRole('button', { name: 'Resume', exact: true }).click()
    try {
      await expect.poll(() => card.getByTestId('sweep-status').textContent()).toMatch(/running|queued/)
      // Resumed runs train again: runs keep finishing.
      await expect.poll(done, { timeout: 60_000, interval: 500 }).toBeGreaterThan(doneWhenPaused + 1)
      // The statistics below need the first three λ columns (the sweep's first 18 runs) done. 18 done at
      // the pause need not be those: one of them may have been training then and gone back to the queue.
      const sweepId = (await pageApi<SweepRow[]>(page, 'listSweeps')).find((s) => s.name === 'paper sweep')!.id
      const firstDone = async () => (await pageApi<RunPage>(page, 'listRuns', { sweepId, orderBy: 'id', limit: 18 })).runs.filter((r) => r.status === 'done').length
      await expect.poll(firstDone, { timeout: 120_000, interval: 500 }).toBe(18)
    } finally {
      // Cancelled either way, so a failure here does not leave the sweep training under the tests below.
      // Cancel asks first (issue 10, defect 9).
      const asked = new Promise<string>((resolve) => page.once('dialog', (d) => void d.accept().then(() => resolve(d.message()))))
      await card.getByRole('button', { name: 'Cancel', exact: true }).click()
      expect(await asked).toMatch(/^Cancel sweep “.+” \(#\d+\)\? Its \d+ unfinished runs? will not train/)
    }
    // A cancelled sweep leaves the active cards at once (issue 10, defect 4) and is listed as cancelled among the finished ones.
    await expect.poll(() => card.count(), { timeout: 30_000 }).toBe(0)
    const pastRow = page.getByTestId('past-sweeps').locator('tr', { hasText: 'paper sweep' })
    await expect.poll(() => pastRow.textContent(), { timeout: 30_000 }).toContain('cancelled')
    await expect.poll(() => page.locator('.live-run[data-status="running"]').count(), { timeout: 30_000 }).toBe(0)
    await shot('10-queue-cancelled')
  }, 400_000)

  it('lays the second dataset over the first in the collapse statistics', async () => {
    await goto('#/stats')
    await expect.poll(async () => new Set((await rows('[data-testid="collapse-table"]')).map((r) => r[0])), { timeout: 20_000 }).toEqual(
      new Set(['mnist:1000:s0', 'fashion-mnist:2500:s0'])
    )
    const fashion = (await rows('[data-testid="collapse-table"]')).filter((r) => r[0] === 'fashion-mnist:2500:s0')
    expect(fashion.slice(0, 3).map((r) => r[1])).toEqual(['0', '0.005', '0.01'])
    expect(fashion.slice(0, 3).map((r) => r[2])).toEqual(['6', '6', '6'])
    expect(await page.evaluate<number>(colouredPixels('[data-chart="collapse-vs-lambda"]'))).toBeGreaterThan(200)
    await shot('11-collapse-statistics-two-datasets')
  })

  it('filters the runs table and compares runs across λ', async () => {
    await goto('#/runs')
    const clearSelection = page.getByRole('button', { name: 'Clear', exact: true })
    if (await clearSelection.count()) await clearSelection.click()
    await page.getByTestId('runs-search').fill('fashion')
    await page.locator('.chip', { hasText: /^done$/ }).locator('input').check()
    await page.getByRole('button', { name: /^λ/ }).click()
    await expect.poll(async () => (await rows('[data-testid="runs-table"]')).every((r) => r[3] === 'fashion-mnist:2500:s0' && r[6] === 'done'), { timeout: 10_000 }).toBe(true)
    const table = await rows('[data-testid="runs-table"]')
    expect(table.length).toBeGreaterThanOrEqual(18)
    // Sorted by λ ascending: one run per λ from the first three columns (rows 0, 6, 12).
    const picks = [0, 6, 12].map((i) => Number(table[i][1]))
    for (const id of picks) await page.getByLabel(`Select run ${id}`, { exact: true }).check()
    await shot('12-runs-filtered')
    await page.getByTestId('compare-selected').click()
    await expect.poll(async () => (await rows('[data-testid="compare-table"]')).length, { timeout: 20_000 }).toBe(3)
    const lambdaRow = (await rows('[data-testid="config-diff"]')).find((r) => r[0] === 'lambda')
    expect(lambdaRow?.slice(1)).toEqual(['0', '0.005', '0.01'])
    await shot('13-compare-across-lambda')

    await page.locator('[data-testid="compare-table"] a').first().click()
    await page.locator('[data-chart$="-epochs"][data-points]:not([data-points="0"])').waitFor({ timeout: 20_000 })
    await shot('14-run-detail-paper')
  })

  it('imports one of the study’s CSV files as a dataset of its own', async () => {
    // The original format: one row per recorded α, (lambda, iteration) naming the run.
    const rowsOf = (lambda: number, iteration: number, alphas: number[][]) => alphas.map((a) => `${lambda},${a.join(',')},${iteration}`)
    const csv = [
      'lambda,alpha0,alpha1,alpha2,iteration',
      ...rowsOf(0, 0, [[0.5, 0.6, 0.7], [0.45, 0.6, 0.72]]),
      ...rowsOf(0, 1, [[0.3, 0.2, 0.9], [0.2, 0.1, 0.88]]),
      ...rowsOf(0.02, 0, [[0.5, 0.6, 0.7], [0.01, 0.3, 0.5]]),
      ...rowsOf(0.02, 1, [[0.3, 0.2, 0.9], [0.0, 0.0, 0.6]])
    ].join('\n')
    await goto('#/sweep')
    await page.getByTestId('import-csv').setInputFiles({ name: 'study-run1.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await page.waitForURL(/#\/stats$/)
    // The notice fades after 5 s (info notices do), so it is read first: on a slow machine the
    // table below has taken longer than that to fill, and the notice was gone by then.
    await expect.poll(() => page.locator('[role="status"]', { hasText: 'Imported 4 runs as dataset “study-run1”' }).count()).toBe(1)
    await expect.poll(async () => (await rows('[data-testid="collapse-table"]')).filter((r) => r[0] === 'study-run1').map((r) => [r[1], r[3]]), { timeout: 20_000 }).toEqual([
      ['0', '0 / 6'],
      ['0.02', '3 / 6']
    ])
    await shot('15-collapse-with-imported-csv')
  })

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([])
  })
})
