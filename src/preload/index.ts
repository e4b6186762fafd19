import { contextBridge, ipcRenderer } from 'electron'
import type { WorkbenchApi } from '../shared/api'

// Exposes exactly the API contract, nothing else of Electron or Node.
const api: WorkbenchApi = {
  getStatus: () => ipcRenderer.invoke('workbench:getStatus')
}

contextBridge.exposeInMainWorld('workbench', api)
