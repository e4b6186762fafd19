#!/usr/bin/env node
// `npm start`: build the app and open it in Electron. Where Electron's binary
// could not be downloaded at install, say so and point to the browser mode.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)

function electronBinary() {
  try {
    // The electron package exports the binary's path; it throws when the download failed.
    const path = require('electron')
    return typeof path === 'string' && existsSync(path) ? path : null
  } catch {
    return null
  }
}

if (!electronBinary()) {
  console.error(
    [
      'Electron is not installed on this machine (its binary download failed or was skipped),',
      'so the desktop window cannot open. The same app runs in your browser:',
      '',
      '    npm run serve        then open the URL it prints',
      '',
      'To get the desktop app, re-run `npm install` where the Electron download can succeed.'
    ].join('\n')
  )
  process.exit(1)
}

// The window's back end needs better-sqlite3 built for Electron's ABI (normally made at install; this
// catches an Electron upgrade or an install that ran before Electron's binary was there).
const { ensureElectronSqlite, inspect } = await import('./electron-sqlite.mjs')
ensureElectronSqlite(inspect(join(dirname(fileURLToPath(import.meta.url)), '..')))

const run = (args) => spawnSync('npx', ['electron-vite', ...args], { stdio: 'inherit' }).status ?? 1
const built = run(['build'])
if (built !== 0) process.exit(built)
process.exit(run(['preview']))
