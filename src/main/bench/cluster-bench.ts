/**
 * `bench cluster`: what going through Redis costs, and how many workers one
 * coordinator can feed.
 *
 * 1. Throughput: the same scaled-down paper sweep on local threads, on one
 *    worker process (all cores) and on two worker processes, each timed from
 *    queueing to the last run written, workers already started.
 * 2. Ingest: simulated workers (a child process) answer every run job at
 *    once with a stored full-length result and the live progress a real run
 *    sends (a chunk every 64 steps, an epoch row every epoch); the coordinator
 *    (this process) writes them to SQLite. Runs/s, α records/s and the CPU the
 *    coordinator and Redis use.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import type { SweepSpec } from '../../shared/sweep-spec'
import { parseRedisUrl } from '../cluster/connection'
import { publishDataset } from '../cluster/datasets'
import { queuePrefix } from '../cluster/protocol'
import { RemoteExecutor } from '../cluster/remote-executor'
import { listWorkers } from '../cluster/worker'
import { loadDataset } from '../data'
import { openStore } from '../store'
import { queueSweep } from '../sweep/queue'
import { SweepRunner } from '../sweep/runner'
import type { RunExecutor } from '../sweep/executor'
import { projectRoot } from '../paths'

export interface ThroughputResult {
  label: string
  wallSeconds: number
  runs: number
  steps: number
}

export interface IngestResult {
  runs: number
  records: number
  wallSeconds: number
  /** Coordinator CPU (user + system) over the wall time: 1 = one core busy. */
  coordinatorCores: number
  redisCores: number
  liveProgress: boolean
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address()
      const port = typeof a === 'object' && a ? a.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/** A throw-away redis-server on a free loopback port (AOF on, fsync every second: Redis's default durability). */
