import { EventEmitter } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { API_METHODS } from '../../src/shared/api'
import { tempHome } from '../helpers/cli'
import { ensureBuilt } from './built'
import { createFakeElectron, FakeBrowserWindow, navigation, type FakeElectron } from './fake-electron'

// src/main/index.ts (the desktop app's main process) run against a test double
// of the electron module. Each test imports it afresh, as one app launch.

const state = vi.hoisted(() => ({
  fake: null as unknown as { module: Record<string, unknown> },
  services: [] as { opts: { dbPath: string; cacheDir: string }; started: number; closed: number; call: (m: string, a: unknown[]) => Promise<unknown> }[],
  realService: false
}))

vi.mock('electron', () => {
  const pick = (k: string) => () => state.fake.module[k]
  return {
    get app() {
      return pick('app')()
    },
    get BrowserWindow() {
      return pick('BrowserWindow')()
    },
    get ipcMain() {
      return pick('ipcMain')()
    },
    get session() {
      return pick('session')()
    },
    get dialog() {
      return pick('dialog')()
    },
    get shell() {
      return pick('shell')()
    },
    get screen() {
      return pick('screen')()
    }
  }
})

vi.mock('../../src/main/service', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/main/service')>()
  const { NotFoundError } = await import('../../src/shared/errors')
  class FakeService {
    readonly events = new EventEmitter()
    started = 0
    closed = 0
    closing: Promise<void> | null = null
    constructor(readonly opts: { dbPath: string; cacheDir: string }) {}
    start(): void {
      this.started++
    }
    close(): Promise<void> {
      this.closed++
      return new Promise((r) => setTimeout(r, 20))
    }
    call(method: string, args: unknown[]): Promise<unknown> {
      if (method === 'getRun') return Promise.reject(new NotFoundError(`no run #${String(args[0])}`))
      return Promise.resolve({ method, args })
    }
  }
  function WorkbenchService(opts: { dbPath: string; cacheDir: string }) {
    if (state.realService) return new actual.WorkbenchService({ ...opts, workers: 1 })
    const s = new FakeService(opts)
    state.services.push(s)
    return s
  }
  return { ...actual, WorkbenchService }
})

const root = resolve(__dirname, '../..')
const rendererFile = join(root, 'src/renderer/index.html')
const ownPage = `file://${rendererFile}`
let fake: FakeElectron
let home: ReturnType<typeof tempHome>
const savedEnv = { ...process.env }

async function launch(opts: { packaged?: boolean; devUrl?: string; singleInstance?: boolean } = {}): Promise<void> {
  fake = createFakeElectron()
  fake.module.app.isPackaged = opts.packaged ?? false
  fake.module.app.singleInstance = opts.singleInstance ?? true
  state.fake = fake as unknown as typeof state.fake
  if (opts.devUrl) process.env.ELECTRON_RENDERER_URL = opts.devUrl
  else delete process.env.ELECTRON_RENDERER_URL
  vi.resetModules()
  await import('../../src/main/index')
  fake.makeReady()
  await new Promise((r) => setTimeout(r, 0))
}

const win = (): FakeBrowserWindow => {
  const w = FakeBrowserWindow.instances.at(-1)
  if (!w) throw new Error('no window was opened')
  return w
}
const appEnded = (): Promise<void> => new Promise((r) => fake.module.app.once('fake-ended', () => r()))

beforeAll(() => ensureBuilt(), 300_000)

beforeEach(() => {
  home = tempHome('awb-main-')
  process.env.ALPHA_WB_HOME = home.home
  delete process.env.ALPHA_WB_DB
  FakeBrowserWindow.instances = []
  state.services = []
  state.realService = false
})

afterEach(() => {
  for (const w of FakeBrowserWindow.instances) if (!w.destroyed) w.close()
  process.env = { ...savedEnv }
  home.cleanup()
})

