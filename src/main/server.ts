import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { extname, normalize, resolve, sep } from 'node:path'
import type { WorkbenchEvent } from '../shared/api'
import { echo, safeMessage } from '../shared/echo'
import { UserError } from '../shared/errors'
import type { WorkbenchService } from './service'

const HEARTBEAT_MS = 15_000
/** A connection answered 400 or 408 at the socket level is destroyed this long after, whatever its client does. */
const CLOSE_GRACE_MS = 2_000

/**
 * What one client, or many, may hold of the server. Every field has a default
 * (SERVER_LIMITS); tests pass smaller ones.
 */
export interface ServerLimits {
  /** Largest request body (413 above it): a CSV of the original study is a few MB; leave room for big imports. */
  maxBodyBytes: number
  /** Request bodies buffered at once, all requests together: a second huge upload waits its turn (503). */
  maxBodyBytesInFlight: number
  /**
   * Time to receive a request's line and headers (slowloris): a connection still
   * sending them after this gets 408 and is closed. Node's default is 60 s.
   */
  headersTimeoutMs: number
  /**
   * Time to receive a whole request, body included (a trickled upload): 408 after it.
   * It ends when the request is received, so a response may take longer, and the
   * event stream (a GET with no body) is never cut. 120 s lets a 256 MB import
   * through an SSH tunnel at ≥ 2.2 MB/s. Node's default is 300 s.
   */
  requestTimeoutMs: number
  /** An idle keep-alive connection between requests is closed after this (Node's default, made explicit). */
  keepAliveTimeoutMs: number
  /** How often Node looks for connections past the headers or request timeout (its default, 30 s, would let them run 30 s over). */
  timeoutCheckIntervalMs: number
  /** Open /api/events streams, all clients together (a tab holds one): the next gets 503. */
  maxEventClients: number
}

export const SERVER_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxBodyBytes: 256 * 1024 * 1024,
  maxBodyBytesInFlight: 320 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
  timeoutCheckIntervalMs: 1_000,
  maxEventClients: 64
})

/** 268435456 → '256 MB', 65536 → '64 KB'. */
function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / 1024 / 1024).toFixed(1)} MB`
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`
  return `${bytes} bytes`
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2'
}

const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin'
}

export interface ServeOptions {
  service: WorkbenchService
  /** Folder with the built renderer (index.html). */
  staticDir: string
  /** 0 = any free port. */
  port: number
  /**
   * The access token (Jupyter's model): required as `?token=` on the first
   * page load, which swaps it for an HttpOnly SameSite=Strict cookie, or as
   * `Authorization: Bearer TOKEN` from scripts. null = no authentication.
   */
  token: string | null
  /** Body sizes, timeouts and the event-stream cap; SERVER_LIMITS for any left out. */
  limits?: Partial<ServerLimits>
}

export interface RunningServer {
  server: Server
  /** The server's own origin and path, without the token. */
  url: string
  /** The URL to open: `url` plus `?token=…` (the same as `url` without authentication). */
  openUrl: string
  close(): Promise<void>
}

/** A fresh random token (192 bits, URL-safe). */
export function newToken(): string {
  return randomBytes(24).toString('base64url')
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const text = body === undefined ? '' : JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS, ...headers })
  res.end(text)
}

/** The request target's path and query. Only origin-form ('/path?q') and absolute-form to this server are accepted. */
function requestTarget(raw: string | undefined, allowed: Set<string>): { pathname: string; query: URLSearchParams } {
  const target = raw ?? '/'
  const url = parseUrl(target.startsWith('/') ? `http://origin.invalid${target}` : target)
  if (!url) fail(400, `malformed request target ${echo(target)}`)
  // Absolute form ('GET http://host/path'): allowed only when it names this server.
  if (!target.startsWith('/') && (url.protocol !== 'http:' || !allowed.has(url.host))) fail(400, `request target ${echo(target)} is not this server`)
  return { pathname: url.pathname, query: url.searchParams }
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text)
  } catch {
    return null
  }
}

/** A client's mistake (shared/errors.ts): answered with its status and message, never logged with a stack trace. */
function fail(status: number, message: string): never {
  throw new UserError(message, status)
}

