/**
 * Cluster sweeps against a real redis-server (Debian's, AOF on, a free
 * loopback port, started by each test) with workers as separate processes.
 * Every sweep is scaled down (MNIST subsample, one or two epochs) so a test
 * takes seconds; each is bounded in time.
 */
import { join } from 'node:path'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseRedisUrl } from '../../src/main/cluster/connection'
import { DATASET_KEY_PREFIX, QUEUE_NAME, QUEUES_KEY, queuePrefix } from '../../src/main/cluster/protocol'
import { RemoteExecutor } from '../../src/main/cluster/remote-executor'
import { loadDataset } from '../../src/main/data'
import { openStore } from '../../src/main/store'
import { SweepRunner } from '../../src/main/sweep/runner'
import { WorkbenchService } from '../../src/main/service'
import { queueSweep } from '../../src/main/sweep/queue'
import { parseSpec } from '../../src/main/sweep/spec'
import { runCli, tempHome } from '../helpers/cli'
import { kill, sameRuns, snapshot, startCli, startWorker, waitFor, waitForWorkers, workersOn, writeSpec, type Child } from '../helpers/cluster'
import { startRedis, type TestRedis } from '../helpers/redis'

const home = tempHome('awb-cluster-')
const homes = (name: string): string => join(home.home, name)

// Paper-shaped: a λ grid × runs per λ, on an MNIST subsample (100 steps a run).
const SMALL = { preset: 'paper', name: 'small', datasets: ['mnist'], lambdas: [0, 0.025, 0.05], runsPerLambda: 2, epochs: 1, subsample: 1600, batchSize: 16 }
// Long enough (1,000 steps) to be killed in the middle.
const LONG = { preset: 'paper', name: 'long', datasets: ['mnist'], lambdas: [0.01], runsPerLambda: 2, epochs: 2, subsample: 8000, batchSize: 16 }

let smallSpec = ''
let longSpec = ''
const localDb = { small: join(home.home, 'local-small.db'), long: join(home.home, 'local-long.db') }

const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
  home.cleanup()
})

/** The same spec trained on this machine's threads (seeds depend on the whole spec, so each spec has its own reference). */
function localReference(specFile: string, name: string): ReturnType<typeof snapshot> {
  const db = join(home.home, `local-${name}.db`)
  const r = runCli(['sweep', '--spec', specFile, '--workers', '2', '--engine', 'native', '--db', db], home.home)
  expect(r.status, r.stderr).toBe(0)
  return snapshot(db)
}

async function redisForTest(opts: Parameters<typeof startRedis>[0] = {}): Promise<TestRedis> {
  const r = await startRedis(opts)
  cleanups.push(() => r.cleanup())
  return r
}

function worker(url: string, name: string, extra: string[] = []): Child {
  const w = startWorker(url, homes(name), extra)
  cleanups.push(() => kill(w))
  return w
}

function coordinator(args: string[]): Child {
  const c = startCli(args, home.home)
  cleanups.push(() => kill(c))
  return c
}

beforeAll(() => {
  smallSpec = writeSpec(home.home, 'small', SMALL)
  longSpec = writeSpec(home.home, 'long', LONG)
  // The local references: the same sweeps on this machine's threads.
  for (const [spec, db] of [
    [smallSpec, localDb.small],
    [longSpec, localDb.long]
  ]) {
    const r = runCli(['sweep', '--spec', spec, '--workers', '2', '--engine', 'native', '--db', db], home.home)
    expect(r.status, r.stderr).toBe(0)
  }
})

