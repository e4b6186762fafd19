import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WorkbenchEvent } from '../../src/shared/api'
import { WorkbenchService } from '../../src/main/service'
import { runCli, tempHome } from '../helpers/cli'

/**
 * Defect 4 of issue 10: the service notices writes other processes make to its
 * database (PRAGMA data_version) and tells every view, so a sweep queued or
 * trained from the CLI while the app is open shows up without a reload.
 */
const home = tempHome('awb-external-')
let service: WorkbenchService
const events: { t: number; e: WorkbenchEvent }[] = []

beforeAll(() => {
  // No training threads to speak of: the CLI trains its own sweep; the app's one worker may help.
  service = new WorkbenchService({ dbPath: home.db, cacheDir: join(home.home, 'datasets'), workers: 1 })
  service.events.on('event', (e) => events.push({ t: Date.now(), e }))
  service.start()
})
afterAll(async () => {
  await service.close()
  home.cleanup()
})

function waitFor<T>(find: () => T | undefined, ms: number): Promise<T> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      const v = find()
      if (v !== undefined) resolve(v)
      else if (Date.now() - started > ms) reject(new Error(`nothing after ${ms} ms`))
      else setTimeout(tick, 20)
    }
    tick()
  })
}

describe('writes by other processes', () => {
  it('reach the service as events within a second, and its own writes do not count as foreign', async () => {
    expect(service.checkExternalWrites()).toBe(false)
    // The service's own write: no data-changed from the watcher.
    await service.call('importCsv', [{ fileName: 'own.csv', name: 'own', text: 'lambda,alpha0,alpha1,alpha2,iteration\n0,0.5,0.5,0.5,0\n0,0.4,0.4,0.4,1\n' }])
    expect(service.checkExternalWrites()).toBe(false)

    const spec = join(home.home, 'spec.json')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(spec, JSON.stringify({ preset: 'paper', name: 'from-cli', datasets: ['mnist'], lambdas: [0], runsPerLambda: 1, epochs: 1, subsample: 64, batchSize: 16 }))
    const before = events.length
    const cli = runCli(['sweep', '--spec', spec, '--workers', '1', '--db', home.db], home.home)
    const cliDone = Date.now()
    expect(cli.status, cli.stderr).toBe(0)

    const changed = await waitFor(() => events.slice(before).find((x) => x.e.type === 'data-changed'), 2000)
    expect(changed.e).toEqual({ type: 'data-changed', source: 'other-process' })
    const swept = await waitFor(
      () => events.slice(before).find((x) => x.e.type === 'sweep-changed' && x.e.sweep.name === 'from-cli' && x.e.sweep.status === 'done'),
      2000
    )
    expect(swept.t - cliDone).toBeLessThan(1000)
    const sweeps = (await service.call('listSweeps', [])) as { name: string; status: string }[]
    expect(sweeps.find((s) => s.name === 'from-cli')?.status).toBe('done')
  })
})
