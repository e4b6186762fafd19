import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, dialog, screen, session, shell } from 'electron'
import { appUrlMatcher, devServerUrl, isAllowedExternal, requestAllowed } from './app-security'
import { serveOverIpc } from './ipc'
import { APP_DIR_NAME, defaultDataDir, defaultDatasetCacheDir, defaultDbPath, resourcePath } from './paths'
import { WorkbenchService } from './service'
import { checkSqliteBinding } from './store/sqlite-binding'
import { loadWindowState, MIN_WINDOW, saveWindowState } from './window-state'

// The desktop app's main process. Everything Electron-specific lives here and
// in ipc.ts; test/main/index.test.ts runs this file against a test double of
// the electron module.

const here = fileURLToPath(new URL('.', import.meta.url))
const rendererFile = join(here, '../renderer/index.html')
/** The file electron-vite emits for src/preload (CommonJS: sandboxed preloads cannot be ES modules). */
const preloadFile = join(here, '../preload/index.cjs')
const devUrl = devServerUrl(app.isPackaged, process.env.ELECTRON_RENDERER_URL)
const isAppUrl = appUrlMatcher({ devUrl, rendererFile })

// One data folder for the app and the CLI ($ALPHA_WB_HOME, else ~/.config/alpha-workbench
// on Linux): runs queued from either show up in the other.
app.setName(APP_DIR_NAME)
app.setPath('userData', defaultDataDir())
const windowStateFile = join(defaultDataDir(), 'window-state.json')

let service: WorkbenchService | null = null
let mainWindow: BrowserWindow | null = null

function windowIcon(): string | undefined {
  try {
    return resourcePath('icon.png')
  } catch {
    return undefined
  }
}

function createWindow(svc: WorkbenchService): BrowserWindow {
  const state = loadWindowState(
    windowStateFile,
    screen.getAllDisplays().map((d) => d.workArea)
  )
  const win = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: MIN_WINDOW.width,
    minHeight: MIN_WINDOW.height,
    show: false,
    title: 'α-Workbench',
    icon: windowIcon(),
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false
    }
  })
  if (state.maximized) win.maximize()
  win.once('ready-to-show', () => win.show())
  win.on('close', () => {
    try {
      saveWindowState(windowStateFile, win.getNormalBounds(), win.isMaximized())
    } catch (err) {
      console.error(`could not save the window's size and position: ${(err as Error).message}`)
    }
  })

  // No navigation away from the app, in the main frame or any subframe, and no redirects out of it.
  const guard = (details: { url: string; preventDefault(): void }): void => {
    if (!isAppUrl(details.url)) details.preventDefault()
  }
  win.webContents.on('will-navigate', guard)
  win.webContents.on('will-frame-navigate', guard)
  win.webContents.on('will-redirect', guard)
  // No new windows; links to allow-listed sites open in the system browser.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternal(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })

  const stopIpc = serveOverIpc(svc, win, isAppUrl)
  win.on('closed', () => {
    stopIpc()
    if (mainWindow === win) mainWindow = null
  })
  if (devUrl) void win.loadURL(devUrl)
  else void win.loadFile(rendererFile)
  mainWindow = win
  return win
}

/** Shows the problem and its fix in a native dialog, then quits (nothing is open yet). */
function fail(title: string, problem: string, fix: string): void {
  dialog.showErrorBox(title, `${problem}\n\nTo fix it: ${fix}`)
  app.exit(1)
}

function start(): void {
  // No permissions (camera, notifications, …) for any page, asked for or checked.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
  // No remote content: only the app's own files (and the dev server in development).
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !requestAllowed(details.url, devUrl) })
  })

  // better-sqlite3 is a V8 addon: Electron needs its own build of it (see store/sqlite-binding.ts).
  const sqlite = checkSqliteBinding({ isPackaged: app.isPackaged })
  if (!sqlite.ok) return fail('α-Workbench cannot open its database', sqlite.problem, sqlite.fix)

  let svc: WorkbenchService
  try {
    // First launch: the data folder may not exist yet.
    mkdirSync(defaultDataDir(), { recursive: true })
    svc = new WorkbenchService({ dbPath: defaultDbPath(), cacheDir: defaultDatasetCacheDir(defaultDataDir()) })
  } catch (err) {
    return fail('α-Workbench cannot open its database', (err as Error).message, `check the file, or start with another one: ALPHA_WB_DB=/path/to/new.db`)
  }
  service = svc
  svc.start()
  createWindow(svc)
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && service) createWindow(service)
  })
}

// One app per user-data folder: a second launch focuses the first window
// instead of opening a second writer on the same database.
if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (!mainWindow || mainWindow.isDestroyed()) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.show()
    mainWindow.focus()
  })
  void app.whenReady().then(start)

  let quitting = false
  app.on('before-quit', (event) => {
    if (quitting || !service) return
    // Running runs go back to the queue and the database closes before the process ends.
    event.preventDefault()
    quitting = true
    const svc = service
    void svc
      .close()
      .catch((err: unknown) => console.error(`shutdown: ${(err as Error).message}`))
      .finally(() => {
        service = null
        app.quit()
      })
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}
