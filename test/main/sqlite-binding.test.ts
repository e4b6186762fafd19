import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { openConnection } from '../../src/main/store/open'
import { StoreError } from '../../src/main/store'
import {
  checkSqliteBinding,
  describeSqliteBuilds,
  electronSqlitePath,
  ELECTRON_SQLITE_DIR,
  nodeSqlitePath,
  SQLITE_ADDON,
  sqliteNativeBinding
} from '../../src/main/store/sqlite-binding'
import { runCli, tempHome } from '../helpers/cli'

const home = tempHome('awb-sqlite-')
afterAll(() => home.cleanup())
const root = resolve(__dirname, '../..')
const setElectron = (v: string): void => void Object.defineProperty(process.versions, 'electron', { value: v, configurable: true, enumerable: true })
afterEach(() => {
  delete (process.versions as Record<string, string | undefined>).electron
})

/** A project folder whose native-electron/ holds `addon` (the Node build stands in for an Electron one: it loads here). */
function projectWith(addon: 'node-build' | 'garbage' | 'none'): string {
  const dir = join(home.home, `proj-${addon}`)
  const target = join(dir, ELECTRON_SQLITE_DIR, SQLITE_ADDON)
  // Never rewrite a library this process has loaded (it is memory-mapped).
  if (existsSync(target)) return dir
  mkdirSync(join(target, '..'), { recursive: true })
  if (addon === 'node-build') copyFileSync(nodeSqlitePath()!, target)
  if (addon === 'garbage') writeFileSync(target, 'not a shared library')
  return dir
}

describe('which better-sqlite3 build each runtime loads', () => {
  it('Node (CLI, serve): better-sqlite3 own build; Electron: the Electron-ABI build in native-electron/', () => {
    expect(sqliteNativeBinding({ node: '20.20.2' })).toBeUndefined()
    expect(sqliteNativeBinding({ node: '24.11.1', electron: '41.7.1' }, '/opt/app')).toBe(join('/opt/app', ELECTRON_SQLITE_DIR, SQLITE_ADDON))
    // Inside a packaged app, from the unpacked twin of app.asar (native code cannot load from the archive).
    expect(electronSqlitePath('/opt/A/resources/app.asar')).toBe(join('/opt/A/resources/app.asar.unpacked', ELECTRON_SQLITE_DIR, SQLITE_ADDON))
  })

  it('the store opens with the Electron build when Electron hosts it, and with the Node build otherwise', () => {
    const db = join(home.home, 'a.db')
    openConnection(db).close()
    setElectron('41.7.1')
    // This checkout has no Electron build (its binary cannot be downloaded here), so the open must fail naming it.
    let err: unknown
    try {
      openConnection(db).close()
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(StoreError)
    expect((err as Error).message).toContain(join(ELECTRON_SQLITE_DIR, SQLITE_ADDON))
    // An explicit binding still wins (the test's stand-in loads under Node).
    openConnection(db, { nativeBinding: join(projectWith('node-build'), ELECTRON_SQLITE_DIR, SQLITE_ADDON) }).close()
  })

  it('checkSqliteBinding: ok when the build loads; the missing file or the loader error, with the fix, when not', () => {
    expect(checkSqliteBinding({ versions: { node: '20.20.2' } })).toMatchObject({ ok: true })
    const electron = { node: '24.11.1', electron: '41.7.1', modules: '145' }
    expect(checkSqliteBinding({ versions: electron, root: projectWith('node-build') })).toMatchObject({ ok: true })
    const missing = checkSqliteBinding({ versions: electron, root: projectWith('none') })
    expect(missing).toMatchObject({ ok: false, fix: 'npm run electron:sqlite' })
    expect(missing.ok || missing.problem).toMatch(/no build for Electron 41\.7\.1 \(ABI 145\): .*better_sqlite3\.node is missing/)
    const broken = checkSqliteBinding({ versions: electron, root: projectWith('garbage'), isPackaged: true })
    expect(broken).toMatchObject({ ok: false, fix: expect.stringMatching(/^Reinstall/) as string })
    expect(broken.ok || broken.problem).toMatch(/does not load in Electron 41\.7\.1: /)
  })

  it('describes both builds for doctor, and flags an Electron build made for another version', () => {
    const dir = projectWith('node-build')
    writeFileSync(join(dir, ELECTRON_SQLITE_DIR, 'build-info.json'), JSON.stringify({ electron: '40.0.0', betterSqlite3: '12.6.2', platform: 'linux', arch: 'x64', method: 'prebuild' }))
    const d = describeSqliteBuilds({ electron: '41.7.1', betterSqlite3: '12.6.2' }, dir)
    expect(d.node).toMatchObject({ exists: true, loads: true })
    expect(d.electron).toMatchObject({ exists: true, stale: 'built for Electron 40.0.0, installed 41.7.1' })
    expect(d.uses).toEqual({ cli: 'node', serve: 'node', desktop: 'electron' })
  })
})

describe('doctor', () => {
  it('--json reports both builds and which runtime uses which', () => {
    const r = runCli(['doctor', '--json'], home.home)
    const out = JSON.parse(r.stdout) as { sqlite: ReturnType<typeof describeSqliteBuilds> }
    expect(out.sqlite.node).toMatchObject({ exists: true, loads: true, path: nodeSqlitePath() })
    expect(out.sqlite.electron.path).toBe(electronSqlitePath(root))
    expect(out.sqlite.uses).toEqual({ cli: 'node', serve: 'node', desktop: 'electron' })
    expect(out.sqlite.fix).toBe('npm run electron:sqlite')
  })
  it('prints them', () => {
    const r = runCli(['doctor'], home.home)
    expect(r.stdout).toMatch(/Node build: loads — .*better_sqlite3\.node/)
    expect(r.stdout).toMatch(/Electron build: (missing|for Electron)/)
    expect(r.stdout).toContain('uses: CLI and serve → node build; desktop app → electron build')
  })
})
