import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ADDON, ELECTRON_HEADERS, ensureElectronSqlite, FIX_COMMAND, inspect, OUT_DIR, type SqliteEnv, type SqliteIo } from '../../scripts/electron-sqlite.mjs'
import { ELECTRON_SQLITE_DIR, ELECTRON_SQLITE_FIX, SQLITE_ADDON } from '../../src/main/store/sqlite-binding'

// The postinstall step's decisions, with test doubles for the file system and the build tools.

const ROOT = '/proj'
const OUT = join(ROOT, OUT_DIR)
const BUILT = join(OUT, ADDON)

function env(over: Partial<SqliteEnv> = {}): SqliteEnv {
  return {
    root: ROOT,
    abi: '145',
    platform: 'linux',
    arch: 'x64',
    electron: { version: '41.7.1', binary: true },
    betterSqlite3: { version: '12.6.2', dir: '/proj/node_modules/better-sqlite3' },
    prebuildInstall: '/proj/node_modules/prebuild-install/bin.js',
    nodeGyp: '/proj/node_modules/node-gyp/bin/node-gyp.js',
    force: false,
    ...over
  }
}

/** A fake disk and fake tools: `tools` says which succeed, and a successful one "writes" the addon. */
function fakeIo(tools: { prebuild?: boolean; gyp?: boolean; abi?: string } = {}, files: Record<string, unknown> = {}) {
  const disk = new Map<string, unknown>(Object.entries(files))
  const runs: { tool: string; args: string[]; cwd: string }[] = []
  const logs: string[] = []
  const warnings: string[] = []
  const io: SqliteIo = {
    exists: (p) => disk.has(p),
    readJson: (p) => (disk.get(p) as Record<string, unknown> | undefined) ?? null,
    writeJson: (p, v) => void disk.set(p, v),
    mkdir: (p) => void disk.set(p, 'dir'),
    remove: (p) => {
      for (const k of [...disk.keys()]) if (k === p || k.startsWith(`${p}/`)) disk.delete(k)
    },
    copy: (from, to) => void disk.set(to, `copy of ${from}`),
    abiOf: (p) => (disk.get(p) === 'binary' ? (tools.abi ?? '145') : null),
    run: (_file, args, cwd) => {
      const tool = args[0].includes('prebuild-install') ? 'prebuild' : 'gyp'
      runs.push({ tool, args: args.slice(1), cwd })
      const ok = tool === 'prebuild' ? tools.prebuild === true : tools.gyp === true
      if (ok) disk.set(join(cwd, ADDON), 'binary')
      return ok ? { ok, detail: 'exit 0' } : { ok, detail: 'exit 1' }
    },
    log: (l) => void logs.push(l),
    warn: (l) => void warnings.push(l)
  }
  return { io, disk, runs, logs, warnings }
}

