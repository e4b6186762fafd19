import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { WorkbenchEvent } from '../shared/api'
import { ApiError, type WorkbenchService } from './service'

/** Largest request body: a CSV of the original study is a few MB; leave room for big imports. */
const MAX_BODY_BYTES = 256 * 1024 * 1024
const HEARTBEAT_MS = 15_000

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
}

export interface RunningServer {
  server: Server
  url: string
  close(): Promise<void>
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS })
  res.end(text)
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError(`request body over ${MAX_BODY_BYTES / 1024 / 1024} MB`))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/**
 * The browser transport: the built UI and the API contract on 127.0.0.1 only.
 * POST /api/<method> takes the JSON array of arguments; GET /api/events is a
 * server-sent event stream. Requests whose Host or Origin is not this server's
 * own origin are refused (DNS rebinding, other sites' pages).
 */
export function serve(opts: ServeOptions): Promise<RunningServer> {
  const staticRoot = resolve(opts.staticDir)
  if (!existsSync(join(staticRoot, 'index.html'))) {
    return Promise.reject(new Error(`no built UI in ${staticRoot} (run \`npm run build:web\`)`))
  }
  let port = 0
  const allowedHosts = (): Set<string> => new Set([`127.0.0.1:${port}`, `localhost:${port}`])

  const server = createServer((req, res) => {
    const host = req.headers.host ?? ''
    const origin = req.headers.origin
    if (!allowedHosts().has(host)) return send(res, 403, { error: `refused: Host '${host}' is not this server` })
    if (origin !== undefined && !allowedHosts().has(origin.replace(/^http:\/\//, ''))) {
      return send(res, 403, { error: `refused: Origin '${origin}' is not this server` })
    }
    const url = new URL(req.url ?? '/', `http://${host}`)
    if (url.pathname === '/api/events') return events(req, res)
    if (url.pathname.startsWith('/api/')) return api(url.pathname.slice('/api/'.length), req, res)
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method not allowed' })
    return file(url.pathname, res)
  })

  const api = async (method: string, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return send(res, 405, { error: 'API calls are POST' })
    // JSON only: a cross-site form cannot send it without a CORS preflight, which this server never grants.
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, { error: 'content-type must be application/json' })
    let args: unknown
    try {
      const body = await readBody(req)
      args = body ? JSON.parse(body) : []
    } catch (err) {
      return send(res, 400, { error: err instanceof ApiError ? err.message : 'request body is not valid JSON' })
    }
    try {
      send(res, 200, (await opts.service.call(method, args)) ?? null)
    } catch (err) {
      if (err instanceof ApiError) send(res, /^unknown method/.test(err.message) ? 404 : 400, { error: err.message })
      else {
        console.error(`${method} failed:`, err)
        send(res, 500, { error: err instanceof Error ? err.message : String(err) })
      }
    }
  }

  const events = (req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', ...SECURITY_HEADERS })
    res.write(': connected\n\n')
    const forward = (e: WorkbenchEvent): void => {
      res.write(`data: ${JSON.stringify(e)}\n\n`)
    }
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS)
    opts.service.events.on('event', forward)
    req.on('close', () => {
      clearInterval(heartbeat)
      opts.service.events.off('event', forward)
    })
  }

  const file = (pathname: string, res: ServerResponse): void => {
    const rel = normalize(decodeURIComponent(pathname === '/' ? '/index.html' : pathname)).replace(/^([/\\])+/, '')
    const full = resolve(staticRoot, rel)
    if (full !== staticRoot && !full.startsWith(staticRoot + sep)) return send(res, 404, { error: 'not found' })
    if (!existsSync(full) || !statSync(full).isFile()) return send(res, 404, { error: 'not found' })
    res.writeHead(200, {
      'content-type': MIME[extname(full)] ?? 'application/octet-stream',
      // The page's own meta CSP, plus what only a header can say (frame-ancestors).
      ...(extname(full) === '.html' ? { 'content-security-policy': PAGE_CSP } : {}),
      'cache-control': extname(full) === '.html' ? 'no-store' : 'public, max-age=31536000, immutable',
      ...SECURITY_HEADERS
    })
    createReadStream(full).pipe(res)
  }

  return new Promise((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(opts.port, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port
      resolvePromise({
        server,
        url: `http://127.0.0.1:${port}/`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          })
      })
    })
  })
}
