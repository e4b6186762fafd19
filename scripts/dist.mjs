#!/usr/bin/env node
// `npm run dist`: installers for the current platform (Linux AppImage + deb,
// macOS dmg, Windows nsis; electron-builder.json). Three steps, each stopping
// the build with its reason:
//   1. better-sqlite3 for Electron's ABI in native-electron/ (the packaged app
//      loads only that build; see scripts/electron-sqlite.mjs),
//   2. electron-vite build (out/),
//   3. electron-builder, which downloads the Electron runtime it packages.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureElectronSqlite, FIX_COMMAND, inspect } from './electron-sqlite.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const env = inspect(root)
if (!env.electron) {
  console.error('dist: the electron package is not installed (npm install installs it).')
  process.exit(1)
}
// Packaging needs the Electron build of better-sqlite3 even where Electron's own binary is absent.
const sqlite = ensureElectronSqlite({ ...env, electron: { ...env.electron, binary: true } })
if (sqlite === 'failed') {
  console.error(`dist: stopped: without better-sqlite3 built for Electron ${env.electron.version} the packaged app cannot open its database. Fix: ${FIX_COMMAND}`)
  process.exit(1)
}
const bin = (pkg, file) => join(root, 'node_modules', pkg, file)
const step = (name, file, args) => {
  console.log(`dist: ${name}`)
  const r = spawnSync(process.execPath, [file, ...args], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) {
    console.error(`dist: stopped at "${name}" (${r.error?.message ?? `exit ${r.status}`})`)
    process.exit(r.status || 1)
  }
}
step('electron-vite build', bin('electron-vite', 'bin/electron-vite.js'), ['build'])
step('electron-builder', bin('electron-builder', 'cli.js'), ['--publish', 'never', ...process.argv.slice(2)])
console.log('dist: installers are in dist/')
