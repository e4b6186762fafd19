import { API_METHODS, type ApiMethod, type EventListener, type WorkbenchClient, type WorkbenchEvent } from '../../../shared/api'

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    workbench?: WorkbenchClient
  }
}

/** Browser mode: the same contract over HTTP (POST /api/<method>, JSON arguments) and server-sent events. */
function httpClient(base = ''): WorkbenchClient {
  const call = async (method: ApiMethod, args: unknown[]): Promise<unknown> => {
    const res = await fetch(`${base}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(args)
    })
    const text = await res.text()
    const body: unknown = text ? JSON.parse(text) : null
    if (!res.ok) {
      const message = body && typeof body === 'object' && 'error' in body ? String(body.error) : `${res.status} ${res.statusText}`
      throw new Error(message)
    }
    return body
  }
  const listeners = new Set<EventListener>()
  let source: EventSource | null = null
  const ensureSource = (): void => {
    if (source) return
    source = new EventSource(`${base}/api/events`)
    source.onmessage = (msg) => {
      const event = JSON.parse(msg.data as string) as WorkbenchEvent
      for (const l of listeners) l(event)
    }
  }
  const client = Object.fromEntries(API_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)])) as unknown as WorkbenchClient
  client.onEvent = (listener) => {
    listeners.add(listener)
    ensureSource()
    return () => {
      listeners.delete(listener)
      if (listeners.size === 0 && source) {
        source.close()
        source = null
      }
    }
  }
  return client
}

let cached: WorkbenchClient | null = null

/** The back end: Electron IPC through the preload when present, else HTTP to the serving origin. */
export function apiClient(): WorkbenchClient {
  cached ??= window.workbench ?? httpClient()
  return cached
}

/** For tests: use a fake back end. */
export function setApiClient(client: WorkbenchClient | null): void {
  cached = client
}
