import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { app, BrowserWindow, session, shell } from 'electron'
import { serveOverIpc } from './ipc'
import { APP_DIR_NAME, defaultDataDir, defaultDatasetCacheDir } from './paths'
import { WorkbenchService } from './service'

// The user-data folder is named like the CLI's data folder, so both share one database.
app.setName(APP_DIR_NAME)

const here = fileURLToPath(new URL('.', import.meta.url))
const rendererFile = join(here, '../renderer/index.html')
const devUrl = process.env.ELECTRON_RENDERER_URL

function isAppUrl(url: string): boolean {
  return devUrl ? url.startsWith(devUrl) : url.startsWith(pathToFileURL(rendererFile).href)
}

function createWindow(service: WorkbenchService): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 920,
    minWidth: 1000,
    minHeight: 640,
    show: false,
    title: 'α-Workbench',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true
    }
  })
  win.once('ready-to-show', () => win.show())
  // No navigation away from the app and no new windows; https links open in the system browser.
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault()
  })
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https:')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  const stopIpc = serveOverIpc(service, win, isAppUrl)
  win.on('closed', stopIpc)
  if (devUrl) void win.loadURL(devUrl)
  else void win.loadFile(rendererFile)
  return win
}

let service: WorkbenchService | null = null

void app.whenReady().then(() => {
  // No permissions (camera, notifications, …) and no remote content for any page.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    // The app's own files, and blob:/data: URLs its chart and table exports download through.
    const local = /^(file|devtools|blob|data):/.test(details.url) || (devUrl !== undefined && details.url.startsWith(devUrl))
    callback({ cancel: !local })
  })
  const dataDir = process.env.ALPHA_WB_HOME ? defaultDataDir() : app.getPath('userData')
  service = new WorkbenchService({ dbPath: join(dataDir, 'workbench.db'), cacheDir: defaultDatasetCacheDir(dataDir) })
  service.start()
  createWindow(service)
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && service) createWindow(service)
  })
})

let quitting = false
app.on('before-quit', (event) => {
  if (quitting || !service) return
  // Running runs go back to the queue cleanly before the process ends.
  event.preventDefault()
  quitting = true
  void service.close().finally(() => app.quit())
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
