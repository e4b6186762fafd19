import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { WorkbenchService } from '../../src/main/service'
import { tempHome } from '../helpers/cli'

const home = tempHome('awb-csv-thread-')
afterAll(() => home.cleanup())

describe('CSV import through the service (issue 13)', () => {
  it('parses and writes on a worker thread: the main thread keeps running meanwhile, and bad lines are still named', async () => {
    const service = new WorkbenchService({ dbPath: home.db, cacheDir: join(home.home, 'datasets'), workers: 1 })
    try {
      // 6 runs × 50,000 records (~6 MB).
      const rows = ['lambda,alpha0,alpha1,alpha2,iteration']
      for (let run = 0; run < 6; run++) for (let k = 0; k < 50_000; k++) rows.push(`${(run % 3) * 0.01},0.5,${(k % 100) / 100},0.25,${run}`)
      const text = rows.join('\n')
      let ticks = 0
      const timer = setInterval(() => ticks++, 1)
      const summary = (await service.call('importCsv', [{ fileName: 'big.csv', text }])) as { runs: number; records: number }
      clearInterval(timer)
      expect(summary).toMatchObject({ runs: 6, records: 300_000 })
      // An import on the main thread would run start to finish in one task: no timer could fire.
      expect(ticks).toBeGreaterThan(2)
      expect((await service.call('listDatasets', [])) as { name: string }[]).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'big' })]))

      await expect(service.call('importCsv', [{ fileName: 'bad.csv', text: 'lambda,alpha0,alpha1,alpha2,iteration\n0,0.5,0.5,0.5,0\n1e999,0.5,0.5,0.5,0\n' }])).rejects.toThrow(
        /bad\.csv:3: lambda 1e999 is not a finite number/
      )
    } finally {
      await service.close()
    }
  })
})
