import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { API_METHODS, type WorkbenchEvent } from '../shared/api'
import { IPC_EVENT_CHANNEL, ipcChannel, type IpcOutcome } from '../shared/ipc'
import { echo } from '../shared/echo'
import { UserError } from '../shared/errors'
import type { WorkbenchService } from './service'

/**
 * The message the page sees for a failed call: the back end's own, never a
 * stack or Electron's wrapper, cut and with control characters escaped (as
 * the CLI and serve do), since it may quote what the call sent.
 */
function messageOf(err: unknown): string {
  if (err instanceof Error) return echo(err.message || err.name)
  return typeof err === 'string' ? echo(err) : 'the call failed'
}

/**
 * Serves the API contract over Electron IPC: one handler per method, each
 * validated by the service exactly as the HTTP transport is. Only the app's
 * own page (main frame or its own subframes) may call. Outcomes cross as an
 * IpcOutcome envelope, so a refused call reaches the page as a clean message.
 * Live events go to the window.
 */
export function serveOverIpc(
  service: Pick<WorkbenchService, 'call' | 'events'>,
  win: BrowserWindow,
  isAppUrl: (url: string) => boolean,
  log: (message: string) => void = (m) => console.error(m)
): () => void {
  for (const method of API_METHODS) {
    ipcMain.handle(ipcChannel(method), async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<IpcOutcome> => {
      const url = event.senderFrame?.url ?? ''
      if (event.sender !== win.webContents || !isAppUrl(url)) {
        return { ok: false, error: `${method}: refused, the call came from ${echo(url) || 'an unknown frame'}, not the app's page` }
      }
      try {
        return { ok: true, value: await service.call(method, args) }
      } catch (err) {
        // Bad calls (UserError) are the caller's business; anything else is also logged here, with its stack.
        if (!(err instanceof UserError)) log(`workbench:${method} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
        return { ok: false, error: messageOf(err) }
      }
    })
  }
  const forward = (e: WorkbenchEvent): void => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, e)
  }
  service.events.on('event', forward)
  return () => {
    service.events.off('event', forward)
    for (const method of API_METHODS) ipcMain.removeHandler(ipcChannel(method))
  }
}