describe('the Electron build of better-sqlite3 (postinstall)', () => {
  it('skips quietly, with one line, when Electron or its binary is absent', () => {
    for (const e of [env({ electron: null }), env({ electron: { version: '41.7.1', binary: false } })]) {
      const f = fakeIo({ prebuild: true, gyp: true })
      expect(ensureElectronSqlite(e, f.io)).toBe('skipped')
      expect(f.runs).toEqual([])
      expect(f.logs).toHaveLength(1)
      expect(f.warnings).toEqual([])
      expect(f.disk.size).toBe(0)
    }
  })

  it("uses better-sqlite3's published prebuild for the installed Electron, in a folder of the project's own", () => {
    const f = fakeIo({ prebuild: true, gyp: true })
    expect(ensureElectronSqlite(env(), f.io)).toBe('prebuild')
    expect(f.runs).toEqual([{ tool: 'prebuild', args: ['--runtime', 'electron', '--target', '41.7.1', '--arch', 'x64', '--platform', 'linux'], cwd: OUT }])
    expect(f.disk.get(BUILT)).toBe('binary')
    expect(f.disk.get(join(OUT, 'build-info.json'))).toMatchObject({ electron: '41.7.1', abi: '145', betterSqlite3: '12.6.2', platform: 'linux', arch: 'x64', method: 'prebuild' })
    // node_modules/better-sqlite3 is only read from (its package.json copied), never written.
    expect([...f.disk.keys()].every((k) => k.startsWith(OUT))).toBe(true)
  })

  it("falls back to node-gyp against Electron's headers when there is no prebuild", () => {
    const f = fakeIo({ prebuild: false, gyp: true })
    expect(ensureElectronSqlite(env(), f.io)).toBe('node-gyp')
    expect(f.runs.map((r) => r.tool)).toEqual(['prebuild', 'gyp'])
    expect(f.runs[1]).toEqual({
      tool: 'gyp',
      args: ['rebuild', '--release', '--target=41.7.1', '--arch=x64', '--runtime=electron', `--dist-url=${ELECTRON_HEADERS}`],
      cwd: OUT
    })
    // The sources node-gyp needs were staged beside it.
    for (const part of ['binding.gyp', 'src', 'deps']) expect(f.disk.has(join(OUT, part)), part).toBe(true)
    expect(f.disk.get(join(OUT, 'build-info.json'))).toMatchObject({ method: 'node-gyp' })
  })

  it("refuses a build made for another ABI (npm's nodedir pointing node-gyp at Node's headers)", () => {
    const f = fakeIo({ prebuild: false, gyp: true, abi: '115' })
    expect(ensureElectronSqlite(env(), f.io)).toBe('failed')
    expect(f.warnings[0]).toMatch(/node-gyp: built for ABI 115, Electron 41\.7\.1 needs 145/)
    expect(f.disk.has(BUILT)).toBe(false)
    expect(f.disk.has(join(OUT, 'build-info.json'))).toBe(false)
  })

  it('when both fail, warns with the fixing command and leaves no build record (install still succeeds)', () => {
    const f = fakeIo({ prebuild: false, gyp: false })
    expect(ensureElectronSqlite(env(), f.io)).toBe('failed')
    expect(f.warnings).toHaveLength(1)
    expect(f.warnings[0]).toContain(`Retry with: ${FIX_COMMAND}`)
    expect(f.warnings[0]).toMatch(/prebuild-install: exit 1; node-gyp: exit 1/)
    expect(f.disk.has(join(OUT, 'build-info.json'))).toBe(false)
  })

  it('does nothing when the build matches, and rebuilds when Electron changed or with --force', () => {
    const info = { electron: '41.7.1', betterSqlite3: '12.6.2', platform: 'linux', arch: 'x64', method: 'prebuild' }
    const current = fakeIo({ prebuild: true }, { [BUILT]: 'binary', [join(OUT, 'build-info.json')]: info })
    expect(ensureElectronSqlite(env(), current.io)).toBe('up-to-date')
    expect(current.runs).toEqual([])
    const upgraded = fakeIo({ prebuild: true }, { [BUILT]: 'binary', [join(OUT, 'build-info.json')]: { ...info, electron: '40.1.0' } })
    expect(ensureElectronSqlite(env(), upgraded.io)).toBe('prebuild')
    const forced = fakeIo({ prebuild: true }, { [BUILT]: 'binary', [join(OUT, 'build-info.json')]: info })
    expect(ensureElectronSqlite(env({ force: true }), forced.io)).toBe('prebuild')
  })

  it('agrees with the app on where the build lives and which command fixes it', () => {
    expect(OUT_DIR).toBe(ELECTRON_SQLITE_DIR)
    expect(ADDON).toBe(SQLITE_ADDON)
    expect(FIX_COMMAND).toBe(ELECTRON_SQLITE_FIX)
  })

  it('reads the ABI a real addon was built for', async () => {
    const { realIo } = await import('../../scripts/electron-sqlite.mjs')
    const { nodeSqlitePath } = await import('../../src/main/store/sqlite-binding')
    expect(realIo.abiOf(nodeSqlitePath()!)).toBe(process.versions.modules)
  })

  it('on this machine: finds Electron without its binary, better-sqlite3 and both tools', () => {
    const here = inspect(join(__dirname, '../..'))
    expect(here.electron).toMatchObject({ version: expect.stringMatching(/^\d+\./) as string })
    expect(here.betterSqlite3?.version).toMatch(/^12\./)
    expect(here.prebuildInstall).toMatch(/prebuild-install/)
    expect(here.abi).toMatch(/^\d+$/)
    // Where CI and this machine skip Electron's download, the script must take the skip path.
    if (!here.electron!.binary) {
      const f = fakeIo()
      expect(ensureElectronSqlite(here, f.io)).toBe('skipped')
    }
  })
})
