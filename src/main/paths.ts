import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The app's name on disk; Electron's userData folder uses the same name, so CLI and app share one database. */
export const APP_DIR_NAME = 'alpha-workbench'

/**
 * Where the database and the dataset cache live: $ALPHA_WB_HOME, else the
 * per-user application-data folder Electron's app.getPath('userData') uses.
 */
export function defaultDataDir(): string {
  if (process.env.ALPHA_WB_HOME) return resolve(process.env.ALPHA_WB_HOME)
  const home = homedir()
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR_NAME)
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_DIR_NAME)
  return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), APP_DIR_NAME)
}

/** Default database file: $ALPHA_WB_DB, else <data dir>/workbench.db. */
export function defaultDbPath(): string {
  return process.env.ALPHA_WB_DB ? resolve(process.env.ALPHA_WB_DB) : join(defaultDataDir(), 'workbench.db')
}

export function defaultDatasetCacheDir(dataDir = defaultDataDir()): string {
  return join(dataDir, 'datasets')
}

/** The project root (the folder holding package.json and resources/), from sources or from out/main. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'resources'))) return dir
    dir = dirname(dir)
  }
  throw new Error(`cannot find the project root above ${fileURLToPath(import.meta.url)}`)
}

/**
 * The on-disk twin of a path inside an asar archive. electron-builder keeps
 * the files `asarUnpack` names in app.asar.unpacked beside app.asar; native
 * code (.node files) must be loaded from there. Paths outside an archive are
 * returned unchanged.
 */
export function unpackedPath(p: string): string {
  return p.replace(/([\\/])app\.asar(?=[\\/]|$)/, '$1app.asar.unpacked')
}

export function resourcePath(...parts: string[]): string {
  return join(projectRoot(), 'resources', ...parts)
}
