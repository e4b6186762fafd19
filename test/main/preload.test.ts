import { EventEmitter } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { API_METHODS, type WorkbenchClient } from '../../src/shared/api'
import { tempHome } from '../helpers/cli'
import { ensureBuilt } from './built'
import { createFakeElectron, FakeBrowserWindow } from './fake-electron'

// The BUILT preload (out/preload/index.cjs, what the app ships; `npx electron-vite
// build` makes it) run in a vm context with a fake contextBridge and ipcRenderer,
// and wired through the real ipc.ts to a real WorkbenchService.

const state = vi.hoisted(() => ({ fake: null as unknown as { module: Record<string, unknown> } }))
vi.mock('electron', () => ({
  get ipcMain() {
    return state.fake.module.ipcMain
  }
}))

const root = resolve(__dirname, '../..')
const PRELOAD = join(root, 'out/preload/index.cjs')

interface Loaded {
  exposed: Map<string, unknown>
  required: string[]
  invoked: { channel: string; args: unknown[] }[]
  renderer: EventEmitter
}

/** Runs the built preload as Electron's sandboxed preload would, with `invoke` standing in for the main process. */
function loadPreload(invoke: (channel: string, ...args: unknown[]) => Promise<unknown>): Loaded {
  const exposed = new Map<string, unknown>()
  const required: string[] = []
  const invoked: Loaded['invoked'] = []
  const renderer = new EventEmitter()
  const ipcRenderer = {
    invoke: (channel: string, ...args: unknown[]) => {
      invoked.push({ channel, args })
      return invoke(channel, ...args)
    },
    on: (channel: string, fn: (...a: unknown[]) => void) => renderer.on(channel, fn),
    off: (channel: string, fn: (...a: unknown[]) => void) => renderer.off(channel, fn)
  }
  const contextBridge = {
    exposeInMainWorld(key: string, api: unknown) {
      if (exposed.has(key)) throw new Error(`${key} exposed twice`)
      exposed.set(key, api)
    }
  }
  const module = { exports: {} }
  runInNewContext(readFileSync(PRELOAD, 'utf8'), {
    module,
    exports: module.exports,
    require(name: string) {
      required.push(name)
      // A sandboxed preload gets only a few modules; this one needs Electron's and nothing else.
      if (name === 'electron') return { contextBridge, ipcRenderer }
      throw new Error(`the sandboxed preload cannot require '${name}'`)
    }
  })
  return { exposed, required, invoked, renderer }
}

beforeAll(async () => {
  await ensureBuilt()
  if (!existsSync(PRELOAD)) throw new Error(`${PRELOAD} is missing after the build`)
}, 300_000)

describe('the built preload', () => {
  it('exposes exactly the contract: one function per API method plus onEvent, under window.workbench', () => {
    const { exposed, required } = loadPreload(() => Promise.resolve({ ok: true, value: null }))
    expect([...exposed.keys()]).toEqual(['workbench'])
    const api = exposed.get('workbench') as Record<string, unknown>
    expect(Object.keys(api).sort()).toEqual([...API_METHODS, 'onEvent'].sort())
    for (const k of Object.keys(api)) expect(typeof api[k], k).toBe('function')
    expect(required).toEqual(['electron'])
  })

  it('calls each method on its own channel with its arguments, and returns the value', async () => {
    const { exposed, invoked } = loadPreload((channel, ...args) => Promise.resolve({ ok: true, value: { channel, args } }))
    const api = exposed.get('workbench') as Record<string, (...a: unknown[]) => Promise<unknown>>
    for (const m of API_METHODS) expect(await api[m](1, { a: 2 })).toEqual({ channel: `workbench:${m}`, args: [1, { a: 2 }] })
    expect(invoked).toHaveLength(API_METHODS.length)
  })

  it('delivers live events until unsubscribed', () => {
    const { exposed, renderer } = loadPreload(() => Promise.resolve({ ok: true, value: null }))
    const api = exposed.get('workbench') as WorkbenchClient
    const seen: unknown[] = []
    const off = api.onEvent((e) => seen.push(e))
    renderer.emit('workbench:event', {}, { type: 'queue-changed' })
    off()
    renderer.emit('workbench:event', {}, { type: 'queue-changed' })
    expect(seen).toEqual([{ type: 'queue-changed' }])
    expect(renderer.listenerCount('workbench:event')).toBe(0)
  })
})

describe('errors crossing IPC', () => {
  const home = tempHome('awb-ipc-')
  let service: import('../../src/main/service').WorkbenchService
  let api: WorkbenchClient
  let stop: () => void

  beforeAll(async () => {
    const fake = createFakeElectron()
    state.fake = fake as unknown as typeof state.fake
    const { WorkbenchService } = await import('../../src/main/service')
    const { serveOverIpc } = await import('../../src/main/ipc')
    service = new WorkbenchService({ dbPath: home.db, cacheDir: join(home.home, 'datasets'), workers: 1 })
    const win = new FakeBrowserWindow({})
    const page = 'file:///app/out/renderer/index.html'
    stop = serveOverIpc(service, win as never, (url) => url === page, () => {})
    // The page's calls go through the built preload, Electron's IPC (the fake) and the real ipc.ts.
    api = loadPreload((channel, ...args) => fake.invoke(channel, win.webContents, page, ...args)).exposed.get('workbench') as WorkbenchClient
  })

  afterAll(async () => {
    stop()
    await service.close()
    home.cleanup()
  })

  async function rejection(p: Promise<unknown>): Promise<Error> {
    try {
      await p
    } catch (e) {
      return e as Error
    }
    throw new Error('the call did not fail')
  }

  it('reach the page as the back end message alone, not "Error invoking remote method …"', async () => {
    const notFound = await rejection(api.getRun(12345))
    expect(notFound.message).toMatch(/^(getRun: )?no run #12345$/)
    const badSpec = await rejection(api.queueSweep({ preset: 'paper', lambdas: [-1] } as never))
    expect(badSpec.message).toMatch(/^queueSweep: .*lambdas/)
    for (const e of [notFound, badSpec]) {
      expect(e.message).not.toMatch(/Error invoking remote method|workbench:|^Error:/)
      expect(e.name).toBe('Error')
    }
  })

  it('arrive cut and with control characters escaped, whatever the back end quoted', async () => {
    const hostile = `no dataset named '\u001b[2J\u001b]0;pwned\u0007${'x'.repeat(300_000)}'`
    const fake = createFakeElectron()
    state.fake = fake as unknown as typeof state.fake
    const { serveOverIpc } = await import('../../src/main/ipc')
    const { EventEmitter } = await import('node:events')
    const failing = { call: async () => Promise.reject(new Error(hostile)), events: new EventEmitter() }
    const win = new FakeBrowserWindow({})
    const page = 'file:///app/out/renderer/index.html'
    const unserve = serveOverIpc(failing as never, win as never, (url) => url === page, () => {})
    try {
      const client = loadPreload((channel, ...args) => fake.invoke(channel, win.webContents, page, ...args)).exposed.get('workbench') as WorkbenchClient
      const e = await rejection(client.listSweeps())
      expect(e.message.length).toBeLessThan(2_000)
      expect(e.message).toMatch(/^(listSweeps: )?no dataset named/)
      expect([...e.message].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)).toBe(false)
    } finally {
      unserve()
    }
  })

  it('successful calls still return their values', async () => {
    expect(await api.listSweeps()).toEqual([])
  })
})
