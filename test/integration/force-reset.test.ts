import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { nativeAvailable } from '../../src/main/engine/native-engine'
import { openStore } from '../../src/main/store'
import { hasStartTokens, processStartToken } from '../../src/main/store/process-identity'
import { queueSweep } from '../../src/main/sweep/queue'
import { parseSpec } from '../../src/main/sweep/spec'
import { runCli, tempHome } from '../helpers/cli'

/**
 * Issue 13, defect 3, at the CLI: a run whose owner looks alive (a live
 * process holds its recorded PID, as after a crash when the PID went to
 * someone else) is left alone by `sweep --resume`, and restarted by
 * `sweep --resume --force-reset`. The runner-level test is in
 * test/unit/sweep/runner-faults.test.ts.
 */

const home = tempHome('awb-force-reset-')
afterAll(() => home.cleanup())

// Small: 3 runs of 1 epoch on 640 MNIST images (20 steps each).
const spec = parseSpec({ preset: 'paper', name: 'force-reset', datasets: ['mnist'], lambdas: [0, 0.03, 0.06], runsPerLambda: 1, epochs: 1, subsample: 640, batchSize: 32 })
const engine = nativeAvailable().ok ? 'native' : 'tfjs'

interface Row {
  id: number
  status: string
  attempts: number
  started_at: number | null
  owner_host: string | null
  owner_pid: number | null
  owner_start: string | null
  chunks: number
}

function rows(db: string): Row[] {
  const raw = new Database(db, { readonly: true })
  try {
    return raw
      .prepare(
        `SELECT id, status, attempts, started_at, owner_host, owner_pid, owner_start,
           (SELECT COUNT(*) FROM alpha_history h WHERE h.run_id = runs.id) AS chunks
         FROM runs ORDER BY id`
      )
      .all() as Row[]
  } finally {
    raw.close()
  }
}

function sweepStatus(db: string): string | undefined {
  const store = openStore(db, { readonly: true })
  try {
    return store.listSweeps()[0]?.status
  } finally {
    store.close()
  }
}

describe(`sweep --resume --force-reset at the CLI (issue 13, defect 3; engine ${engine})`, () => {
  it('--resume leaves a run a live-looking process owns running; --force-reset restarts it and finishes the sweep', async () => {
    const db = join(home.home, 'held.db')
    // The queue the CLI's `sweep --spec` writes (same function, same dataset cache as the CLI under ALPHA_WB_HOME), without training it yet.
    const store = openStore(db)
    let heldId: number
    try {
      const { sweep } = await queueSweep(store, spec, { cacheDir: join(home.home, 'datasets') })
      expect(sweep.progress.total).toBe(3)
      // Claimed by this very test process: alive by every check, as a CLI restarted in a container (PID 1 again) would look.
      heldId = store.claimNextRun()!.id
    } finally {
      store.close()
    }
    const held = rows(db).find((r) => r.id === heldId)!
    expect(held).toMatchObject({ status: 'running', attempts: 1, owner_pid: process.pid })
    if (hasStartTokens()) expect(held.owner_start).toBe(processStartToken(process.pid))

    const resumed = runCli(['sweep', '--resume', '--workers', '1', '--engine', engine, '--db', db], home.home)
    expect(resumed.status, resumed.stderr).toBe(0)
    expect(resumed.stderr).not.toMatch(/resuming \d+ run\(s\) interrupted/)
    expect(resumed.stderr).not.toMatch(/--force-reset/)
    expect(resumed.stderr).toMatch(/\b2 run\(s\) finished/)
    // The held run is untouched: same claim, same owner, no history; the other two trained; the sweep is still running.
    const afterResume = rows(db)
    expect(afterResume.find((r) => r.id === heldId)).toEqual(held)
    expect(afterResume.filter((r) => r.id !== heldId).map((r) => r.status)).toEqual(['done', 'done'])
    expect(sweepStatus(db)).toBe('running')

    const forced = runCli(['sweep', '--resume', '--force-reset', '--workers', '1', '--engine', engine, '--db', db], home.home)
    expect(forced.status, forced.stderr).toBe(0)
    expect(forced.stderr).toMatch(/--force-reset: restarting every running run, even those another process seems to own/)
    expect(forced.stderr).toContain(`resuming 1 run(s) interrupted earlier from their last checkpoint: ${heldId}`)
    expect(forced.stderr).toMatch(/\b1 run\(s\) finished/)
    const afterForce = rows(db)
    expect(afterForce.map((r) => r.status)).toEqual(['done', 'done', 'done'])
    // Trained again by the CLI (a second claim), its history written, and no owner left on it.
    expect(afterForce.find((r) => r.id === heldId)).toMatchObject({ attempts: 2, owner_host: null, owner_pid: null, owner_start: null })
    expect(afterForce.find((r) => r.id === heldId)!.chunks).toBeGreaterThan(0)
    expect(sweepStatus(db)).toBe('done')
  }, 600_000)

  it('refuses --force-reset without --resume', () => {
    const r = runCli(['sweep', '--preset', 'paper', '--force-reset', '--db', join(home.home, 'refused.db')], home.home)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/--force-reset goes with --resume/)
  })
})
