import { API_METHODS, type ApiMethod, type EventListener, type WorkbenchClient, type WorkbenchEvent } from '@shared/api'

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    workbench?: WorkbenchClient
  }
}

function errorText(status: number, statusText: string, text: string): string {
  try {
    const body: unknown = JSON.parse(text)
    if (body && typeof body === 'object' && 'error' in body) return String(body.error)
  } catch {
    // Not JSON (a proxy's HTML page, a crash): fall through to the status line.
  }
  return `${status} ${statusText}${text ? `: ${text.slice(0, 200)}` : ''}`
}

/** undefined is not JSON (it would become null): omitted optional arguments are dropped instead. */
function withoutTrailingUndefined(args: unknown[]): unknown[] {
  let n = args.length
  while (n > 0 && args[n - 1] === undefined) n--
  return args.slice(0, n)
}

function isEvent(v: unknown): v is WorkbenchEvent {
  return typeof v === 'object' && v !== null && 'type' in v && typeof v.type === 'string'
}

/** Browser mode: the same contract over HTTP (POST /api/<method>, JSON arguments) and server-sent events. */
function httpClient(base = ''): WorkbenchClient {
  const call = async (method: ApiMethod, args: unknown[]): Promise<unknown> => {
    let res: Response
    try {
      res = await fetch(`${base}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(withoutTrailingUndefined(args))
      })
    } catch {
      throw new Error(`cannot reach the back end (${method}): is \`npm run serve\` still running?`)
    }
    const text = await res.text()
    if (!res.ok) throw new Error(errorText(res.status, res.statusText, text))
    return text ? (JSON.parse(text) as unknown) : undefined
  }
  const listeners = new Set<EventListener>()
  let source: EventSource | null = null
  const ensureSource = (): void => {
    if (source) return
    // EventSource reconnects by itself after a dropped connection.
    source = new EventSource(`${base}/api/events`)
    source.onmessage = (msg: MessageEvent<string>) => {
      let event: unknown
      try {
        event = JSON.parse(msg.data)
      } catch {
        return
      }
      if (!isEvent(event)) return
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
