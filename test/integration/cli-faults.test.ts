import { closeSync, existsSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/main/store'
import { newRun } from '../unit/store/helpers'
import { runCli, spawnCli, tempHome } from '../helpers/cli'

const home = tempHome('awb-cli-faults-')
afterAll(() => home.cleanup())

/** Overwrites one page of the file with garbage: a corrupt page, as a failing disk leaves it. */
function corruptPage(path: string, page: number, pageSize: number): void {
  const fd = openSync(path, 'r+')
  writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize)
  closeSync(fd)
}

describe('sweep --resume after an error', () => {
  it('closes its worker threads and exits non-zero on a corrupt page instead of idling forever', async () => {
    const store = openStore(home.db)
    const ds = store.createDataset({ name: 'd', source: 'bundled', contentHash: 'h', trainCount: 10, testCount: 1, subsample: null })
    store.createSweep({ name: 's', spec: {} }, [newRun(ds.id, 0), newRun(ds.id, 0.1)])
    const root = (store.sql.db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'runs_by_status'").get() as { rootpage: number }).rootpage
    const pageSize = store.sql.db.pragma('page_size', { simple: true }) as number
    store.close()
    corruptPage(home.db, root, pageSize)

    const child = spawnCli(['sweep', '--resume', '--db', home.db, '--workers', '2'], home.home)
    let stderr = ''
    let errorAt = 0
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString()
      if (!errorAt && /error:/.test(stderr)) errorAt = Date.now()
    })
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    const lingered = Date.now() - errorAt
    expect(stderr).toMatch(/error: .*malformed/)
    expect(code).not.toBe(0)
    // The command itself stops its pool; the CLI's last-resort exit only comes 10 s after a command returns.
    expect(lingered).toBeLessThan(8_000)
  })
})

describe('sweep --resume --redis with a sweep that does not exist', () => {
  it('says so at once, without first trying the Redis it would only have to close again', () => {
    const other = tempHome('awb-cli-nosweep-')
    try {
      // Port 9 (discard) on loopback: nothing answers, so reaching Redis would wait out its 15 s timeout.
      const r = runCli(['sweep', '--resume', '--sweep', '999', '--redis', 'redis://127.0.0.1:9', '--db', other.db], other.home)
      expect(r.stderr).toMatch(/no sweep #999 in the database/)
      expect(r.stderr).not.toMatch(/Redis/)
      expect(r.status).toBe(2)
    } finally {
      other.cleanup()
    }
  })
})

describe('read commands', () => {
  it('never write: stats, runs and export on an empty file refuse it and leave it empty', () => {
    const empty = join(home.home, 'empty.db')
    writeFileSync(empty, '')
    for (const args of [['stats'], ['runs'], ['export', '--sweep', '1', '--format', 'csv']]) {
      const r = runCli([...args, '--db', empty], home.home)
      expect(r.status, r.stderr).toBe(2)
      expect(r.stderr).toMatch(/empty\.db is empty: it holds no α-Workbench data yet/)
      expect(statSync(empty).size).toBe(0)
    }
    expect(existsSync(`${empty}-wal`)).toBe(false)
  })

  it('echo bad input cut short and escaped: no terminal escapes, no megabyte lines', () => {
    const r = runCli(['sweep', '--preset', 'paper', `--workers=\u001b[2J${'x'.repeat(100_000)}`], home.home)
    expect(r.status).toBe(2)
    expect(r.stderr).not.toContain('\u001b')
    expect(r.stderr).toContain('\\x1b[2J')
    expect(r.stderr.length).toBeLessThan(3000)
  })
})
