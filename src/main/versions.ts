import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { projectRoot } from './paths'

const require = createRequire(import.meta.url)

function packageVersion(name: string): string | null {
  try {
    return (require(`${name}/package.json`) as { version: string }).version
  } catch {
    return null
  }
}

export interface Versions {
  app: string
  node: string
  /** The running Electron, else the installed package's version, else null (not installed). */
  electron: string | null
  electronRunning: boolean
  /** Whether Electron's binary is on disk (its download can fail where the package installed). */
  electronBinary: boolean
  tfjs: string
  tfjsNode: string | null
  betterSqlite3: string | null
}

/** Versions recorded with every run and shown by `doctor`. */
export function versions(): Versions {
  const running = process.versions.electron
  return {
    app: (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version,
    node: process.versions.node,
    electron: running ?? packageVersion('electron'),
    electronRunning: Boolean(running),
    electronBinary: Boolean(running) || electronBinaryPresent(),
    // Read from its package.json: importing TF.js itself only for this string cost every CLI call about a second.
    tfjs: packageVersion('@tensorflow/tfjs') ?? 'unknown',
    tfjsNode: packageVersion('@tensorflow/tfjs-node'),
    betterSqlite3: packageVersion('better-sqlite3')
  }
}

function electronBinaryPresent(): boolean {
  try {
    // The package's main export is the binary's path; it throws when the download failed.
    const path: unknown = require('electron')
    return typeof path === 'string' && existsSync(path)
  } catch {
    return false
  }
}
