import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type ServerHandle } from './server'
import { BIN, CHROMIUM, ROOT, ensureBuiltUi, hasChromium, launchChromium, openApp } from './ui'

/**
 * Issue 10 in Chromium: shareable views (filters, sort, brush and the
 * statistics' threshold in the URL, Back undoing a change), the keyboard help
 * on `?`, and the runs view's parallel coordinates, brushed with the mouse,
 * narrowing the table. Data: two study CSVs imported from the CLI (40 runs).
 */
const LAMBDAS = [0, 0.01, 0.05, 0.1]



/** A study CSV: 5 runs per λ, α recorded twice (start, end); higher λ ends with smaller α. */
function studyCsv(shift: number): string {
  const lines = ['lambda,alpha0,alpha1,alpha2,iteration']
  for (const l of LAMBDAS) {
    for (let it = 0; it < 5; it++) {
      const end = Math.max(0, 0.8 - 7 * l - shift - 0.01 * it).toFixed(4)
      lines.push(`${l},0.5,0.5,0.5,${it}`, `${l},${end},${end},${end},${it}`)
    }
  }
  return lines.join('\n') + '\n'
}

if (!hasChromium) console.warn(`e2e: ${CHROMIUM} not found; the shareable-views end-to-end test is skipped`)

describe.skipIf(!hasChromium)('shareable views, keyboard help and parallel coordinates in Chromium', () => {
  let home: string
  let server: ServerHandle
  let browser: Browser
  let page: Page
  let origin: string
  const pageErrors: string[] = []

  const total = (): Promise<string | null> => page.getByTestId('runs-total').textContent()
  const hashParams = async (): Promise<URLSearchParams> => new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? '')
  const historyLength = (): Promise<number> => page.evaluate<number>('history.length')
  /**
   * Opens a link as a new page load, as a shared link is: a bare #/runs within
   * the same page is in-app navigation, which keeps the filters already set.
   */
  const open = async (path: string): Promise<void> => {
    await page.goto('about:blank')
    await page.goto(`${origin}/${path}`)
  }

  beforeAll(async () => {
    await ensureBuiltUi()
    home = mkdtempSync(join(tmpdir(), 'alpha-wb-e2e-url-'))
    const db = join(home, 'e2e.db')
    const env = { ...process.env, ALPHA_WB_HOME: home }
    for (const [name, shift] of [['alpha-study', 0], ['beta-study', 0.2]] as const) {
      const file = join(home, `${name}.csv`)
      writeFileSync(file, studyCsv(shift))
      execFileSync(process.execPath, [BIN, 'import', file, '--name', name, '--db', db], { env, encoding: 'utf8' })
    }
    server = await startServer(ROOT, ['--port', '0', '--workers', '1', '--db', db], env)
    origin = new URL(server.url).origin
    browser = await launchChromium()
    // The token is swapped for a session cookie; later loads are plain links.
    page = await openApp(browser, server.url, pageErrors)
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (home) rmSync(home, { recursive: true, force: true })
  })

  it('opens a shared runs link with its filters and sort, and ignores what is invalid', async () => {
    await page.goto(`${origin}/#/runs?dataset=alpha-study&lambdaMin=0.05&sort=lambda&dir=asc&alphaMax=7&status=done,bogus`)
    await expect.poll(total, { timeout: 20_000, interval: 100 }).toBe('10')
    expect(await page.locator('input[aria-label="λ min"]').inputValue()).toBe('0.05')
    expect(await page.locator('.chip', { hasText: 'alpha-study' }).locator('input').isChecked()).toBe(true)
    const lambdas = await page.locator('[data-testid="runs-table"] tbody tr td:nth-child(5)').allTextContents()
    expect(lambdas.map(Number)).toEqual([...lambdas.map(Number)].sort((a, b) => a - b))
    expect(new Set(lambdas.map(Number))).toEqual(new Set([0.05, 0.1]))
    // alphaMax=7 and 'bogus' were dropped from the URL; the rest stays as given.
    const params = await hashParams()
    expect([params.get('alphaMax'), params.get('status'), params.get('sort'), params.get('dir')]).toEqual([null, 'done', 'lambda', 'asc'])
  })

  it('writes a changed filter into the URL (typing replaces the entry, a tick pushes one) and Back undoes the tick', async () => {
    await open('#/runs')
    await expect.poll(total, { timeout: 20_000, interval: 100 }).toBe('40')
    const entries = await historyLength()
    await page.getByTestId('runs-search').fill('beta')
    await expect.poll(async () => (await hashParams()).get('q'), { timeout: 3_000, interval: 50 }).toBe('beta')
    expect(await historyLength()).toBe(entries)
    await expect.poll(total, { timeout: 5_000, interval: 100 }).toBe('20')

    await page.locator('input[aria-label="λ max"]').fill('0.01')
    await expect.poll(total, { timeout: 5_000, interval: 100 }).toBe('10')
    await page.locator('.chip', { hasText: 'failed' }).locator('input').check()
    await expect.poll(async () => (await hashParams()).get('status'), { timeout: 3_000, interval: 50 }).toBe('failed')
    expect(await historyLength()).toBe(entries + 1)
    // No run matches: the table gives way to a message (and its pager, with the total, goes too).
    await page.getByText('No run matches these filters').waitFor({ timeout: 5_000 })

    await page.goBack()
    await expect.poll(total, { timeout: 5_000, interval: 100 }).toBe('10')
    expect(await page.locator('.chip', { hasText: 'failed' }).locator('input').isChecked()).toBe(false)
    expect(Object.fromEntries(await hashParams())).toEqual({ q: 'beta', lambdaMax: '0.01' })
    // A nav link back to Runs keeps the filters and puts them in its URL.
    await page.getByRole('link', { name: /Queue/ }).click()
    await page.getByRole('link', { name: /^Runs/ }).click()
    await expect.poll(async () => Object.fromEntries(await hashParams()), { timeout: 3_000, interval: 50 }).toEqual({ q: 'beta', lambdaMax: '0.01' })
    await page.getByRole('button', { name: 'Clear filters' }).first().click()
    await expect.poll(total, { timeout: 5_000, interval: 100 }).toBe('40')
  })

  it('restores the statistics view from its URL, and keeps the default for threshold=-1', async () => {
    await page.goto(`${origin}/#/stats?dataset=alpha-study&threshold=0.2&pool=1`)
    await expect.poll(() => page.getByTestId('threshold-value').inputValue(), { timeout: 20_000, interval: 100 }).toBe('0.2')
    expect(await page.locator('fieldset', { hasText: 'datasets' }).locator('.chip', { hasText: 'alpha-study' }).locator('input').isChecked()).toBe(true)
    expect(await page.getByTestId('pool-repeats').isChecked()).toBe(true)
    await expect.poll(() => page.locator('[data-testid="collapse-table"] tbody').textContent(), { timeout: 10_000, interval: 100 }).not.toContain('beta-study')

    await page.goto(`${origin}/#/stats?threshold=-1`)
    await expect.poll(() => page.getByTestId('threshold-value').inputValue(), { timeout: 20_000, interval: 100 }).toBe('0.05')
    await expect.poll(() => page.locator('[data-testid="collapse-table"] tbody tr').count(), { timeout: 10_000, interval: 100 }).toBe(8)
    expect(new URL(page.url()).hash).toBe('#/stats')
    // Moving the threshold shows up in the URL.
    await page.getByTestId('threshold-value').fill('0.3')
    await expect.poll(async () => (await hashParams()).get('threshold'), { timeout: 3_000, interval: 50 }).toBe('0.3')
  })

  it('opens the keyboard help on ? and closes it on Esc; / focuses the runs search', async () => {
    await open('#/runs')
    await expect.poll(total, { timeout: 20_000, interval: 100 }).toBe('40')
    await page.locator('body').click({ position: { x: 5, y: 5 } })
    await page.keyboard.press('?')
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await help.waitFor({ state: 'visible', timeout: 3_000 })
    expect(await help.locator('[data-testid="shortcut"]').count()).toBeGreaterThanOrEqual(11)
    expect(await page.evaluate<string | null>('document.activeElement && document.activeElement.textContent')).toBe('Close')
    await page.keyboard.press('Escape')
    await help.waitFor({ state: 'hidden', timeout: 3_000 })
    await page.keyboard.press('/')
    expect(await page.evaluate<string | null>('document.activeElement && document.activeElement.getAttribute("data-testid")')).toBe('runs-search')
    // Typed into the search, ? is text, not the help.
    await page.keyboard.type('?')
    expect(await page.getByTestId('runs-search').inputValue()).toBe('?')
    expect(await help.isVisible()).toBe(false)
    await page.getByTestId('runs-search').fill('')
  })

  it('brushing the λ axis of the parallel coordinates narrows the table, lives in the URL and survives a reload', async () => {
    await open('#/runs')
    await expect.poll(total, { timeout: 20_000, interval: 100 }).toBe('40')
    const panel = page.locator('[data-chart="runs-parallel-coordinates"]')
    await expect.poll(() => panel.getAttribute('data-points'), { timeout: 10_000, interval: 100 }).toBe('40')
    const canvas = panel.locator('canvas').first()
    const box = (await canvas.boundingBox())!
    // parallel-options.ts: the plot spans left 56 … right 150, top 48 … bottom 28; λ is the first (leftmost) axis, 0 at the bottom, 0.1 at the top.
    const x = box.x + 56
    const yTop = box.y + 48
    const yBottom = box.y + box.height - 28
    await page.mouse.move(x, yTop - 4)
    await page.mouse.down()
    await page.mouse.move(x, yTop + 0.6 * (yBottom - yTop), { steps: 8 })
    await page.mouse.up()
    // λ 0.05 and 0.1 of both datasets remain.
    await expect.poll(total, { timeout: 5_000, interval: 100 }).toBe('20')
    const brushed = (await hashParams()).get('brushLambda')
    expect(brushed).toMatch(/^0\.0[3-4]\d*,0\.1$/)
    expect(await page.getByTestId('brush-chip').textContent()).toContain('λ')
    const lambdas = await page.locator('[data-testid="runs-table"] tbody tr td:nth-child(5)').allTextContents()
    expect(new Set(lambdas.map(Number))).toEqual(new Set([0.05, 0.1]))

    await page.reload()
    await expect.poll(total, { timeout: 20_000, interval: 100 }).toBe('20')
    expect((await hashParams()).get('brushLambda')).toBe(brushed)
    // Back undoes the brush (it pushed an entry).
    await page.goBack()
    await expect.poll(total, { timeout: 5_000, interval: 100 }).toBe('40')
    await page.goForward()
    await expect.poll(total, { timeout: 5_000, interval: 100 }).toBe('20')
    await page.getByTestId('clear-brush').click()
    await expect.poll(total, { timeout: 5_000, interval: 100 }).toBe('40')
    expect((await hashParams()).has('brushLambda')).toBe(false)
    expect(pageErrors).toEqual([])
  })
})
