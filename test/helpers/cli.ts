import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../../bin/alpha-wb.mjs', import.meta.url))

/** A throwaway app-data folder (dataset cache) and database path for CLI tests. */
export function tempHome(prefix = 'awb-cli-'): { home: string; db: string; cleanup(): void } {
  const home = mkdtempSync(join(tmpdir(), prefix))
  return { home, db: join(home, 'test.db'), cleanup: () => rmSync(home, { recursive: true, force: true }) }
}

export interface CliResult {
  status: number | null
  stdout: string
  stderr: string
}

export function runCli(args: string[], home: string): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ALPHA_WB_HOME: home }, encoding: 'utf8', timeout: 240_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

export function spawnCli(args: string[], home: string): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ALPHA_WB_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] })
}
