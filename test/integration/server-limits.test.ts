import { mkdirSync, writeFileSync } from 'node:fs'
import { request, type IncomingMessage } from 'node:http'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serve, SERVER_LIMITS, type RunningServer, type ServerLimits } from '../../src/main/server'
import { WorkbenchService } from '../../src/main/service'
import { startServer, type ServerHandle } from '../e2e/server'
import { ensureBuiltUi, ROOT } from '../e2e/ui'
import { tempHome } from '../helpers/cli'

/**
 * What `serve` lets clients hold (issue 13, resource exhaustion and slowloris):
 * body sizes alone and together, slow and stalled connections, open event
 * streams; and the token `serve` prints. Loopback only, bounded in count
 * (fixed below) and time (the limits are injected small).
 */

const home = tempHome('awb-limits-')
const TOKEN = 'limits-token-0123456789abcdef'
const AUTH = { authorization: `Bearer ${TOKEN}` }
let service: WorkbenchService
let staticDir: string

beforeAll(() => {
  staticDir = join(home.home, 'ui')
  mkdirSync(staticDir)
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>α</title>')
  service = new WorkbenchService({ dbPath: home.db, cacheDir: join(home.home, 'datasets'), workers: 1 })
  service.start()
})

afterAll(async () => {
  await service.close()
  home.cleanup()
})

const start = (limits: Partial<ServerLimits> = {}): Promise<RunningServer> => serve({ service, staticDir, port: 0, token: TOKEN, limits })

interface Reply {
  status: number
  body: string
  headers: IncomingMessage['headers']
}

function reply(res: IncomingMessage): Promise<Reply> {
  return new Promise((resolve) => {
    let body = ''
    res.on('data', (c: Buffer) => (body += c.toString()))
    res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
  })
}

function http(base: string, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { agent: false, method: opts.method ?? 'GET', headers: opts.headers }, (res) => void reply(res).then(resolve))
    req.on('error', reject)
    req.end(opts.body)
  })
}

