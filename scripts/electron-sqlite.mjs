#!/usr/bin/env node
// npm's postinstall step (also `npm run electron:sqlite`): builds better-sqlite3
// for Electron's ABI into native-electron/better-sqlite3, a folder of the
// project's own, so node_modules/better-sqlite3 keeps the Node build the CLI
// and `serve` load. better-sqlite3 is a V8 addon, not Node-API: Electron's
// main process cannot load the Node build.
//
// 1. Electron's binary absent (its download failed or was skipped): skip, one line.
// 2. Up to date (same Electron, better-sqlite3, platform, arch): nothing to do.
// 3. better-sqlite3's published prebuild for this Electron
//    (prebuild-install --runtime electron --target <version>), else
// 4. node-gyp against Electron's headers.
// A failure never fails `npm install` (the CLI works without this build); the
// desktop app then says what is missing and this command fixes it.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const OUT_DIR = join('native-electron', 'better-sqlite3')
export const ADDON = join('build', 'Release', 'better_sqlite3.node')
export const FIX_COMMAND = 'npm run electron:sqlite'
export const ELECTRON_HEADERS = 'https://electronjs.org/headers'
const TAG = 'alpha-workbench:'

/** What is installed: Electron (version, whether its binary is on disk), better-sqlite3, and the two build tools. */
export function inspect(root) {
  const require = createRequire(join(root, 'package.json'))
  const version = (name) => {
    try {
      return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version
    } catch {
      return null
    }
  }
  const resolveFrom = (id, paths) => {
    try {
      return require.resolve(id, paths ? { paths } : undefined)
    } catch {
      return null
    }
  }
  let binary
  try {
    // The electron package's main export is its binary's path; it throws when the download failed.
    const path = require('electron')
    binary = typeof path === 'string' && existsSync(path)
  } catch {
    binary = false
  }
  const electron = version('electron')
  const sqliteVersion = version('better-sqlite3')
  const sqliteDir = sqliteVersion ? dirname(require.resolve('better-sqlite3/package.json')) : null
  let abi
  try {
    // node-abi (prebuild-install's) maps an Electron version to its NODE_MODULE_VERSION.
    const nodeAbi = createRequire(resolveFrom('prebuild-install/package.json', sqliteDir ? [sqliteDir] : undefined) ?? join(root, 'package.json'))('node-abi')
    abi = electron ? nodeAbi.getAbi(electron, 'electron') : null
  } catch {
    abi = null
  }
  return {
    root,
    abi,
    platform: process.platform,
    arch: process.arch,
    electron: electron ? { version: electron, binary } : null,
    betterSqlite3: sqliteDir ? { version: sqliteVersion, dir: sqliteDir } : null,
    prebuildInstall: sqliteDir ? resolveFrom('prebuild-install/bin.js', [sqliteDir]) : null,
    nodeGyp: [process.env.npm_config_node_gyp, resolveFrom('node-gyp/bin/node-gyp.js')].find((p) => p && existsSync(p)) ?? null,
    force: false
  }
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch {
    return null
  }
}

