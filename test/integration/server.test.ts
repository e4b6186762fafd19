import { mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WorkbenchEvent } from '../../src/shared/api'
import { serve, type RunningServer } from '../../src/main/server'
import { WorkbenchService } from '../../src/main/service'
import { connect } from 'node:net'
import { runCli, tempHome } from '../helpers/cli'

const home = tempHome('awb-server-')
let service: WorkbenchService
let server: RunningServer
const TOKEN = 'test-token-0123456789abcdef'
const AUTH = { authorization: `Bearer ${TOKEN}` }

interface Reply {
  status: number
  body: string
  headers: Record<string, string | string[] | undefined>
}

function http(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string; anonymous?: boolean } = {}): Promise<Reply> {
  const url = new URL(path, server.url)
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, method: opts.method ?? 'GET', headers: { ...(opts.anonymous ? {} : AUTH), ...opts.headers } }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

const call = (method: string, args: unknown[], headers: Record<string, string> = {}): Promise<Reply> =>
  http(`/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(args) })

beforeAll(async () => {
  const staticDir = join(home.home, 'ui')
  mkdirSync(staticDir)
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>α</title>')
  service = new WorkbenchService({ dbPath: home.db, cacheDir: join(home.home, 'datasets'), workers: 1 })
  server = await serve({ service, staticDir, port: 0, token: TOKEN })
  service.start()
})

afterAll(async () => {
  await server.close()
  await service.close()
  home.cleanup()
})

/** The status line of the answer to raw request bytes (what http.request cannot send). */
function rawStatus(bytes: string): Promise<string> {
  const port = Number(new URL(server.url).port)
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let got = ''
    socket.on('data', (c: Buffer) => {
      got += c.toString('latin1')
      if (got.includes('\r\n')) {
        socket.destroy()
        resolve(got.slice(0, got.indexOf('\r\n')))
      }
    })
    socket.on('close', () => resolve(got))
    socket.write(bytes)
  })
}

describe('browser-mode server', () => {
  it('answers malformed paths and request targets with 400 and keeps serving', async () => {
    const host = new URL(server.url).host
    for (const path of ['/%E0%A4%A', '/%', '/%zz', '/assets/%ff', '/api/%ff']) {
      expect(await rawStatus(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`), path).toMatch(/^HTTP\/1\.1 400 /)
    }
    expect(await rawStatus(`GET http://[::1 HTTP/1.1\r\nHost: ${host}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 /)
    expect(await rawStatus(`GET http://evil.example/ HTTP/1.1\r\nHost: ${host}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 /)
    expect(await rawStatus(`GET http://${host}/ HTTP/1.1\r\nHost: ${host}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 401 /)
    expect(await rawStatus(`CONNECT ${host} HTTP/1.1\r\nHost: ${host}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 405 /)
    expect((await call('listSweeps', [])).status).toBe(200)
  })

  it('lets in only requests with the token or its session cookie', async () => {
    const anonymous = await http('/api/listSweeps', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]', anonymous: true })
    expect(anonymous.status).toBe(401)
    expect(JSON.parse(anonymous.body).error).toMatch(/token/)
    expect((await http('/api/events', { anonymous: true })).status).toBe(401)
    expect((await call('listSweeps', [], { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401)
    // The page itself says how to get in; the app's static files are not secret.
    const page = await http('/', { anonymous: true })
    expect(page.status).toBe(401)
    expect(page.body).toMatch(/Token needed/)
    expect((await http('/?token=wrong', { anonymous: true })).status).toBe(401)

    // First load with the token: a session cookie and a redirect to the clean URL.
    const login = await http(`/?token=${TOKEN}`, { anonymous: true })
    expect(login.status).toBe(303)
    expect(login.headers.location).toBe('/')
    const setCookie = String(login.headers['set-cookie'])
    expect(setCookie).toMatch(/HttpOnly/)
    expect(setCookie).toMatch(/SameSite=Strict/)
    expect(setCookie).not.toContain(TOKEN)
    const cookie = setCookie.split(';')[0]
    expect((await http('/', { anonymous: true, headers: { cookie } })).status).toBe(200)
    const withCookie = await http('/api/listSweeps', { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '[]', anonymous: true })
    expect(withCookie.status).toBe(200)
    const forged = await http('/api/listSweeps', { method: 'POST', headers: { 'content-type': 'application/json', cookie: `${cookie}x` }, body: '[]', anonymous: true })
    expect(forged.status).toBe(401)
  })

  it('serve refuses a weak --token and --token with --no-auth', () => {
    const weak = runCli(['serve', '--port', '0', '--db', join(home.home, 'x.db'), '--token', 'short'], home.home)
    expect(weak.status).toBe(2)
    expect(weak.stderr).toMatch(/--token must be 16 to 256/)
    const both = runCli(['serve', '--port', '0', '--db', join(home.home, 'x.db'), '--token', TOKEN, '--no-auth'], home.home)
    expect(both.status).toBe(2)
    expect(both.stderr).toMatch(/not both/)
  })

  it('serves the UI on 127.0.0.1 and nothing outside its folder', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    const index = await http('/')
    expect(index.status).toBe(200)
    expect(index.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/)
    expect(index.body).toContain('<title>α</title>')
    expect((await http('/../package.json')).status).toBe(404)
    expect((await http('/%2e%2e/package.json')).status).toBe(404)
  })

  it('refuses requests whose Host or Origin is not its own', async () => {
    const badHost = await http('/', { headers: { host: 'evil.example:80' } })
    expect(badHost.status).toBe(403)
    const badOrigin = await call('getStatus', [], { origin: 'http://evil.example' })
    expect(badOrigin.status).toBe(403)
    expect(JSON.parse(badOrigin.body).error).toMatch(/Origin/)
    const ownOrigin = await call('listSweeps', [], { origin: server.url.replace(/\/$/, '') })
    expect(ownOrigin.status).toBe(200)
  })

  it('validates every argument and names the bad field', async () => {
    const bad = await call('queueSweep', [{ preset: 'paper' }])
    expect(bad.status).toBe(400)
    const badLambda = await call('getCollapseStats', [{ threshold: 2 }])
    expect(badLambda.status).toBe(400)
    expect(JSON.parse(badLambda.body).error).toMatch(/^getCollapseStats: threshold/)
    expect((await call('noSuchMethod', [])).status).toBe(404)
    // An unknown id is not a bad argument: 404, as an unknown method (issue 9).
    expect((await call('getRun', [12345])).status).toBe(404)
    expect((await call('getRun', ['12345'])).status).toBe(400)
    const notJson = await http('/api/listSweeps', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '[]' })
    expect(notJson.status).toBe(415)
  })

  it('queues a sweep, streams its live progress as events, and answers statistics when done', async () => {
    const events: WorkbenchEvent[] = []
    const stream = await fetch(new URL('/api/events', server.url), { headers: AUTH })
    const reader = stream.body!.getReader()
    const decoder = new TextDecoder()
    let buffer = ''
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        buffer += decoder.decode(value)
        let cut: number
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, cut)
          buffer = buffer.slice(cut + 2)
          if (frame.startsWith('data: ')) events.push(JSON.parse(frame.slice(6)) as WorkbenchEvent)
        }
      }
    })()

    const spec = { ...(await import('../../src/shared/sweep-spec')).PRESETS.paper, datasets: ['mnist'], lambdas: [0, 0.05], runsPerLambda: 1, epochs: 1, subsample: 640 }
    const queued = await call('queueSweep', [spec])
    expect(queued.status, queued.body).toBe(200)
    const sweep = JSON.parse(queued.body) as { id: number; progress: { total: number } }
    expect(sweep.progress.total).toBe(2)

    const finished = (): number => events.filter((e) => e.type === 'run-finished').length
    const deadline = Date.now() + 120_000
    while (finished() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    await reader.cancel()
    await pump.catch(() => undefined)

    expect(finished()).toBe(2)
    const progress = events.filter((e): e is Extract<WorkbenchEvent, { type: 'run-progress' }> => e.type === 'run-progress')
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.every((p) => p.alphas.length === p.steps.length * p.nAlpha)).toBe(true)
    expect(events.some((e) => e.type === 'sweep-changed' && e.sweep.id === sweep.id && e.sweep.status === 'done')).toBe(true)

    const stats = JSON.parse((await call('getCollapseStats', [{ sweepId: sweep.id, threshold: 0.05 }])).body) as { lambda: number; n: number }[]
    expect(stats.map((r) => [r.lambda, r.n])).toEqual([
      [0, 3],
      [0.05, 3]
    ])
    const page = JSON.parse((await call('listRuns', [{ sweepId: sweep.id, orderBy: 'lambda', descending: true }])).body) as { total: number; runs: { lambda: number }[] }
    expect(page.total).toBe(2)
    expect(page.runs.map((r) => r.lambda)).toEqual([0.05, 0])
  })
})
