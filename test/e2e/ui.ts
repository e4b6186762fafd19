/**
 * What every Chromium test shares: the built renderer (out/renderer), built
 * when missing or older than its sources (a lock keeps test files that start
 * together from building into one folder at once), and Chromium launched the
 * way this machine needs it (headless, no sandbox as root, no background
 * networking: the machine has no internet).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from 'playwright-core'

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
  const lock = join(ROOT, 'out', '.test-ui-build.lock')
  mkdirSync(join(ROOT, 'out'), { recursive: true })
  const started = Date.now()
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      if (Date.now() - started > 240_000) throw new Error(`${lock} held for 4 minutes: remove it if no build is running`)
      await new Promise((r) => setTimeout(r, 250))
    }
  }
  try {
    const sources = Math.max(newestMtime(join(ROOT, 'src', 'renderer')), newestMtime(join(ROOT, 'src', 'shared')))
    if (existsSync(BUILT_UI) && statSync(BUILT_UI).mtimeMs >= sources) return
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '-c', 'vite.renderer.config.ts', '--logLevel', 'error'], { cwd: ROOT, stdio: 'inherit' })
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
}