describe('cluster sweeps through BullMQ and Redis', () => {
  it('a paper-shaped sweep through 2 workers gives the same collapse table and histories as a local one', async () => {
    const redis = await redisForTest()
    const w = [worker(redis.url, 'w-a1'), worker(redis.url, 'w-a2')]
    const ids = (await waitForWorkers(redis.url, 2)).map((x) => x.id)
    const db = join(home.home, 'a.db')
    const c = coordinator(['sweep', '--spec', smallSpec, '--redis', redis.url, '--db', db])
    const r = await c.done
    expect(r.status, r.stderr).toBe(0)
    expect(sameRuns(snapshot(db), snapshot(localDb.small))).toEqual([])
    const stats = (d: string): unknown => JSON.parse(runCli(['stats', '--json', '--db', d], home.home).stdout)
    expect(stats(db)).toEqual(stats(localDb.small))
    // Each run records the worker that trained it (which of the two takes what is up to BullMQ).
    for (const run of snapshot(db).values()) expect(ids, `${run.worker}`).toContain(run.worker)
    expect(w[0].out()).toMatch(/engine native, ISA \w+, [\d.]+ steps\/s per thread/)
  })

  it('1: a worker SIGKILLed mid-run: the stalled job goes to another worker, and the history is bit-identical to a local run', async () => {
    const redis = await redisForTest()
    const w = [worker(redis.url, 'w-b1', ['--lock-duration', '1500']), worker(redis.url, 'w-b2', ['--lock-duration', '1500'])]
    await waitForWorkers(redis.url, 2)
    const db = join(home.home, 'b.db')
    const c = coordinator(['sweep', '--spec', longSpec, '--redis', redis.url, '--db', db])
    // Kill the worker of a run that has less than half of its history in.
    let victim = ''
    await waitFor(
      async () => {
        const store = openStore(db, { create: false })
        let early: number[] = []
        try {
          early = store
            .listRuns({ status: 'running' })
            .runs.filter((x) => x.stepsDone > 0 && x.stepsDone < (x.stepsPlanned ?? 0) / 2)
            .map((x) => x.id)
        } finally {
          store.close()
        }
        const busy = (await workersOn(redis.url)).find((x) => x.running.some((j) => early.includes(Number(j.replace('run-', '')))))
        if (busy) victim = busy.id
        return busy !== undefined
      },
      90_000,
      'a run in its first half on a worker'
    )
    const pid = Number(victim.split('/').at(-1))
    const killed = w.find((x) => x.proc.pid === pid)!
    expect(killed, `worker ${victim} is one of ours`).toBeDefined()
    await kill(killed)
    const r = await c.done
    expect(r.status, r.stderr).toBe(0)
    const after = snapshot(db)
    expect(sameRuns(after, snapshot(localDb.long))).toEqual([])
    const survivor = w.find((x) => x !== killed)!
    // Both runs were finished by the survivor (the killed one never returned a result).
    for (const run of after.values()) expect(run.worker?.endsWith(`/${survivor.proc.pid}`), `${run.worker}`).toBe(true)
  })

  it('2: the coordinator SIGKILLed mid-sweep: workers keep training, a restart collects every result once', async () => {
    const redis = await redisForTest()
    worker(redis.url, 'w-c1')
    await waitForWorkers(redis.url, 1)
    const db = join(home.home, 'c.db')
    const c = coordinator(['sweep', '--spec', smallSpec, '--redis', redis.url, '--db', db])
    await waitFor(() => [...snapshot(db).values()].some((x) => x.status === 'done'), 90_000, 'a first run done')
    await kill(c)
    const doneAtKill = [...snapshot(db).values()].filter((x) => x.status === 'done').length
    const running = [...snapshot(db).values()].filter((x) => x.status === 'running').length
    expect(running).toBeGreaterThan(0)
    // The worker finishes what it was given, with nobody listening.
    const admin = new Redis(redis.url)
    const q = new Queue(QUEUE_NAME, { connection: admin, prefix: queuePrefix(db) })
    await waitFor(
      async () => {
        const n = await q.getJobCounts('waiting', 'active')
        return n.waiting === 0 && n.active === 0
      },
      60_000,
      'the worker to finish its jobs'
    )
    await q.close()
    admin.disconnect()
    expect((await workersOn(redis.url))[0].runsDone).toBeGreaterThan(doneAtKill)
    const again = coordinator(['sweep', '--resume', '--redis', redis.url, '--db', db])
    const r = await again.done
    expect(r.status, r.stderr).toBe(0)
    expect(sameRuns(snapshot(db), snapshot(localDb.small))).toEqual([])
    // Nothing trained twice: one training per run.
    expect((await workersOn(redis.url))[0].runsDone).toBe(SMALL.lambdas.length * SMALL.runsPerLambda)
  })

  it('3: Redis restarted mid-sweep: nothing is lost, workers and coordinator reconnect by themselves', async () => {
    const redis = await redisForTest()
    worker(redis.url, 'w-d1')
    await waitForWorkers(redis.url, 1)
    const db = join(home.home, 'd.db')
    const c = coordinator(['sweep', '--spec', smallSpec, '--redis', redis.url, '--db', db])
    await waitFor(() => [...snapshot(db).values()].some((x) => x.status === 'done'), 90_000, 'a first run done')
    await redis.restart(1000)
    const r = await c.done
    expect(r.status, r.stderr).toBe(0)
    expect(sameRuns(snapshot(db), snapshot(localDb.small))).toEqual([])
  })

  it('4: an unknown dataset hash or a corrupt payload fails the job with a message, and the run shows it', async () => {
    const redis = await redisForTest()
    const target = parseRedisUrl(redis.url)
    const admin = new Redis(redis.url)
    cleanups.push(() => void admin.disconnect())
    const cacheDir = join(home.home, 'datasets')
    const spec = parseSpec({ ...SMALL, lambdas: [0], runsPerLambda: 1 }, 'test')

    /** Queues one run through an in-process coordinator, damages the stored dataset, then lets a fresh worker try. */
    const attempt = async (name: string, damage: (key: string) => Promise<void>): Promise<string | null> => {
      const db = join(home.home, `${name}.db`)
      const store = openStore(db)
      const prefix = queuePrefix(db)
      const executor = new RemoteExecutor({ redis: target, prefix, loadDataset: (n) => loadDataset(n, { cacheDir }), pollMs: 300 })
      await executor.ready()
      const queued = await queueSweep(store, spec, { cacheDir })
      const runner = new SweepRunner({ store, cacheDir, executor, sweepId: queued.sweep.id })
      runner.start()
      const q = new Queue(QUEUE_NAME, { connection: admin, prefix })
      await waitFor(async () => (await q.getWaitingCount()) === 1, 30_000, 'the job to be queued')
      const [key] = await admin.keys(`${DATASET_KEY_PREFIX}*`)
      await damage(key)
      const w = worker(redis.url, `w-${name}`)
      await runner.whenIdle()
      await runner.stop()
      await q.close()
      await kill(w)
      const run = store.getRun(queued.runIds[0])!
      store.close()
      expect(run.status).toBe('failed')
      return run.error
    }

    const corrupt = await attempt('corrupt', async (key) => {
      const buf = (await admin.getBuffer(key))!
      buf[buf.length - 1] ^= 0xff
      await admin.set(key, buf)
    })
    expect(corrupt).toMatch(/dataset 'mnist' \(sha256 [0-9a-f]{12}…\) fetched from Redis is corrupt: corrupt dataset cache: content hash/)

    const unknown = await attempt('unknown', async (key) => {
      await admin.del(key)
    })
    expect(unknown).toMatch(/dataset 'mnist' \(sha256 [0-9a-f]{12}…\) is not in Redis/)

    // A job that is not a valid run (a config the schema refuses) fails without training.
    const prefix = queuePrefix(join(home.home, 'raw.db'))
    await admin.sadd(QUEUES_KEY, prefix)
    const q = new Queue(QUEUE_NAME, { connection: admin, prefix })
    const w = worker(redis.url, 'w-raw')
    const job = await q.add('train', { v: 1, runId: 1, sweepId: 1, config: { lambda: -1 }, dataset: { name: 'x', hash: 'nope' } })
    await waitFor(async () => (await job.isFailed()) === true, 60_000, 'the raw job to fail')
    const failed = await q.getJob(job.id!)
    expect(failed?.failedReason).toMatch(/is not a valid run job: config\.network/)
    await q.close()
    await kill(w)
  })

  it('5: two coordinators with different databases on one Redis each see only their own runs', async () => {
    const redis = await redisForTest()
    worker(redis.url, 'w-e1')
    await waitForWorkers(redis.url, 1)
    // Run ids 1…n exist in both databases; only the queue prefix keeps their jobs apart.
    const lo = writeSpec(home.home, 'lo', { ...SMALL, lambdas: [0] })
    const hi = writeSpec(home.home, 'hi', { ...SMALL, lambdas: [0.05] })
    const dbs = [join(home.home, 'e-lo.db'), join(home.home, 'e-hi.db')]
    const cs = [
      coordinator(['sweep', '--spec', lo, '--redis', redis.url, '--db', dbs[0]]),
      coordinator(['sweep', '--spec', hi, '--redis', redis.url, '--db', dbs[1]])
    ]
    for (const c of cs) {
      const r = await c.done
      expect(r.status, r.stderr).toBe(0)
    }
    expect(sameRuns(snapshot(dbs[0]), localReference(lo, 'lo'))).toEqual([])
    expect(sameRuns(snapshot(dbs[1]), localReference(hi, 'hi'))).toEqual([])
    const admin = new Redis(redis.url)
    const prefixes = await admin.smembers(QUEUES_KEY)
    admin.disconnect()
    expect(prefixes.sort()).toEqual(dbs.map((d) => queuePrefix(d)).sort())
  })

  it('the app: switching compute to the cluster lists its workers, trains there, and records which worker trained each run', async () => {
    const redis = await redisForTest()
    const w = worker(redis.url, 'w-f1')
    await waitForWorkers(redis.url, 1)
    const service = new WorkbenchService({ dbPath: join(home.home, 'f.db'), cacheDir: join(home.home, 'datasets'), workers: 1, engine: 'native' })
    cleanups.push(() => service.close())
    service.start()
    await expect(service.call('setCompute', [{ kind: 'cluster', url: 'http://nope' }])).rejects.toThrow(/'http:' is not a Redis URL scheme/)
    expect(await service.call('setCompute', [{ kind: 'cluster', url: redis.url }])).toEqual({ kind: 'cluster', url: redis.url })
    const cluster = (await service.call('getCluster', [])) as { workers: { id: string; engine: string; isa: string; concurrency: number; runsDone: number; lastHeartbeat: number }[] }
    expect(cluster.workers).toHaveLength(1)
    expect(cluster.workers[0]).toMatchObject({ id: expect.stringMatching(new RegExp(`/${w.proc.pid}$`)), engine: 'native', concurrency: 1, runsDone: 0 })
    expect(Date.now() - cluster.workers[0].lastHeartbeat).toBeLessThan(30_000)
    const sweep = (await service.call('queueSweep', [parseSpec({ ...SMALL, lambdas: [0], runsPerLambda: 1 }, 'test')])) as { id: number }
    await waitFor(async () => ((await service.call('getRun', [1])) as { status: string }).status === 'done', 60_000, 'the run to finish on the cluster')
    const run = (await service.call('getRun', [1])) as { sweepId: number; worker: string }
    expect(run.sweepId).toBe(sweep.id)
    expect(run.worker).toBe(cluster.workers[0].id)
    expect(((await service.call('getStatus', [])) as { compute: unknown }).compute).toEqual({ kind: 'cluster', url: redis.url })
    expect(await service.call('setCompute', [{ kind: 'local' }])).toEqual({ kind: 'local' })
  })

  it('connects with a password over TLS (rediss://), and never prints the password', async () => {
    const password = 'pw with spaces & symbols'
    const redis = await redisForTest({ tls: true, password })
    expect(redis.url).toMatch(/^rediss:\/\/:pw%20with/)
    // The workers and the coordinator trust the test's self-signed certificate the way a user's machine would be told to.
    process.env.NODE_EXTRA_CA_CERTS = redis.caFile
    try {
      const w = worker(redis.url, 'w-g1')
      await waitForWorkers(redis.url, 1, 60_000, redis.caFile).catch(async (err: Error) => {
        throw new Error(`${err.message}; worker said: ${w.out()}`)
      })
      const db = join(home.home, 'g.db')
      const spec = writeSpec(home.home, 'g', { ...SMALL, lambdas: [0.05] })
      const c = coordinator(['sweep', '--spec', spec, '--redis', redis.url, '--db', db])
      const r = await c.done
      expect(r.status, r.stderr).toBe(0)
      expect(sameRuns(snapshot(db), localReference(spec, 'g'))).toEqual([])
      for (const out of [r.stdout + r.stderr, w.out()]) {
        expect(out).toContain('rediss://:***@127.0.0.1')
        expect(out).not.toContain('pw%20with')
      }
    } finally {
      delete process.env.NODE_EXTRA_CA_CERTS
    }
  })
})
