import { EventEmitter } from 'node:events'

/**
 * A test double of the parts of the `electron` module the main process uses
 * (app, BrowserWindow, ipcMain, session, dialog, shell, screen). It records
 * what the code under test asked for, and lets a test play Electron's part:
 * fire app events, navigate, invoke an IPC channel from a chosen frame.
 */

export interface GuardDetails {
  url: string
  defaultPrevented: boolean
  preventDefault(): void
}

export function navigation(url: string): GuardDetails {
  const d = {
    url,
    defaultPrevented: false,
    preventDefault() {
      d.defaultPrevented = true
    }
  }
  return d
}

export class FakeWebContents extends EventEmitter {
  sent: { channel: string; args: unknown[] }[] = []
  windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args })
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void {
    this.windowOpenHandler = h
  }
}

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = []
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.instances.filter((w) => !w.destroyed)
  }
  readonly webContents = new FakeWebContents()
  loaded: { kind: 'url' | 'file'; target: string } | null = null
  destroyed = false
  minimized = false
  maximized = false
  focused = 0
  shown = 0
  bounds: Rect
  constructor(readonly options: Record<string, unknown> & { webPreferences?: Record<string, unknown> }) {
    super()
    const o = options as Partial<Rect>
    this.bounds = { x: o.x ?? 100, y: o.y ?? 100, width: o.width ?? 800, height: o.height ?? 600 }
    FakeBrowserWindow.instances.push(this)
  }
  loadURL(url: string): Promise<void> {
    this.loaded = { kind: 'url', target: url }
    return Promise.resolve()
  }
  loadFile(file: string): Promise<void> {
    this.loaded = { kind: 'file', target: file }
    return Promise.resolve()
  }
  show(): void {
    this.shown++
  }
  focus(): void {
    this.focused++
  }
  isMinimized(): boolean {
    return this.minimized
  }
  restore(): void {
    this.minimized = false
  }
  maximize(): void {
    this.maximized = true
  }
  isMaximized(): boolean {
    return this.maximized
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  getNormalBounds(): Rect {
    return this.bounds
  }
  /** What the user closing the window does: 'close', then 'closed'. */
  close(): void {
    this.emit('close', { preventDefault() {} })
    this.destroyed = true
    this.emit('closed')
  }
}

export interface FakeFrame {
  url: string
}

type Handler = (event: { sender: unknown; senderFrame: FakeFrame | null }, ...args: unknown[]) => unknown

export function createFakeElectron() {
  const handlers = new Map<string, Handler>()
  const ipcMain = {
    handle(channel: string, fn: Handler) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
      handlers.set(channel, fn)
    },
    removeHandler(channel: string) {
      handlers.delete(channel)
    }
  }

  let readyResolve: () => void = () => {}
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    name: 'electron',
    paths: new Map<string, string>(),
    singleInstance: true,
    quitCalls: 0,
    exitCode: null as number | null,
    ready: new Promise<void>((r) => (readyResolve = r)),
    setName(n: string) {
      app.name = n
    },
    setPath(name: string, p: string) {
      app.paths.set(name, p)
    },
    getPath(name: string) {
      return app.paths.get(name) ?? `/fake/${name}`
    },
    requestSingleInstanceLock() {
      return app.singleInstance
    },
    whenReady() {
      return app.ready
    },
    /** Like Electron: emits before-quit; unless a listener prevents it, the app ends. */
    quit() {
      app.quitCalls++
      let prevented = false
      app.emit('before-quit', {
        preventDefault() {
          prevented = true
        }
      })
      if (!prevented) app.emit('fake-ended')
    },
    exit(code = 0) {
      app.exitCode = code
      app.emit('fake-ended')
    }
  })

  type RequestHandler = (wc: unknown, permission: string, cb: (granted: boolean) => void, details?: unknown) => void
  type CheckHandler = (wc: unknown, permission: string, origin: string, details?: unknown) => boolean
  type BeforeRequest = (details: { url: string }, cb: (r: { cancel?: boolean }) => void) => void
  const defaultSession = {
    permissionRequestHandler: null as RequestHandler | null,
    permissionCheckHandler: null as CheckHandler | null,
    beforeRequest: null as BeforeRequest | null,
    setPermissionRequestHandler(h: RequestHandler | null) {
      defaultSession.permissionRequestHandler = h
    },
    setPermissionCheckHandler(h: CheckHandler | null) {
      defaultSession.permissionCheckHandler = h
    },
    webRequest: {
      onBeforeRequest(h: BeforeRequest | null) {
        defaultSession.beforeRequest = h
      }
    }
  }
  const session = { defaultSession }

  const dialog = { errors: [] as { title: string; content: string }[], showErrorBox(title: string, content: string) {
    dialog.errors.push({ title, content })
  } }
  const shell = { opened: [] as string[], openExternal(url: string) {
    shell.opened.push(url)
    return Promise.resolve()
  } }
  const screen = { displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }], getAllDisplays() {
    return screen.displays
  } }

  return {
    module: { app, BrowserWindow: FakeBrowserWindow, ipcMain, session, dialog, shell, screen },
    handlers,
    makeReady: () => readyResolve(),
    /** Calls IPC channel `channel` as Electron would for a page in `frame` of `sender`. */
    async invoke(channel: string, sender: unknown, frameUrl: string | null, ...args: unknown[]): Promise<unknown> {
      const h = handlers.get(channel)
      if (!h) throw new Error(`No handler registered for '${channel}'`)
      let reply: unknown
      try {
        reply = await h({ sender, senderFrame: frameUrl === null ? null : { url: frameUrl } }, ...structuredClone(args))
      } catch (err) {
        // What Electron does with an error thrown by an ipcMain.handle handler.
        throw new Error(`Error invoking remote method '${channel}': ${String(err)}`, { cause: err })
      }
      // Electron serialises the reply with the structured clone algorithm.
      return structuredClone(reply)
    }
  }
}

export type FakeElectron = ReturnType<typeof createFakeElectron>
