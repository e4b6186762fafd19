/**
 * The HTML report opened offline in Chromium: every figure draws (an SVG with
 * marks in each chart), nothing is fetched from anywhere, no script errors.
 * Data: three synthetic files in the study's CSV format, imported.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderReport } from '../../src/main/reports/html'
import { importOriginalCsv, openStore } from '../../src/main/store'
import { studyCsv } from '../helpers/study-csv'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARTIFACTS = join(fileURLToPath(new URL('../..', import.meta.url)), 'test-artifacts', 'report')
const hasChromium = existsSync(CHROMIUM)
const BIN = fileURLToPath(new URL('../../bin/alpha-wb.mjs', import.meta.url))
if (!hasChromium) console.warn(`report e2e: ${CHROMIUM} not found (apt-get install -y chromium); skipped`)

describe.skipIf(!hasChromium)('the HTML report in Chromium, offline', () => {
  let dir: string
  let file: string
  let browser: Browser
  let figures = 0

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'awb-report-'))
    const store = openStore(join(dir, 'r.db'), { create: true })
    try {
      for (const i of [1, 2, 3]) importOriginalCsv(store, studyCsv(20 + i, i === 3 ? 0.015 : 0.025), { fileName: `study-${i}.csv` })
      const html = renderReport(store, { pool: true, now: new Date(0) })
      figures = Number(/<body data-figures="(\d+)"/.exec(html)?.[1])
      file = join(dir, 'report.html')
      writeFileSync(file, html)
    } finally {
      store.close()
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
  })
  afterAll(async () => {
    await browser?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('draws every figure without the network or errors', async () => {
    // 4 (Figures 1–4) + Figure 5 + Figure 6 for 3 datasets and pooled + Figure 7 for 3 datasets and pooled.
    expect(figures).toBe(4 + 1 + 4 + 4)
    const context = await browser.newContext({ offline: true, viewport: { width: 1200, height: 900 } })
    const page = await context.newPage()
    const requests: string[] = []
    const errors: string[] = []
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url())
    })
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    await page.goto(pathToFileURL(file).href)
    await page.waitForSelector(`body[data-rendered="${figures}"]`, { timeout: 30_000 })
    const marks = await page.evaluate<number[]>(`[...document.querySelectorAll('.chart')].map((el) => el.querySelectorAll('svg path, svg circle, svg rect').length)`)
    expect(marks).toHaveLength(figures)
    for (const [i, n] of marks.entries()) expect(n, `figure ${i + 1} draws marks`).toBeGreaterThan(20)
    const text = await page.evaluate<string>('document.body.innerText')
    expect(text).toMatch(/The datasets study-1, study-2, study-3 (differ|are consistent)/)
    expect(text).toMatch(/step axis is reconstructed/)
    expect(text).toMatch(/Runs: seeds and engines/)
    expect(errors).toEqual([])
    expect(requests).toEqual([])
    mkdirSync(ARTIFACTS, { recursive: true })
    await page.setViewportSize({ width: 1200, height: 4000 })
    await page.screenshot({ path: join(ARTIFACTS, 'report.png') })
    await context.close()
  })

  it('from the CLI, for a trained sweep: `report --sweep ID --out FILE.html` carries its spec, seeds, engine and versions, and draws offline', async () => {
    const home = join(dir, 'cli')
    mkdirSync(home, { recursive: true })
    const db = join(home, 'trained.db')
    const spec = join(home, 'spec.json')
    writeFileSync(spec, JSON.stringify({ preset: 'paper', name: 'tiny', datasets: ['mnist'], lambdas: [0, 0.05], runsPerLambda: 2, epochs: 1, subsample: 256 }))
    const env = { ...process.env, ALPHA_WB_HOME: home }
    const cli = (args: string[]) => execFileSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 })
    cli(['sweep', '--spec', spec, '--db', db, '--workers', '1'])
    const out = join(home, 'sweep-1.html')
    expect(cli(['report', '--sweep', '1', '--out', out, '--db', db])).toMatch(/sweep-1\.html: \d+ KiB/)
    const context = await browser.newContext({ offline: true, viewport: { width: 1200, height: 900 } })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(pathToFileURL(out).href)
    const count = await page.evaluate<number>('Number(document.body.dataset.figures)')
    expect(count).toBeGreaterThanOrEqual(5)
    await page.waitForSelector(`body[data-rendered="${count}"]`, { timeout: 30_000 })
    const text = await page.evaluate<string>('document.body.innerText')
    expect(text).toMatch(/sweep #1/)
    expect(text).toMatch(/tiny/)
    expect(text).toMatch(/native \/ (avx512|avx2|generic)|tfjs \/ (wasm|cpu|tensorflow)/)
    expect(text).toContain(process.versions.node)
    // Every run's seeds, as stored: one row per run with its four seeds.
    expect((text.match(/\{"weights":\d+,"alpha":\d+,"order":\d+,"subsample":\d+\}/g) ?? []).length).toBe(4)
    expect(errors).toEqual([])
    await context.close()
  })
})