const call = (base: string, method: string, headers: Record<string, string> = AUTH): Promise<Reply> =>
  http(base, `/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '[]' })

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(20)
  }
}

/** A valid call's body (listSweeps with no arguments) padded with JSON whitespace to `bytes`. */
const paddedBody = (bytes: number): Buffer => Buffer.concat([Buffer.from('[]'), Buffer.alloc(bytes - 2, 0x20)])

/** A POST to /api/listSweeps whose body is sent in parts, when the test says. */
function upload(base: string, headers: Record<string, string>): { write(b: Buffer): void; end(b?: Buffer): void; reply: Promise<Reply> } {
  let req!: ReturnType<typeof request>
  const replied = new Promise<Reply>((resolve, reject) => {
    req = request(new URL('/api/listSweeps', base), { agent: false, method: 'POST', headers: { 'content-type': 'application/json', ...AUTH, ...headers } }, (res) => void reply(res).then(resolve))
    // The server may answer (413, 503) and close before the whole body is written.
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)))
  })
  return { write: (b) => void req.write(b), end: (b) => void req.end(b), reply: replied }
}

describe('request bodies', () => {
  const KB = 1024
  let server: RunningServer
  beforeAll(async () => {
    server = await start({ maxBodyBytes: 64 * KB, maxBodyBytesInFlight: 160 * KB })
  })
  afterAll(() => server.close())

  it('refuses one body over the limit with 413, declared or streamed, and keeps serving', async () => {
    const declared = upload(server.url, { 'content-length': String(100 * KB) })
    declared.end(paddedBody(100 * KB))
    const tooBig = await declared.reply
    expect(tooBig.status).toBe(413)
    expect(JSON.parse(tooBig.body).error).toBe('request body over 64 KB')

    // Chunked, no length declared: refused once what arrived passes the limit.
    const streamed = upload(server.url, {})
    for (let i = 0; i < 10; i++) streamed.write(paddedBody(10 * KB))
    streamed.end()
    const streamedReply = await streamed.reply
    expect(streamedReply.status).toBe(413)
    expect(JSON.parse(streamedReply.body).error).toBe('request body over 64 KB')

    const justUnder = upload(server.url, { 'content-length': String(64 * KB) })
    justUnder.end(paddedBody(64 * KB))
    expect((await justUnder.reply).status).toBe(200)
    expect((await call(server.url, 'listSweeps')).status).toBe(200)
  })

  it('answers 503 to the body that takes all bodies in flight over their limit, and lets the others through', async () => {
    // Three 60 KB bodies, each under 64 KB; 55 KB of each arrives first: 165 KB in flight, over 160 KB.
    const uploads = [0, 1, 2].map(() => upload(server.url, { 'content-length': String(60 * KB) }))
    const bodies = uploads.map(() => paddedBody(60 * KB))
    const statuses: (number | undefined)[] = [undefined, undefined, undefined]
    uploads.forEach((u, i) => void u.reply.then((r) => (statuses[i] = r.status)))
    for (const [i, u] of uploads.entries()) {
      u.write(bodies[i].subarray(0, 55 * KB))
      await sleep(100)
    }
    // The one that went over is answered before its body is complete; the other two wait for theirs.
    await until('a 503', () => statuses.includes(503), 30_000)
    const refused = statuses.indexOf(503)
    const refusedReply = await uploads[refused].reply
    expect(JSON.parse(refusedReply.body).error).toMatch(/too many large uploads at once/)
    expect(statuses.filter((s) => s !== undefined)).toEqual([503])

    uploads.forEach((u, i) => u.end(bodies[i].subarray(55 * KB)))
    const replies = await Promise.all(uploads.map((u) => u.reply))
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 503])

    // What was in flight is released: two bodies of 60 KB at once now pass, and a normal call answers.
    const again = [0, 1].map(() => upload(server.url, { 'content-length': String(60 * KB) }))
    again.forEach((u) => u.end(paddedBody(60 * KB)))
    expect((await Promise.all(again.map((u) => u.reply))).map((r) => r.status)).toEqual([200, 200])
    expect((await call(server.url, 'listSweeps')).status).toBe(200)
  })
})

describe('slow and long-lived connections', () => {
  const HEADERS_TIMEOUT = 3_000
  const REQUEST_TIMEOUT = 5_000
  let server: RunningServer
  let host = ''
  let port = 0
  beforeAll(async () => {
    server = await start({ headersTimeoutMs: HEADERS_TIMEOUT, requestTimeoutMs: REQUEST_TIMEOUT, timeoutCheckIntervalMs: 100 })
    host = new URL(server.url).host
    port = Number(new URL(server.url).port)
  })
  afterAll(() => server.close())

  it('sets explicit timeouts and an event-stream cap by default', async () => {
    expect(SERVER_LIMITS).toMatchObject({ headersTimeoutMs: 10_000, requestTimeoutMs: 120_000, keepAliveTimeoutMs: 5_000, maxEventClients: 64 })
    const plain = await start()
    try {
      expect(plain.server.headersTimeout).toBe(10_000)
      expect(plain.server.requestTimeout).toBe(120_000)
      expect(plain.server.keepAliveTimeout).toBe(5_000)
    } finally {
      await plain.close()
    }
  })

  interface Stalled {
    opened: number
    closed: number | null
    got: string
    socket: Socket
  }

  /** A connection that sends `bytes` and then nothing. */
  function stall(bytes: string): Promise<Stalled> {
    return new Promise((resolve, reject) => {
      const s: Stalled = { opened: Date.now(), closed: null, got: '', socket: connect(port, '127.0.0.1') }
      const closed = (): void => {
        s.closed ??= Date.now()
      }
      s.socket.on('data', (c: Buffer) => (s.got += c.toString('latin1')))
      s.socket.on('end', closed)
      s.socket.on('close', closed)
      s.socket.once('error', (e) => (s.closed === null && s.got === '' ? reject(e) : closed()))
      s.socket.once('connect', () => s.socket.write(bytes, () => resolve(s)))
    })
  }

  it('answers a normal call while 100 connections stall mid-request, and closes those with 408 once the headers timeout passes', async () => {
    const partial = [
      'GET /ind', // inside the request line
      'GET /api/listSweeps HTTP/1.1\r\n', // the request line, no headers yet
      `POST /api/listSweeps HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${TOKEN}\r\nX-Slow: a` // inside a header
    ]
    const stalled = await Promise.all(Array.from({ length: 100 }, (_, i) => stall(partial[i % partial.length])))
    // A body trickled, then stopped: the request timeout (longer) ends those.
    const slowBodies = await Promise.all(
      Array.from({ length: 4 }, () => stall(`POST /api/listSweeps HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n[  `))
    )

    const t0 = Date.now()
    const normal = await call(server.url, 'listSweeps')
    expect(normal.status).toBe(200)
    expect(Date.now() - t0).toBeLessThan(HEADERS_TIMEOUT)
    expect(stalled.filter((s) => s.closed !== null)).toHaveLength(0)

    await until('the stalled connections to close', () => stalled.every((s) => s.closed !== null), HEADERS_TIMEOUT + 10_000)
    for (const s of stalled) {
      expect(s.got).toMatch(/^HTTP\/1\.1 408 /)
      // Not before the timeout (10 ms for clock granularity).
      expect(s.closed! - s.opened).toBeGreaterThanOrEqual(HEADERS_TIMEOUT - 10)
    }
    await until('the slow bodies to close', () => slowBodies.every((s) => s.closed !== null), REQUEST_TIMEOUT + 10_000)
    for (const s of slowBodies) {
      expect(s.got).toMatch(/^HTTP\/1\.1 408 /)
      expect(s.closed! - s.opened).toBeGreaterThanOrEqual(REQUEST_TIMEOUT - 10)
    }
    for (const s of [...stalled, ...slowBodies]) s.socket.destroy()
    expect((await call(server.url, 'listSweeps')).status).toBe(200)
  })

  interface Stream {
    status: number
    body: string
    closed: boolean
    req: ReturnType<typeof request>
  }

  /** Opens /api/events; resolves once the status (and for 200, the first comment) arrived. */
  function openEvents(): Promise<Stream> {
    return new Promise((resolve, reject) => {
      const req = request(new URL('/api/events', server.url), { agent: false, headers: AUTH }, (res) => {
        const s: Stream = { status: res.statusCode ?? 0, body: '', closed: false, req }
        res.on('data', (c: Buffer) => {
          s.body += c.toString()
          if (s.status === 200 && s.body.includes(': connected')) resolve(s)
        })
        res.on('close', () => {
          s.closed = true
          resolve(s)
        })
      })
      req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)))
      req.end()
    })
  }

  it(`caps event streams at ${SERVER_LIMITS.maxEventClients}: the next gets 503, the first stay open past the request timeout`, async () => {
    const N = SERVER_LIMITS.maxEventClients
    const streams: Stream[] = []
    try {
      for (let i = 0; i < N; i++) streams.push(await openEvents())
      expect(streams.map((s) => s.status)).toEqual(Array(N).fill(200))

      const over = await openEvents()
      expect(over.status).toBe(503)
      expect(JSON.parse(over.body).error).toMatch(/too many open event streams \(64\): close other tabs/)

      // Neither timeout cuts a stream: it is a response, and the request was received long ago.
      await sleep(REQUEST_TIMEOUT + 1_500)
      expect(streams.filter((s) => s.closed)).toHaveLength(0)
      expect((await call(server.url, 'listSweeps')).status).toBe(200)

      // A closed stream frees its place.
      streams.shift()!.req.destroy()
      let next: Stream | undefined
      const deadline = Date.now() + 10_000
      while (Date.now() < deadline) {
        next = await openEvents()
        if (next.status === 200) break
        await sleep(50)
      }
      expect(next?.status).toBe(200)
      streams.push(next!)
    } finally {
      for (const s of streams) s.req.destroy()
    }
  })
})

describe('serve on the command line', () => {
  const env: NodeJS.ProcessEnv = { ...process.env, ALPHA_WB_HOME: home.home }
  delete env.ALPHA_WB_TOKEN
  const handles: ServerHandle[] = []
  beforeAll(() => ensureBuiltUi(), 240_000)
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.stop()))
  })

  it('prints a URL with a fresh ?token= that lets its holder in', async () => {
    const h = await startServer(ROOT, ['--port', '0', '--db', join(home.home, 'cli.db'), '--workers', '1'], env)
    handles.push(h)
    const m = /serving (http:\/\/127\.0\.0\.1:\d+\/)\?token=([A-Za-z0-9_-]+)\s/.exec(h.output())
    expect(m, h.output()).not.toBeNull()
    const [, base, token] = m!
    expect(token.length).toBeGreaterThanOrEqual(16)
    expect(h.output()).not.toMatch(/--no-auth/)

    expect((await call(base, 'listSweeps', {})).status).toBe(401)
    expect((await http(base, '/?token=wrong-token-0123456789')).status).toBe(401)
    const login = await http(base, `/?token=${token}`)
    expect(login.status).toBe(303)
    const cookie = String(login.headers['set-cookie']).split(';')[0]
    expect((await call(base, 'listSweeps', { cookie })).status).toBe(200)
    expect((await call(base, 'listSweeps', { authorization: `Bearer ${token}` })).status).toBe(200)
  })

  it('--no-auth warns that anyone on the machine can use it, and lets anyone in', async () => {
    const h = await startServer(ROOT, ['--port', '0', '--db', join(home.home, 'cli-open.db'), '--workers', '1', '--no-auth'], env)
    handles.push(h)
    // The warning goes to stderr, the URL to stdout: either may arrive first.
    await until('the --no-auth warning', () => /warning: --no-auth: anyone/.test(h.output()), 10_000)
    const m = /serving (http:\/\/127\.0\.0\.1:\d+\/)\s/.exec(h.output())
    expect(m, h.output()).not.toBeNull()
    expect(h.output()).not.toContain('?token=')
    expect((await call(m![1], 'listSweeps', {})).status).toBe(200)
  })
})
