// Types of scripts/electron-sqlite.mjs (tests import it).
export interface SqliteEnv {
  root: string
  /** Electron's NODE_MODULE_VERSION (node-abi), null when unknown. */
  abi: string | null
  platform: string
  arch: string
  electron: { version: string; binary: boolean } | null
  betterSqlite3: { version: string; dir: string } | null
  prebuildInstall: string | null
  nodeGyp: string | null
  force: boolean
}
export interface SqliteIo {
  exists(path: string): boolean
  readJson(path: string): Record<string, unknown> | null
  writeJson(path: string, value: unknown): void
  mkdir(path: string): void
  remove(path: string): void
  copy(from: string, to: string): void
  /** The NODE_MODULE_VERSION a built addon registers, or null. */
  abiOf(path: string): string | null
  run(file: string, args: string[], cwd: string): { ok: boolean; detail: string }
  log(line: string): void
  warn(line: string): void
}
export type SqliteOutcome = 'skipped' | 'up-to-date' | 'prebuild' | 'node-gyp' | 'failed'
export const OUT_DIR: string
export const ADDON: string
export const FIX_COMMAND: string
export const ELECTRON_HEADERS: string
export const realIo: SqliteIo
export function inspect(root: string): SqliteEnv
export function ensureElectronSqlite(env: SqliteEnv, io?: SqliteIo): SqliteOutcome
