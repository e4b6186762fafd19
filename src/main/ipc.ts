import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { API_METHODS, type WorkbenchEvent } from '../shared/api'
import type { WorkbenchService } from './service'

/**
 * Serves the API contract over Electron IPC: one handler per method, each
 * validated by the service exactly as the HTTP transport is. Only the app's
 * own page may call; live events go to the window.
 */
export function serveOverIpc(service: WorkbenchService, win: BrowserWindow, isAppUrl: (url: string) => boolean): () => void {
  for (const method of API_METHODS) {
    ipcMain.handle(`workbench:${method}`, (event: IpcMainInvokeEvent, ...args: unknown[]) => {
      const url = event.senderFrame?.url ?? ''
      if (!isAppUrl(url)) throw new Error(`refused call from ${url || 'an unknown frame'}`)
      return service.call(method, args)
    })
  }
  const forward = (e: WorkbenchEvent): void => {
    if (!win.isDestroyed()) win.webContents.send('workbench:event', e)
  }
  service.events.on('event', forward)
  return () => {
    service.events.off('event', forward)
    for (const method of API_METHODS) ipcMain.removeHandler(`workbench:${method}`)
  }
}