/** The real file system and processes; tests pass doubles. */
export const realIo = {
  exists: existsSync,
  readJson,
  writeJson: (path, value) => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`),
  mkdir: (path) => mkdirSync(path, { recursive: true }),
  remove: (path) => rmSync(path, { recursive: true, force: true }),
  copy: (from, to) => cpSync(from, to, { recursive: true }),
  abiOf: (path) => {
    // A V8 addon exports node_register_module_v<NODE_MODULE_VERSION>: the ABI it was built for.
    const m = /node_register_module_v(\d+)/.exec(readFileSync(path).toString('latin1'))
    return m ? m[1] : null
  },
  run: (file, args, cwd) => {
    // npm passes its own settings down (Debian's npm sets nodedir=/usr, Node's headers):
    // they would override --target/--runtime and build for Node instead of Electron.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_(nodedir|target|runtime|disturl|dist_url|arch)$/i.test(k)))
    const r = spawnSync(file, args, { cwd, stdio: 'inherit', env })
    return { ok: r.status === 0, detail: r.error ? r.error.message : `exit ${r.status}` }
  },
  log: (line) => console.log(line),
  warn: (line) => console.warn(line)
}

/**
 * Decides and does. `env` is what inspect() found, `io` the side effects.
 * Returns what happened: 'skipped' | 'up-to-date' | 'prebuild' | 'node-gyp' | 'failed'.
 */
export function ensureElectronSqlite(env, io = realIo) {
  if (!env.electron) {
    io.log(`${TAG} Electron is not installed; no Electron build of better-sqlite3 needed (the CLI and \`npm run serve\` use the Node build)`)
    return 'skipped'
  }
  if (!env.electron.binary) {
    io.log(`${TAG} Electron's binary is absent (download failed or skipped): not building better-sqlite3 for Electron; \`${FIX_COMMAND}\` does once it is installed`)
    return 'skipped'
  }
  if (!env.betterSqlite3) {
    io.warn(`${TAG} better-sqlite3 is not installed: run \`npm install\``)
    return 'failed'
  }
  const out = join(env.root, OUT_DIR)
  const addon = join(out, ADDON)
  const infoFile = join(out, 'build-info.json')
  const target = { electron: env.electron.version, betterSqlite3: env.betterSqlite3.version, platform: env.platform, arch: env.arch }
  const info = io.readJson(infoFile)
  if (!env.force && info && io.exists(addon) && Object.entries(target).every(([k, v]) => info[k] === v)) {
    io.log(`${TAG} better-sqlite3 for Electron ${target.electron} is up to date (${OUT_DIR})`)
    return 'up-to-date'
  }

  // A staging copy of the package: prebuild-install and node-gyp work in the
  // current folder, and must not touch node_modules/better-sqlite3.
  io.remove(out)
  io.mkdir(out)
  io.copy(join(env.betterSqlite3.dir, 'package.json'), join(out, 'package.json'))
  const attempts = []
  /** null when the addon is there and built for Electron's ABI, else what is wrong. */
  const wrongBuild = () => {
    if (!io.exists(addon)) return `no ${ADDON}`
    const abi = io.abiOf(addon)
    return env.abi && abi !== env.abi ? `built for ABI ${abi ?? 'unknown'}, Electron ${target.electron} needs ${env.abi}` : null
  }
  const done = (method) => {
    io.writeJson(infoFile, { ...target, abi: env.abi, method, builtAt: new Date().toISOString() })
    io.log(`${TAG} better-sqlite3 ${target.betterSqlite3} built for Electron ${target.electron} (${method}) in ${OUT_DIR}`)
    return method
  }

  if (env.prebuildInstall) {
    const r = io.run(
      process.execPath,
      [env.prebuildInstall, '--runtime', 'electron', '--target', target.electron, '--arch', target.arch, '--platform', target.platform],
      out
    )
    const wrong = r.ok ? wrongBuild() : r.detail
    if (wrong === null) return done('prebuild')
    attempts.push(`prebuild-install: ${wrong}`)
  } else {
    attempts.push('prebuild-install: not installed')
  }

  if (env.nodeGyp) {
    for (const part of ['binding.gyp', 'src', 'deps']) io.copy(join(env.betterSqlite3.dir, part), join(out, part))
    const r = io.run(
      process.execPath,
      [env.nodeGyp, 'rebuild', '--release', `--target=${target.electron}`, `--arch=${target.arch}`, '--runtime=electron', `--dist-url=${ELECTRON_HEADERS}`],
      out
    )
    const wrong = r.ok ? wrongBuild() : r.detail
    if (wrong === null) return done('node-gyp')
    attempts.push(`node-gyp: ${wrong}`)
  } else {
    attempts.push('node-gyp: not found')
  }

  io.remove(addon)
  io.warn(
    `${TAG} could not build better-sqlite3 for Electron ${target.electron} (${attempts.join('; ')}).\n` +
      `The desktop app will say so when it starts; the CLI and \`npm run serve\` work. Retry with: ${FIX_COMMAND}`
  )
  return 'failed'
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..')
  const env = { ...inspect(root), force: process.argv.includes('--force') }
  ensureElectronSqlite(env)
}
