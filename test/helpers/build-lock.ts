import { mkdirSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * Runs `fn` holding a lock folder at `lock` (mkdir is atomic), so test files
 * that start together do not build into one output folder at once.
 */
export async function withBuildLock<T>(lock: string, fn: () => T | Promise<T>): Promise<T> {
  mkdirSync(dirname(lock), { recursive: true })
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
    return await fn()
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}
