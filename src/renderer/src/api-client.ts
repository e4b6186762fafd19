import type { WorkbenchApi } from '../../shared/api'

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    workbench?: WorkbenchApi
  }
}

/** The back end: Electron IPC through the preload when present, else HTTP to the serving origin. */
export function apiClient(): WorkbenchApi {
  if (window.workbench) return window.workbench
  return {
    getStatus: async () => {
      const res = await fetch('/api/getStatus', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' })
      if (!res.ok) throw new Error(`getStatus failed: ${res.status} ${await res.text()}`)
      return res.json()
    }
  }
}
