import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_METHODS } from '../../src/shared/api'
import { Rng } from '../../src/shared/random'
import { tempHome } from '../helpers/cli'

/**
 * Raw-socket fuzzing of `serve` in a process of its own: a few thousand
 * malformed paths, request lines, headers and bodies, all to 127.0.0.1,
 * bounded in count (fixed below) and time (per case and in total). The process
 * must stay up, answer every case with an HTTP status, answer no client's
 * mistake with a 500, and log no stack trace.
 */

const FIXTURE = fileURLToPath(new URL('../helpers/serve-fixture.ts', import.meta.url))
const TOKEN = 'fuzz-token-0123456789abcdef'
const CASE_TIMEOUT_MS = 10_000
const CONCURRENCY = 12

const home = tempHome('awb-fuzz-')
let proc: ChildProcess
let port = 0
let log = ''

beforeAll(async () => {
  const staticDir = join(home.home, 'ui')
  mkdirSync(join(staticDir, 'assets'), { recursive: true })
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>α</title>')
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)')
  proc = spawn(process.execPath, ['--import', 'tsx', FIXTURE, home.db, staticDir, TOKEN, '1'], {
    env: { ...process.env, ALPHA_WB_HOME: home.home },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  proc.stderr!.on('data', (c: Buffer) => (log += c.toString()))
  port = await new Promise<number>((resolve, reject) => {
    let out = ''
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /serving http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)
      if (m) resolve(Number(m[1]))
    })
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${log}`)))
  })
})

afterAll(async () => {
  if (proc.exitCode === null) {
    const exited = new Promise((r) => proc.once('exit', r))
    proc.kill('SIGTERM')
    await exited
  }
  home.cleanup()
})

/** Sends raw bytes on a fresh connection; resolves with the status of the first response (0 = none). */
function raw(bytes: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let got = Buffer.alloc(0)
    let settled = false
    const done = (): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(got.subarray(0, 32).toString('latin1'))
      resolve(m ? Number(m[1]) : 0)
    }
    const timer = setTimeout(done, CASE_TIMEOUT_MS)
    socket.on('data', (c: Buffer) => {
      got = Buffer.concat([got, c])
      if (got.length >= 12) done()
    })
    socket.on('error', done)
    socket.on('close', done)
    // Written, not ended: a browser keeps its side open until the answer comes.
    socket.write(bytes)
  })
}

const host = (): string => `127.0.0.1:${port}`

function request(line: string | Buffer, headers: string[] = [`Host: ${host()}`], body: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.isBuffer(line) ? line : Buffer.from(line, 'latin1')
  return Buffer.concat([head, Buffer.from(`\r\n${[...headers, 'Connection: close'].join('\r\n')}\r\n\r\n`, 'latin1'), body])
}

const rng = new Rng(13)
const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]
const int = (n: number): number => Math.floor(rng.next() * n)

const PATH_ATOMS = ['%', '%z', '%zz', '%ff', '%E0', '%E0%A4%A', '%C0%AF', '%2e%2e', '%2f', '%5c', '%00', '..', '.', '/', '//', '\\', 'assets', 'api', 'events', 'index.html', '?', '#', '&', '=', 'token', '\u00ff', '\u0080', '\u001b[31m', ';', '@', ':', '~', 'a', 'Z', '9']

function randomPath(): string {
  let p = '/'
  const n = 1 + int(12)
  for (let i = 0; i < n; i++) p += pick(PATH_ATOMS)
  return p.replace(/[\r\n ]/g, '')
}

const FIXED_PATHS = ['/%E0%A4%A', '/%', '/%zz', '/assets/%ff', '/%E0', '/api/%ff', '/api/%', '/api/events%zz', '/?token=%zz', '/?token=', `/?token=${TOKEN}x`, '/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/index.html%00.js', '//', '/\\..\\..\\x', `/${'a'.repeat(8000)}`, `/${'%'.repeat(4000)}`, '/assets/../../package.json', '/assets/%2e%2e%2f%2e%2e%2fpackage.json']

function pathCases(n: number): Buffer[] {
  const out = FIXED_PATHS.map((p) => request(`GET ${p} HTTP/1.1`))
  while (out.length < n) out.push(request(`${pick(['GET', 'HEAD', 'GET', 'POST'])} ${randomPath()} HTTP/1.1`))
  return out
}

function requestLineCases(n: number): Buffer[] {
  const fixed = [
    'GET http://[::1 HTTP/1.1',
    'GET http://[::1]:99999/ HTTP/1.1',
    `GET http://${host()}/%zz HTTP/1.1`,
    `GET http://${host()}/ HTTP/1.1`,
    'GET http://evil.example/ HTTP/1.1',
    'GET https://127.0.0.1/ HTTP/1.1',
    'GET ftp://x/ HTTP/1.1',
    'GET javascript:alert(1) HTTP/1.1',
    'GET * HTTP/1.1',
    'OPTIONS * HTTP/1.1',
    'CONNECT 127.0.0.1:80 HTTP/1.1',
    'GET / HTTP/9.9',
    'GET / HTTP/1.1 extra',
    'GET /',
    'GET',
    '',
    ' / HTTP/1.1',
    'G\u0000T / HTTP/1.1',
    'GET http:// HTTP/1.1',
    'GET http://:0/ HTTP/1.1',
    `GET ${'x'.repeat(20000)} HTTP/1.1`,
    'BREW /pot HTTP/1.1',
    'DELETE /api/deleteSweep HTTP/1.1',
    'TRACE / HTTP/1.1'
  ]
  const out: Buffer[] = fixed.map((l) => request(l))
  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'PRI', 'get', 'G E T', '\u00e9']
  const schemes = ['http://', 'https://', 'http:/', 'http:', '//', 'ws://', 'file://', '']
  const hosts = [host(), '[::1', '[::1]', '[', ']', '127.0.0.1:', ':80', 'localhost', 'a'.repeat(300), '%zz', '\u00ff', '']
  while (out.length < n) {
    const kind = int(4)
    if (kind === 0) out.push(request(`${pick(methods)} ${pick(schemes)}${pick(hosts)}${randomPath()} HTTP/1.1`))
    else if (kind === 1) out.push(request(Buffer.from(Array.from({ length: 1 + int(200) }, () => int(256)))))
    else if (kind === 2) out.push(request(`GET ${randomPath()} HTTP/1.1`, [pick([`Host: ${pick(hosts)}`, '', `Host: ${host()}`, `Host: ${host()}\r\nHost: evil`, `Host: ${host()}\r\nOrigin: ${pick(['null', 'http://evil', `http://${host()}`, '%zz'])}`, `Host: ${host()}\r\nX: ${'y'.repeat(20000)}`, `Host: ${host()}\r\nBad Header: x`, `Host: ${host()}\r\nCookie: awb-session-${port}=${'%'.repeat(int(50))}`])]))
    else out.push(request(`${pick(methods)} /api/${pick([...API_METHODS])} HTTP/1.1`, [`Host: ${host()}`, 'Content-Length: 5', pick(['Content-Length: 7', 'Transfer-Encoding: chunked', 'Transfer-Encoding: gzip', 'Content-Length: -1', 'Content-Length: abc', 'X: y'])], Buffer.from('[]abc')))
  }
  return out
}

function randomJson(depth: number): unknown {
  const k = int(depth > 3 ? 6 : 9)
  switch (k) {
    case 0:
      return pick([0, -1, 1e308, -1e308, 0.5, 2 ** 53 + 1, 1e-320, 7])
    case 1:
      return pick(['', 'mnist', 'paper', '\u0000', '\u001b[2J', 'x'.repeat(1000), '%zz', '../../etc/passwd'])
    case 2:
      return pick([true, false, null])
    case 3:
      return int(5)
    case 4:
      return pick([1, 2, 3, 9_999_999_999, -3])
    case 5:
      return {}
    case 6:
      return Array.from({ length: int(4) }, () => randomJson(depth + 1))
    case 7:
      return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(['sweepId', 'threshold', 'datasets', 'lambdas', 'limit', 'orderBy', '__proto__', 'constructor', 'text', 'fileName', 'preset', 'epochs']), randomJson(depth + 1)]))
    default:
      return [randomJson(depth + 1)]
  }
}

function bodyCases(n: number): Buffer[] {
  const methods = [...API_METHODS].filter((m) => m !== 'getStatus')
  const fixed: Buffer[] = [
    Buffer.from('['.repeat(100_000)),
    Buffer.from(`${'['.repeat(5000)}${']'.repeat(5000)}`),
    Buffer.from('[1e999]'),
    Buffer.from('[{"__proto__":{"polluted":1}}]'),
    Buffer.from([0xff, 0xfe, 0x00, 0x5b, 0x5d]),
    Buffer.from('{"a":'),
    Buffer.from('null'),
    Buffer.from('"string"'),
    Buffer.from('[-0]'),
    Buffer.from(`[${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}]`)
  ]
  const out: Buffer[] = []
  for (const f of fixed) for (const m of ['listRuns', 'queueSweep', 'getCollapseStats', 'importCsv']) out.push(post(m, f, true))
  while (out.length < n) {
    const r = int(10)
    const body = r === 0 ? Buffer.from(Array.from({ length: int(300) }, () => int(256))) : Buffer.from(JSON.stringify(randomJson(0)) ?? 'null')
    const method = int(20) === 0 ? pick(['%zz', '%', 'noSuch', '__proto__', 'constructor', 'toString', 'call', '../events', 'events']) : pick(methods)
    out.push(post(method, body, int(10) !== 0, int(15) === 0 ? 'text/plain' : 'application/json'))
  }
  return out
}

function post(method: string, body: Buffer, auth: boolean, type = 'application/json'): Buffer {
  const headers = [`Host: ${host()}`, `Content-Type: ${type}`, `Content-Length: ${body.length}`]
  if (auth) headers.push(`Authorization: Bearer ${TOKEN}`)
  return request(`POST /api/${method} HTTP/1.1`, headers, body)
}

const unanswered: string[] = []

async function fire(cases: Buffer[]): Promise<Map<number, number>> {
  const statuses = new Map<number, number>()
  let next = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < cases.length) {
        const c = cases[next++]
        const status = await raw(c)
        if (status === 0 && unanswered.length < 5) unanswered.push(JSON.stringify(c.subarray(0, 300).toString('latin1')))
        statuses.set(status, (statuses.get(status) ?? 0) + 1)
      }
    })
  )
  return statuses
}

function summary(statuses: Map<number, number>): string {
  return [...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')
}

describe('serve under malformed input', () => {
  const classes: [string, () => Buffer[]][] = [
    ['paths', () => pathCases(1200)],
    ['request lines and headers', () => requestLineCases(800)],
    ['API bodies', () => bodyCases(1000)]
  ]
  for (const [name, make] of classes) {
    it(`answers every one of the malformed ${name} and stays up`, async () => {
      const cases = make()
      const statuses = await fire(cases)
      console.log(`fuzz ${name}: ${cases.length} cases → ${summary(statuses)}`)
      expect(proc.exitCode, log).toBeNull()
      expect(statuses.get(0) ?? 0, `unanswered cases (${summary(statuses)}), e.g.\n${unanswered.join('\n')}\n${log}`).toBe(0)
      expect(statuses.get(500) ?? 0, `server faults (${summary(statuses)})\n${log}`).toBe(0)
      // Still serving real requests, and no stack traces in its log.
      expect(await raw(request('GET / HTTP/1.1'))).toBe(401)
      expect(await raw(post('listSweeps', Buffer.from('[]'), true))).toBe(200)
      expect(log).not.toMatch(/\n\s+at /)
    })
  }
})