export async function startRedisServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'awb-bench-redis-'))
  const port = await freePort()
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''], { stdio: 'ignore' })
  const failed = new Promise<never>((_, reject) => proc.once('error', (e) => reject(new Error(`cannot start redis-server: ${e.message}`))))
  const url = `redis://127.0.0.1:${port}`
  const probe = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 50 })
  probe.on('error', () => {})
  await Promise.race([probe.ping(), failed])
  probe.disconnect()
  return {
    url,
    stop: async () => {
      const exited = new Promise((r) => proc.once('exit', r))
      proc.kill('SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

function cli(args: string[], home: string): ChildProcess {
  return spawn(process.execPath, [join(projectRoot(), 'bin', 'alpha-wb.mjs'), ...args], {
    env: { ...process.env, ALPHA_WB_HOME: home },
    stdio: ['ignore', 'ignore', 'ignore']
  })
}

async function waitForWorkers(redis: Redis, n: number): Promise<void> {
  const started = Date.now()
  while ((await listWorkers(redis)).length < n) {
    if (Date.now() - started > 120_000) throw new Error(`bench cluster: ${n} worker(s) did not register within 120 s`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return
  const exited = new Promise((r) => c.once('exit', r))
  c.kill('SIGKILL')
  await exited
}

/** Queues `spec` in a temp database and trains it through `executor` (null: local threads); timed from queueing to the last run written. */
async function timeSweep(spec: SweepSpec, cacheDir: string, executor: (dbPath: string) => Promise<RunExecutor | undefined>, workers: number): Promise<{ wallSeconds: number; runs: number; steps: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'awb-bench-'))
  const dbPath = join(dir, 'bench.db')
  const store = openStore(dbPath)
  try {
    const ex = await executor(dbPath)
    const started = performance.now()
    const { sweep } = await queueSweep(store, spec, { cacheDir })
    const runner = new SweepRunner({ store, cacheDir, workers, engine: 'native', sweepId: sweep.id, executor: ex })
    let failed = ''
    runner.on('run-failed', (id, err) => (failed ||= `run ${id}: ${err}`))
    runner.start()
    await runner.whenIdle()
    const wallSeconds = (performance.now() - started) / 1000
    await runner.stop()
    if (failed) throw new Error(`bench cluster: ${failed}`)
    const p = store.sweepProgress(sweep.id)
    return { wallSeconds, runs: p.done, steps: p.stepsDone }
  } finally {
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function benchThroughput(spec: SweepSpec, opts: { cacheDir: string; url: string }): Promise<ThroughputResult[]> {
  const cores = cpus().length
  const target = parseRedisUrl(opts.url)
  const admin = new Redis(opts.url, { maxRetriesPerRequest: null })
  const out: ThroughputResult[] = []
  const remote = (dbPath: string): Promise<RunExecutor> => {
    const ex = new RemoteExecutor({ redis: target, prefix: queuePrefix(dbPath), loadDataset: (n) => loadDataset(n, { cacheDir: opts.cacheDir }), pollMs: 500 })
    return ex.ready().then(() => ex)
  }
  try {
    out.push({ label: `local, ${cores} thread(s)`, ...(await timeSweep(spec, opts.cacheDir, () => Promise.resolve(undefined), cores)) })
    for (const [processes, each] of [
      [1, cores],
      [2, Math.max(1, Math.floor(cores / 2))]
    ]) {
      const home = mkdtempSync(join(tmpdir(), 'awb-bench-worker-'))
      const children = Array.from({ length: processes }, () =>
        cli(['worker', '--redis', opts.url, '--concurrency', String(each), '--engine', 'native'], home)
      )
      try {
        await waitForWorkers(admin, processes)
        out.push({ label: `cluster, ${processes} worker process(es) × ${each} thread(s)`, ...(await timeSweep(spec, opts.cacheDir, remote, cores)) })
      } finally {
        await Promise.all(children.map(stopChild))
        await admin.del(...(await admin.keys('awb:worker:*')), 'awb:none')
        rmSync(home, { recursive: true, force: true })
      }
    }
  } finally {
    admin.disconnect()
  }
  return out
}

function redisCpuSeconds(info: string): number {
  const get = (k: string): number => Number(/^(\S+):(\S+)$/m.exec(info.split('\n').find((l) => l.startsWith(`${k}:`)) ?? '')?.[2] ?? 0)
  return get('used_cpu_user') + get('used_cpu_sys')
}

/** The coordinator's ingest capacity, against `simWorkers` simulated worker threads in one child process. */
export async function benchIngest(spec: SweepSpec, opts: { cacheDir: string; url: string; simWorkers: number; live: boolean; trainCount: number }): Promise<IngestResult> {
  const target = parseRedisUrl(opts.url)
  const admin = new Redis(opts.url, { maxRetriesPerRequest: null })
  const dir = mkdtempSync(join(tmpdir(), 'awb-bench-'))
  const dbPath = join(dir, 'ingest.db')
  const store = openStore(dbPath)
  const prefix = queuePrefix(dbPath)
  const sim = spawn(
    process.execPath,
    ['--import', 'tsx', join(projectRoot(), 'src', 'main', 'bench', 'cluster-sim-worker.ts'), opts.url, prefix, String(opts.simWorkers), opts.live ? 'live' : 'quiet', String(opts.trainCount)],
    { stdio: ['ignore', 'ignore', 'inherit'] }
  )
  try {
    await waitForWorkers(admin, 1)
    const executor = new RemoteExecutor({
      redis: target,
      prefix,
      loadDataset: (n) => loadDataset(n, { cacheDir: opts.cacheDir }),
      maxInFlight: 4 * opts.simWorkers,
      pollMs: 500
    })
    await executor.ready()
    const { sweep } = await queueSweep(store, spec, { cacheDir: opts.cacheDir })
    // The dataset is published before the clock starts: it is stored once per sweep, not per run.
    await publishDataset(admin, await loadDataset(spec.datasets[0], { cacheDir: opts.cacheDir }))
    const runner = new SweepRunner({ store, cacheDir: opts.cacheDir, sweepId: sweep.id, executor })
    let failed = ''
    runner.on('run-failed', (id, err) => (failed ||= `run ${id}: ${err}`))
    const redis0 = redisCpuSeconds(await admin.info('cpu'))
    const cpu0 = process.cpuUsage()
    const started = performance.now()
    runner.start()
    await runner.whenIdle()
    const wallSeconds = (performance.now() - started) / 1000
    const cpu = process.cpuUsage(cpu0)
    const redisCpu = redisCpuSeconds(await admin.info('cpu')) - redis0
    await runner.stop()
    if (failed) throw new Error(`bench cluster ingest: ${failed}`)
    const p = store.sweepProgress(sweep.id)
    const records = (store.sql.db.prepare('SELECT SUM(count) AS n FROM alpha_history').get() as { n: number }).n
    return {
      runs: p.done,
      records,
      wallSeconds,
      coordinatorCores: (cpu.user + cpu.system) / 1e6 / wallSeconds,
      redisCores: redisCpu / wallSeconds,
      liveProgress: opts.live
    }
  } finally {
    await stopChild(sim)
    admin.disconnect()
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