describe('the window', () => {
  it('is isolated and sandboxed, with no Node in the page, and loads the preload the build emits', async () => {
    await launch()
    const prefs = win().options.webPreferences!
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webSecurity: true })
    // From out/main/index.js the preload is ../preload/index.cjs: the file electron-vite emits.
    expect(relative(join(root, 'src/main'), String(prefs.preload))).toBe(join('..', 'preload', 'index.cjs'))
    expect(existsSync(join(root, 'out/preload/index.cjs'))).toBe(true)
    expect(readFileSync(join(root, 'out/main/index.js'), 'utf8')).toContain('../preload/index.cjs')
    expect(win().loaded).toEqual({ kind: 'file', target: rendererFile })
    expect(win().options.icon).toBe(join(root, 'resources', 'icon.png'))
  })

  it('shares the user-data folder and the database with the CLI', async () => {
    await launch()
    expect(fake.module.app.paths.get('userData')).toBe(home.home)
    expect(state.services[0].opts).toEqual({ dbPath: join(home.home, 'workbench.db'), cacheDir: join(home.home, 'datasets') })
    expect(state.services[0].started).toBe(1)
  })

  it('blocks navigation away (main frame, subframes, redirects) and new windows; opens only allow-listed links outside', async () => {
    await launch()
    const wc = win().webContents
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const away = navigation('https://evil.example/')
      wc.emit(event, away)
      expect(away.defaultPrevented, event).toBe(true)
      const own = navigation(`${ownPage}#/runs`)
      wc.emit(event, own)
      expect(own.defaultPrevented, event).toBe(false)
    }
    expect(wc.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
    expect(wc.windowOpenHandler!({ url: 'https://arxiv.org/abs/1234.5678' })).toEqual({ action: 'deny' })
    expect(wc.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(fake.module.shell.opened).toEqual(['https://arxiv.org/abs/1234.5678'])
  })

  it('denies every permission request and check, and cancels remote requests', async () => {
    await launch()
    const s = fake.module.session.defaultSession
    const granted: boolean[] = []
    s.permissionRequestHandler!(win().webContents, 'media', (g) => granted.push(g))
    s.permissionRequestHandler!(win().webContents, 'notifications', (g) => granted.push(g))
    expect(granted).toEqual([false, false])
    expect(s.permissionCheckHandler!(win().webContents, 'clipboard-read', 'file://', {})).toBe(false)
    expect(s.permissionCheckHandler!(null, 'geolocation', 'https://evil.example', {})).toBe(false)
    const cancelled = (url: string): boolean | undefined => {
      let r: { cancel?: boolean } = {}
      s.beforeRequest!({ url }, (x) => (r = x))
      return r.cancel
    }
    expect(cancelled('https://evil.example/x.js')).toBe(true)
    expect(cancelled('http://127.0.0.1:5317/api/listSweeps')).toBe(true)
    expect(cancelled(`${ownPage}`)).toBe(false)
    expect(cancelled('blob:file:///0f3c')).toBe(false)
  })

  it('honours ELECTRON_RENDERER_URL only when not packaged', async () => {
    await launch({ devUrl: 'http://localhost:5173/' })
    expect(win().loaded).toEqual({ kind: 'url', target: 'http://localhost:5173/' })
    await launch({ devUrl: 'http://evil.example/', packaged: true })
    expect(win().loaded).toEqual({ kind: 'file', target: rendererFile })
    // And a packaged app does not trust that origin for IPC either.
    const r = await fake.invoke('workbench:listSweeps', win().webContents, 'http://evil.example/')
    expect(r).toMatchObject({ ok: false })
  })
})

describe('IPC', () => {
  it('registers every method of the contract, and only those', async () => {
    await launch()
    expect([...fake.handlers.keys()].sort()).toEqual(API_METHODS.map((m) => `workbench:${m}`).sort())
    expect(await fake.invoke('workbench:listSweeps', win().webContents, `${ownPage}#/queue`)).toEqual({
      ok: true,
      value: { method: 'listSweeps', args: [] }
    })
  })

  it('refuses calls from a foreign frame, another origin or another window', async () => {
    await launch({ devUrl: 'http://localhost:5173/' })
    const own = await fake.invoke('workbench:listSweeps', win().webContents, 'http://localhost:5173/#/runs')
    expect(own).toMatchObject({ ok: true })
    for (const url of ['http://localhost:5173.evil.example/', 'http://localhost:5174/', 'https://localhost:5173/', 'http://evil.example/?http://localhost:5173/', '']) {
      const r = (await fake.invoke('workbench:listSweeps', win().webContents, url || null)) as { ok: boolean; error: string }
      expect(r.ok, url).toBe(false)
      expect(r.error).toMatch(/^listSweeps: refused/)
    }
    const other = (await fake.invoke('workbench:listSweeps', { id: 'other' }, 'http://localhost:5173/')) as { ok: boolean }
    expect(other.ok).toBe(false)
  })

  it('sends a failed call back as its message alone', async () => {
    await launch()
    expect(await fake.invoke('workbench:getRun', win().webContents, ownPage, 99)).toEqual({ ok: false, error: 'no run #99' })
  })

  it('forwards live events to the window and stops when it closes', async () => {
    await launch()
    const svc = state.services[0] as unknown as { events: EventEmitter }
    svc.events.emit('event', { type: 'queue-changed', queue: { workers: 1, running: 0, queued: 0 } })
    expect(win().webContents.sent).toEqual([{ channel: 'workbench:event', args: [{ type: 'queue-changed', queue: { workers: 1, running: 0, queued: 0 } }] }])
    win().close()
    expect(fake.handlers.size).toBe(0)
    expect(svc.events.listenerCount('event')).toBe(0)
  })
})

