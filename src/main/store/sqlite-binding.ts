import Database from 'better-sqlite3'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { projectRoot, unpackedPath } from '../paths'

/**
 * Which build of better-sqlite3 this runtime loads. better-sqlite3 is a V8
 * addon (not Node-API), so a build for Node's ABI does not load in Electron.
 * The CLI and `serve` use the Node build npm installed in
 * node_modules/better-sqlite3; when Electron hosts the back end, the store
 * passes the Electron-ABI build that scripts/electron-sqlite.mjs (postinstall)
 * put in native-electron/better-sqlite3 as better-sqlite3's `nativeBinding`.
 */

/** Where the Electron build lives, relative to the project root (a folder of the project's own). */
export const ELECTRON_SQLITE_DIR = join('native-electron', 'better-sqlite3')
export const SQLITE_ADDON = join('build', 'Release', 'better_sqlite3.node')
/** The one command that (re)builds it. */
export const ELECTRON_SQLITE_FIX = 'npm run electron:sqlite'

type RuntimeVersions = Partial<Record<'node' | 'electron' | 'modules', string>>

/** What the install script records beside the Electron build. */
export interface ElectronBuildInfo {
  electron: string
  abi: string | null
  betterSqlite3: string
  platform: string
  arch: string
  method: 'prebuild' | 'node-gyp'
  builtAt: string
}

export function electronSqlitePath(root = projectRoot()): string {
  return unpackedPath(join(root, ELECTRON_SQLITE_DIR, SQLITE_ADDON))
}

/** The Node build npm installed (node_modules/better-sqlite3/build/Release), or null when better-sqlite3 is missing. */
export function nodeSqlitePath(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('better-sqlite3/package.json')
    return join(dirname(pkg), SQLITE_ADDON)
  } catch {
    return null
  }
}

/**
 * The `nativeBinding` the store passes to better-sqlite3: the Electron build's
 * path when Electron runs this process (main process or its worker threads),
 * else undefined (better-sqlite3's own Node build).
 */
export function sqliteNativeBinding(versions: RuntimeVersions = process.versions, root?: string): string | undefined {
  return versions.electron ? electronSqlitePath(root) : undefined
}

export function readElectronBuildInfo(root = projectRoot()): ElectronBuildInfo | null {
  try {
    return JSON.parse(readFileSync(join(root, ELECTRON_SQLITE_DIR, 'build-info.json'), 'utf8')) as ElectronBuildInfo
  } catch {
    return null
  }
}

/** Opens an in-memory database with the given build; null when it works, else the loader's message. */
export function tryLoad(binding: string | undefined): string | null {
  try {
    new Database(':memory:', binding ? { nativeBinding: binding } : {}).close()
    return null
  } catch (e) {
    return (e as Error).message.split('\n')[0]
  }
}

export type SqliteCheck = { ok: true; binding: string | undefined } | { ok: false; problem: string; fix: string }

/**
 * Checked before the desktop app opens its database: the build this runtime
 * needs exists and loads. On failure, the problem and the one fix, for the
 * error dialog (a packaged app is fixed by reinstalling, a checkout by the script).
 */
export function checkSqliteBinding(opts: { versions?: RuntimeVersions; root?: string; isPackaged?: boolean } = {}): SqliteCheck {
  const versions = opts.versions ?? process.versions
  const binding = sqliteNativeBinding(versions, opts.root)
  const fix = opts.isPackaged ? 'Reinstall α-Workbench: this installation is missing a file.' : ELECTRON_SQLITE_FIX
  if (binding && !existsSync(binding)) {
    return {
      ok: false,
      problem: `better-sqlite3 has no build for Electron ${versions.electron} (ABI ${versions.modules ?? '?'}): ${binding} is missing.`,
      fix
    }
  }
  const error = tryLoad(binding)
  if (error === null) return { ok: true, binding }
  return {
    ok: false,
    problem: binding
      ? `The Electron build of better-sqlite3 (${binding}) does not load in Electron ${versions.electron}: ${error}`
      : `better-sqlite3 does not load: ${error}`,
    fix
  }
}

export interface SqliteBuild {
  path: string | null
  exists: boolean
  /** Node build: whether it loads in this process. Electron build: what the install script recorded. */
  loads?: boolean
  error?: string
  built?: ElectronBuildInfo | null
  /** Why the Electron build must be rebuilt (it was made for another Electron or better-sqlite3), else absent. */
  stale?: string
}

export interface SqliteBuilds {
  node: SqliteBuild
  electron: SqliteBuild
  /** Which build each runtime loads. */
  uses: { cli: 'node'; serve: 'node'; desktop: 'electron' }
  fix: string
}

/** Both builds of better-sqlite3, for `doctor`. The Electron build cannot be loaded from Node (other ABI): its record is reported. */
export function describeSqliteBuilds(expect: { electron: string | null; betterSqlite3: string | null }, root = projectRoot()): SqliteBuilds {
  const nodePath = nodeSqlitePath()
  const nodeExists = nodePath !== null && existsSync(nodePath)
  const nodeError = nodeExists && !process.versions.electron ? tryLoad(undefined) : null
  const electronPath = electronSqlitePath(root)
  const built = readElectronBuildInfo(root)
  const electronExists = existsSync(electronPath)
  let stale: string | undefined
  if (electronExists && built) {
    if (expect.electron && built.electron !== expect.electron) stale = `built for Electron ${built.electron}, installed ${expect.electron}`
    else if (expect.betterSqlite3 && built.betterSqlite3 !== expect.betterSqlite3) {
      stale = `built from better-sqlite3 ${built.betterSqlite3}, installed ${expect.betterSqlite3}`
    }
  }
  return {
    node: { path: nodePath, exists: nodeExists, loads: nodeExists && nodeError === null, ...(nodeError ? { error: nodeError } : {}) },
    electron: { path: electronPath, exists: electronExists, built, ...(stale ? { stale } : {}) },
    uses: { cli: 'node', serve: 'node', desktop: 'electron' },
    fix: ELECTRON_SQLITE_FIX
  }
}
