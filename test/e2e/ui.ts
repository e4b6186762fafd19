/**
 * What every Chromium test shares: the built renderer (out/renderer), built
 * when missing or older than its sources (a lock keeps test files that start
 * together from building into one folder at once), and Chromium launched the
 * way this machine needs it (headless, no sandbox as root, no background
 * networking: the machine has no internet).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { withBuildLock } from '../helpers/build-lock'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const BIN = join(ROOT, 'bin', 'alpha-wb.mjs')
export const hasChromium = existsSync(CHROMIUM)
const BUILT_UI = join(ROOT, 'out', 'renderer', 'index.html')

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

/** Builds the renderer when out/renderer is missing or older than its sources. */
export async function ensureBuiltUi(): Promise<void> {
  await withBuildLock(join(ROOT, 'out', '.test-ui-build.lock'), () => {
    const sources = Math.max(newestMtime(join(ROOT, 'src', 'renderer')), newestMtime(join(ROOT, 'src', 'shared')))
    if (existsSync(BUILT_UI) && statSync(BUILT_UI).mtimeMs >= sources) return
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '-c', 'vite.renderer.config.ts', '--logLevel', 'error'], { cwd: ROOT, stdio: 'inherit' })
  })
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
}

/**
 * A page on the app `serve` printed at `url` (its ?token= swapped for the
 * session cookie), once the back end answered (the status bar shows the
 * engine). Page errors go into `errors`.
 */
export async function openApp(browser: Browser, url: string, errors: string[], opts: { acceptDownloads?: boolean } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: opts.acceptDownloads ?? false })
  page.on('pageerror', (err) => errors.push(err.message))
  await page.goto(url)
  await page.getByTestId('engine').filter({ hasNotText: '…' }).waitFor({ timeout: 60_000 })
  return page
}

/** An API call through the page's own session (its cookie), as the UI makes it. */
export async function pageApi<T>(page: Page, method: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(
    async ([m, a]) => {
      const res = await fetch(`/api/${m as string}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(a) })
      const body = (await res.json()) as unknown
      if (!res.ok) throw new Error(JSON.stringify(body))
      return body
    },
    [method, args] as const
  ) as Promise<T>
}
