import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { API_METHODS, type EventListener, type WorkbenchClient, type WorkbenchEvent } from '../shared/api'

// Exposes exactly the API contract (its calls and its event subscription), nothing else of Electron or Node.
const client = Object.fromEntries(
  API_METHODS.map((method) => [method, (...args: unknown[]) => ipcRenderer.invoke(`workbench:${method}`, ...args)])
) as unknown as WorkbenchClient

client.onEvent = (listener: EventListener) => {
  const handler = (_e: IpcRendererEvent, event: WorkbenchEvent): void => listener(event)
  ipcRenderer.on('workbench:event', handler)
  return () => ipcRenderer.off('workbench:event', handler)
}

contextBridge.exposeInMainWorld('workbench', client)
