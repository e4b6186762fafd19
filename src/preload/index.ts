import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { API_METHODS, type EventListener, type WorkbenchClient, type WorkbenchEvent } from '../shared/api'
import { IPC_EVENT_CHANNEL, ipcChannel, isIpcOutcome } from '../shared/ipc'

// Exposes exactly the API contract (its calls and its event subscription), nothing else of Electron or Node.
async function call(method: string, args: unknown[]): Promise<unknown> {
  const outcome: unknown = await ipcRenderer.invoke(ipcChannel(method), ...args)
  if (!isIpcOutcome(outcome)) throw new Error(`${method}: the back end sent a malformed reply`)
  // A plain Error with the back end's message only: the page never sees "Error invoking remote method …".
  if (!outcome.ok) throw new Error(outcome.error)
  return outcome.value
}

const client = Object.fromEntries(API_METHODS.map((method) => [method, (...args: unknown[]) => call(method, args)])) as unknown as WorkbenchClient

client.onEvent = (listener: EventListener) => {
  const handler = (_e: IpcRendererEvent, event: WorkbenchEvent): void => listener(event)
  ipcRenderer.on(IPC_EVENT_CHANNEL, handler)
  return () => ipcRenderer.off(IPC_EVENT_CHANNEL, handler)
}

contextBridge.exposeInMainWorld('workbench', client)
