import type { ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { listWorkers } from '../../src/main/cluster/worker'
import type { WorkerInfo } from '../../src/main/cluster/protocol'
import { openStore } from '../../src/main/store'
import { spawnCli, type CliResult } from './cli'

export interface RunSnapshot {
  status: string
  error: string | null
  worker: string | null
  steps: number[]
  alphas: number[][]
  finalAlpha: number[] | null
}

/** Every run of a database keyed by "λ/run index", with its full α history. */
export function snapshot(db: string): Map<string, RunSnapshot> {
  const store = openStore(db, { create: false })
  try {
    const runs = store.listRuns({ limit: 10_000 }).runs
    const series = store.getAlphaHistory(runs.map((r) => r.id))
    return new Map(
      runs.map((r) => {
        const s = series.find((x) => x.runId === r.id)
        return [
          `${r.lambda}/${r.runIndex}`,
          { status: r.status, error: r.error, worker: r.worker, steps: s?.steps ?? [], alphas: s?.alphas ?? [], finalAlpha: r.finalAlpha }
        ]
      })
    )
  } finally {
    store.close()
  }
}

export function waitFor(pred: () => boolean | Promise<boolean>, timeoutMs: number, what = 'a condition'): Promise<void> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const tick = async (): Promise<void> => {
      let ok: boolean
      try {
        ok = await pred()
      } catch {
        ok = false
      }
      if (ok) resolve()
      else if (Date.now() - started > timeoutMs) reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))
      else setTimeout(() => void tick(), 50)
    }
    void tick()
  })
}

/** A CLI child's output, collected; `done` resolves with its exit status. */
export interface Child {
  proc: ChildProcess
  out: () => string
  done: Promise<CliResult>
}

export function startCli(args: string[], home: string): Child {
  const proc = spawnCli(args, home)
  let stdout = ''
  let stderr = ''
  proc.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const done = new Promise<CliResult>((resolve) => proc.once('exit', (status) => resolve({ status, stdout, stderr })))
  return { proc, out: () => stdout + stderr, done }
}

export async function kill(child: Child, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return
  child.proc.kill(signal)
  await child.done
}

/** Starts a worker process with its own empty home (so it must fetch datasets by hash). */
export function startWorker(url: string, home: string, extra: string[] = []): Child {
  return startCli(['worker', '--redis', url, '--concurrency', '1', '--engine', 'native', ...extra], home)
}

/** `caFile`: a certificate to trust for rediss:// (this process read NODE_EXTRA_CA_CERTS at its start, before the test made one). */
export async function workersOn(url: string, caFile?: string): Promise<WorkerInfo[]> {
  const r = new Redis(url, { maxRetriesPerRequest: 1, tls: caFile ? { ca: readFileSync(caFile) } : undefined })
  r.on('error', () => {})
  try {
    return await listWorkers(r)
  } finally {
    r.disconnect()
  }
}

export async function waitForWorkers(url: string, n: number, timeoutMs = 60_000, caFile?: string): Promise<WorkerInfo[]> {
  let found: WorkerInfo[] = []
  await waitFor(
    async () => {
      found = await workersOn(url, caFile)
      return found.length >= n
    },
    timeoutMs,
    `${n} worker(s) to register`
  )
  return found
}

export function writeSpec(dir: string, name: string, spec: object): string {
  const file = join(dir, `${name}.json`)
  writeFileSync(file, JSON.stringify(spec))
  return file
}

/** Asserts two snapshots hold the same runs with bit-identical histories and final α. */
export function sameRuns(a: Map<string, RunSnapshot>, b: Map<string, RunSnapshot>): string[] {
  const problems: string[] = []
  if ([...a.keys()].sort().join() !== [...b.keys()].sort().join()) problems.push(`runs differ: ${[...a.keys()]} vs ${[...b.keys()]}`)
  for (const [key, run] of a) {
    const other = b.get(key)
    if (!other) continue
    if (run.status !== 'done') problems.push(`${key} is ${run.status}${run.error ? `: ${run.error}` : ''}`)
    if (JSON.stringify(run.steps) !== JSON.stringify(other.steps)) problems.push(`${key}: steps differ`)
    if (JSON.stringify(run.alphas) !== JSON.stringify(other.alphas)) problems.push(`${key}: α history differs`)
    if (JSON.stringify(run.finalAlpha) !== JSON.stringify(other.finalAlpha)) problems.push(`${key}: final α differs`)
  }
  return problems
}