function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname)
  } catch {
    return fail(400, `malformed percent-encoding in path ${echo(pathname)}`)
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

/** Constant-time comparison of a presented secret with the expected one. */
function sameSecret(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false
  return timingSafeEqual(digest(presented), digest(expected))
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

function bearer(header: string | undefined): string | undefined {
  const m = /^(?:Bearer|token)\s+(\S+)\s*$/i.exec(header ?? '')
  return m ? m[1] : undefined
}

const LOGIN_PAGE = `<!doctype html><meta charset="utf-8"><title>α-Workbench: token needed</title>
<body style="font:15px system-ui;margin:3em;max-width:40em"><h1>Token needed</h1>
<p>This α-Workbench server only answers its owner. Open the URL that <code>alpha-wb serve</code> printed
(it ends in <code>?token=…</code>) in this browser once; the page then keeps a cookie for this session.</p></body>`

/**
 * The browser transport: the built UI and the API contract on 127.0.0.1 only.
 * POST /api/<method> takes the JSON array of arguments; GET /api/events is a
 * server-sent event stream. Requests whose Host or Origin is not this server's
 * own origin are refused (DNS rebinding, other sites' pages); with a token,
 * every API and event request without the session cookie or the token gets 401.
 *
 * No request can take the process down: every handler's failure becomes a
 * 4xx (the client's mistake, not logged) or a 500 (logged once).
 */
export function serve(opts: ServeOptions): Promise<RunningServer> {
  const staticRoot = resolve(opts.staticDir)
  try {
    statSync(resolve(staticRoot, 'index.html'))
  } catch {
    return Promise.reject(new Error(`no built UI in ${staticRoot} (run \`npm run build:web\`)`))
  }
  let port = 0
  let hosts = new Set<string>()
  // The cookie holds a per-launch session secret, not the token itself; its name carries the port
  // because browsers share cookies between ports of one host.
  const session = newToken()
  const cookieName = (): string => `awb-session-${port}`
  const limits: ServerLimits = { ...SERVER_LIMITS, ...opts.limits }
  let bodyBytesInFlight = 0
  let eventClients = 0
  /** Each socket's response in progress: a client error on it must not write a second status line into it. */
  const answering = new WeakMap<Socket, ServerResponse>()
  // Each open stream listens to the service's events: as many as the cap allows are not a leak.
  const maxListeners = opts.service.events.getMaxListeners()
  if (maxListeners > 0) opts.service.events.setMaxListeners(maxListeners + limits.maxEventClients)

  const authenticated = (req: IncomingMessage): boolean => {
    if (opts.token === null) return true
    if (sameSecret(cookieValue(req.headers.cookie, cookieName()), session)) return true
    return sameSecret(bearer(req.headers.authorization), opts.token)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const host = req.headers.host ?? ''
    const origin = req.headers.origin
    if (!hosts.has(host)) return send(res, 403, { error: `refused: Host '${echo(host)}' is not this server` })
    if (origin !== undefined && !hosts.has(origin.replace(/^http:\/\//, ''))) {
      return send(res, 403, { error: `refused: Origin '${echo(origin)}' is not this server` })
    }
    const { pathname, query } = requestTarget(req.url, hosts)
    if (pathname === '/api/events' || pathname.startsWith('/api/')) {
      if (!authenticated(req)) {
        return send(res, 401, { error: 'not signed in: open the URL with ?token=… that `alpha-wb serve` printed' }, { 'www-authenticate': 'Bearer' })
      }
      if (pathname === '/api/events') return events(req, res)
      return api(decodePath(pathname.slice('/api/'.length)), req, res)
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method not allowed' })
    if (opts.token !== null && query.has('token')) return login(query.get('token') ?? '', pathname, res)
    if (opts.token !== null && (pathname === '/' || pathname === '/index.html') && !authenticated(req)) {
      res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': PAGE_CSP, ...SECURITY_HEADERS })
      res.end(req.method === 'HEAD' ? undefined : LOGIN_PAGE)
      return
    }
    return file(pathname, res)
  }

  /** First load with ?token=: the token becomes a session cookie and the browser goes to the clean URL. */
  const login = (presented: string, pathname: string, res: ServerResponse): void => {
    if (!sameSecret(presented, opts.token!)) return send(res, 401, { error: 'wrong token' })
    res.writeHead(303, {
      location: pathname.startsWith('/') && !pathname.startsWith('//') ? pathname : '/',
      'set-cookie': `${cookieName()}=${session}; HttpOnly; SameSite=Strict; Path=/`,
      'cache-control': 'no-store',
      ...SECURITY_HEADERS
    })
    res.end()
  }

  const readBody = (req: IncomingMessage): Promise<string> => {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > limits.maxBodyBytes) fail(413, `request body over ${sizeText(limits.maxBodyBytes)}`)
    return new Promise((resolvePromise, reject) => {
      const chunks: Buffer[] = []
      let size = 0
      const release = (): void => {
        bodyBytesInFlight -= size
        size = 0
      }
      const stop = (err: UserError): void => {
        release()
        chunks.length = 0
        req.removeAllListeners('data')
        req.resume()
        reject(err)
      }
      req.on('data', (c: Buffer) => {
        size += c.length
        bodyBytesInFlight += c.length
        if (size > limits.maxBodyBytes) stop(new UserError(`request body over ${sizeText(limits.maxBodyBytes)}`, 413))
        else if (bodyBytesInFlight > limits.maxBodyBytesInFlight) stop(new UserError('too many large uploads at once; try again when the others finish', 503))
        else chunks.push(c)
      })
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        release()
        resolvePromise(text)
      })
      req.on('error', (e) => {
        release()
        reject(new UserError(`request body: ${e.message}`, 400))
      })
      req.on('aborted', () => {
        release()
        reject(new UserError('request aborted', 400))
      })
    })
  }

  const api = async (method: string, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return send(res, 405, { error: 'API calls are POST' })
    // JSON only: a cross-site form cannot send it without a CORS preflight, which this server never grants.
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, { error: 'content-type must be application/json' })
    const body = await readBody(req)
    let args: unknown
    try {
      args = body ? JSON.parse(body) : []
    } catch {
      return send(res, 400, { error: 'request body is not valid JSON' })
    }
    // A UserError (bad argument 400, unknown method/run/sweep 404) goes to the handler below with its status.
    send(res, 200, (await opts.service.call(method, args)) ?? null)
  }

  const events = (req: IncomingMessage, res: ServerResponse): void => {
    if (eventClients >= limits.maxEventClients) {
      return send(res, 503, { error: `too many open event streams (${limits.maxEventClients}): close other tabs of this app, then reload` }, { 'retry-after': '10' })
    }
    eventClients++
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', ...SECURITY_HEADERS })
    res.write(': connected\n\n')
    const forward = (e: WorkbenchEvent): void => {
      if (!res.writableEnded && !res.destroyed) res.write(`data: ${JSON.stringify(e)}\n\n`)
    }
    const heartbeat = setInterval(() => {
      if (!res.writableEnded && !res.destroyed) res.write(': ping\n\n')
    }, HEARTBEAT_MS)
    opts.service.events.on('event', forward)
    let open = true
    const close = (): void => {
      if (!open) return
      open = false
      eventClients--
      clearInterval(heartbeat)
      opts.service.events.off('event', forward)
    }
    req.on('close', close)
    res.on('error', close)
  }

  const file = (pathname: string, res: ServerResponse): void => {
    const decoded = decodePath(pathname === '/' ? '/index.html' : pathname)
    if (decoded.includes('\0')) return send(res, 404, { error: 'not found' })
    const rel = normalize(decoded).replace(/^([/\\])+/, '')
    const full = resolve(staticRoot, rel)
    if (full !== staticRoot && !full.startsWith(staticRoot + sep)) return send(res, 404, { error: 'not found' })
    let isFile: boolean
    try {
      isFile = statSync(full).isFile()
    } catch {
      isFile = false
    }
    if (!isFile) return send(res, 404, { error: 'not found' })
    const stream = createReadStream(full)
    stream.once('error', () => send(res, 404, { error: 'not found' }))
    stream.once('open', () => {
      res.writeHead(200, {
        'content-type': MIME[extname(full)] ?? 'application/octet-stream',
        // The page's own meta CSP, plus what only a header can say (frame-ancestors).
        ...(extname(full) === '.html' ? { 'content-security-policy': PAGE_CSP } : {}),
        'cache-control': extname(full) === '.html' ? 'no-store' : 'public, max-age=31536000, immutable',
        ...SECURITY_HEADERS
      })
      stream.pipe(res)
    })
  }

  // Node checks these timeouts only while a request is being received: a response, so the event stream, is never cut.
  const timeouts = { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: limits.timeoutCheckIntervalMs }
  const server = createServer(timeouts, (req, res) => {
    answering.set(req.socket, res)
    res.on('close', () => {
      if (answering.get(req.socket) === res) answering.delete(req.socket)
    })
    res.on('error', () => res.destroy())
    handle(req, res).catch((err: unknown) => {
      if (err instanceof UserError) return send(res, err.status, { error: safeMessage(err.message) })
      // A server fault, not the client's: logged once (message and stack), answered without internals.
      console.error(`${echo(req.method ?? '?', 16)} ${echo(req.url ?? '', 200)} failed:`, err)
      try {
        send(res, 500, { error: safeMessage(err instanceof Error ? err.message : String(err)) })
      } catch {
        res.destroy()
      }
    })
  })
  server.keepAliveTimeout = limits.keepAliveTimeoutMs
  // No idle timeout on sockets: the event stream is quiet between its heartbeats.
  server.timeout = 0
  // Unparsable requests (bad request lines, headers, oversized headers): a plain 400, nothing logged;
  // a request whose headers or body took too long (see ServerLimits): 408. The socket is closed either way.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    socket.on('error', () => socket.destroy())
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request'
    // Not into a response already under way (an event stream, a reply sent before its body arrived).
    if (!socket.writable || answering.get(socket)?.headersSent) {
      socket.destroy()
      return
    }
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`)
    // Half-closed, so the client reads the answer before the socket goes (closing with its unread bytes would reset it);
    // gone for good soon after, even if the client never closes its side.
    socket.resume()
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref()
  })

  // CONNECT is not for this server; without a listener Node would drop the socket unanswered.
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    socket.on('error', () => socket.destroy())
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nconnection: close\r\ncontent-length: 0\r\n\r\n')
  })

  return new Promise((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', reject)
      server.on('error', (e) => console.error(`server error: ${e.message}`))
      port = (server.address() as AddressInfo).port
      hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`])
      const url = `http://127.0.0.1:${port}/`
      resolvePromise({
        server,
        url,
        openUrl: opts.token === null ? url : `${url}?token=${encodeURIComponent(opts.token)}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          })
      })
    })
  })
}