describe('lifecycle', () => {
  it('before quitting, waits for the service to requeue its runs and close the database', async () => {
    await launch()
    const ended = appEnded()
    fake.module.app.quit()
    expect(state.services[0].closed).toBe(1)
    await ended
    // The second quit (after close) went through: one close only.
    expect(fake.module.app.quitCalls).toBe(2)
    expect(state.services[0].closed).toBe(1)
  })

  it('a second launch quits and the first window comes to the front', async () => {
    await launch()
    const first = win()
    first.minimized = true
    fake.module.app.emit('second-instance', {}, ['alpha-workbench'], home.home)
    expect(first.minimized).toBe(false)
    expect(first.focused).toBe(1)

    const windowsBefore = FakeBrowserWindow.instances.length
    const ended = new Promise<void>((r) => setTimeout(r, 0))
    await launch({ singleInstance: false })
    await ended
    expect(fake.module.app.quitCalls).toBe(1)
    expect(FakeBrowserWindow.instances.length).toBe(windowsBefore)
    expect(state.services.length).toBe(1)
  })

  it('restores the window size and position of the last launch', async () => {
    await launch()
    win().bounds = { x: 40, y: 60, width: 1200, height: 800 }
    win().close()
    await launch()
    expect(win().options).toMatchObject({ x: 40, y: 60, width: 1200, height: 800 })
    // A position that is off every screen now is dropped (the window is centred); the size stays.
    win().bounds = { x: 5000, y: 60, width: 1100, height: 700 }
    win().close()
    await launch()
    expect(win().options).toMatchObject({ width: 1100, height: 700 })
    expect(win().options.x).toBeUndefined()
  })
})

describe('quitting with a run training (real service, worker thread and database)', () => {
  it('puts the running run back in the queue, closes the database, then quits', async () => {
    state.realService = true
    // First launch: a data folder that does not exist yet.
    const dataDir = join(home.home, 'first', 'launch')
    process.env.ALPHA_WB_HOME = dataDir
    await launch()
    expect(fake.module.dialog.errors).toEqual([])
    const page = `${ownPage}#/queue`
    const { PRESETS } = await import('../../src/shared/sweep-spec')
    const spec = { ...PRESETS.paper, name: 'quit-test', datasets: ['mnist'], lambdas: [0], runsPerLambda: 1, epochs: 40, subsample: 640, batchSize: 16 }
    const queued = (await fake.invoke('workbench:queueSweep', win().webContents, page, spec)) as { ok: boolean; value: { id: number } }
    expect(queued, JSON.stringify(queued)).toMatchObject({ ok: true })
    // Quit once a chunk is stored (its run-progress event follows the write), so there is work to keep.
    const storedStep = (): number =>
      Math.max(0, ...win().webContents.sent.map((m) => m.args[0] as { type: string; step?: number }).filter((e) => e.type === 'run-progress').map((e) => e.step ?? 0))
    for (let t = 0; storedStep() === 0; t += 50) {
      if (t > 60_000) throw new Error('the run never stored a chunk')
      await new Promise((r) => setTimeout(r, 50))
    }
    const progressed = storedStep()
    const ended = appEnded()
    fake.module.app.quit()
    await ended
    expect(fake.module.app.quitCalls).toBe(2)
    const db = join(dataDir, 'workbench.db')
    // The last connection's close checkpoints and removes the WAL file: the app closed its database.
    expect(existsSync(`${db}-wal`)).toBe(false)
    const { openStore } = await import('../../src/main/store')
    const store = openStore(db, { create: false })
    try {
      const runs = store.listRuns({ limit: 10 }).runs
      expect(runs.map((r) => r.status)).toEqual(['queued'])
      // Quitting keeps work (issue 10): the stored history is exactly the steps up to the run's checkpoint,
      // at least what was stored before the quit, and training resumes from there.
      const steps = store.getAlphaHistory(runs.map((r) => r.id))[0]?.steps ?? []
      const checkpoint = store.getCheckpoint(runs[0].id)
      expect(checkpoint?.step ?? 0).toBeGreaterThanOrEqual(progressed)
      expect(steps).toEqual(Array.from({ length: checkpoint?.step ?? 0 }, (_, i) => i + 1))
    } finally {
      store.close()
    }
  })
})

describe('the Electron build of better-sqlite3', () => {
  afterEach(() => {
    delete (process.versions as Record<string, string | undefined>).electron
  })

  it('when it is missing, a native dialog names the problem and the fixing command, and the app quits without opening anything', async () => {
    Object.defineProperty(process.versions, 'electron', { value: '41.7.1', configurable: true, enumerable: true })
    const ended = new Promise<void>((r) => setTimeout(r, 0))
    await launch()
    await ended
    expect(fake.module.dialog.errors).toHaveLength(1)
    const { title, content } = fake.module.dialog.errors[0]
    expect(title).toMatch(/cannot open its database/)
    expect(content).toContain('better-sqlite3 has no build for Electron 41.7.1')
    expect(content).toContain(join('native-electron', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))
    expect(content).toContain('To fix it: npm run electron:sqlite')
    expect(fake.module.app.exitCode).toBe(1)
    expect(FakeBrowserWindow.instances).toHaveLength(0)
    expect(state.services).toHaveLength(0)
  })

  it('a packaged app says to reinstall', async () => {
    Object.defineProperty(process.versions, 'electron', { value: '41.7.1', configurable: true, enumerable: true })
    await launch({ packaged: true })
    expect(fake.module.dialog.errors[0].content).toMatch(/To fix it: Reinstall α-Workbench/)
    expect(fake.module.app.exitCode).toBe(1)
  })
})
