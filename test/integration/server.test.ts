import { mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WorkbenchEvent } from '../../src/shared/api'
import { serve, type RunningServer } from '../../src/main/server'
import { WorkbenchService } from '../../src/main/service'
import { tempHome } from '../helpers/cli'

const home = tempHome('awb-server-')
let service: WorkbenchService
let server: RunningServer

interface Reply {
  status: number
  body: string
  headers: Record<string, string | string[] | undefined>
}

function http(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  const url = new URL(path, server.url)
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
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
  server = await serve({ service, staticDir, port: 0 })
  service.start()
})

afterAll(async () => {
  await server.close()
  await service.close()
  home.cleanup()
})

describe('browser-mode server', () => {
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
    expect((await call('getRun', [12345])).status).toBe(400)
    const notJson = await http('/api/listSweeps', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '[]' })
    expect(notJson.status).toBe(415)
  })

  it('queues a sweep, streams its live progress as events, and answers statistics when done', async () => {
    const events: WorkbenchEvent[] = []
    const stream = await fetch(new URL('/api/events', server.url))
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
