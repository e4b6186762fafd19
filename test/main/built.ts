import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { withBuildLock } from '../helpers/build-lock'

/**
 * The built app (out/main, out/preload), as the desktop app ships it. Built
 * with `electron-vite build` (no Electron binary needed; main and preload only) when missing or older
 * than the main, preload or shared sources; a lock keeps parallel test files
 * from building at once.
 */
export const ROOT = resolve(__dirname, '../..')
const OUTPUTS = ['out/main/index.js', 'out/main/train-worker.js', 'out/preload/index.cjs'].map((p) => join(ROOT, p))
const SOURCES = ['src/main', 'src/preload', 'src/shared', 'electron.vite.config.ts'].map((p) => join(ROOT, p))

function newest(path: string): number {
  const s = statSync(path)
  if (!s.isDirectory()) return s.mtimeMs
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))))
}

function stale(): boolean {
  if (!OUTPUTS.every((o) => existsSync(o))) return true
  const built = Math.min(...OUTPUTS.map((o) => statSync(o).mtimeMs))
  return Math.max(...SOURCES.map(newest)) > built
}

export async function ensureBuilt(): Promise<void> {
  await withBuildLock(join(ROOT, 'out', '.test-build.lock'), () => {
    if (!stale()) return
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ALPHA_WB_BUILD_MAIN_ONLY: '1' }
    })
    if (r.status !== 0) throw new Error(`electron-vite build failed:\n${r.stderr || r.stdout}`)
  })
}
