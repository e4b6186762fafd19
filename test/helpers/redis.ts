import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export interface TestRedis {
  port: number
  url: string
  dir: string
  /** With tls: the self-signed certificate clients must trust (NODE_EXTRA_CA_CERTS). */
  caFile?: string
  /** Stops the server (SHUTDOWN, so the AOF is complete) and starts it again on the same port and files. */
  restart(downMs?: number): Promise<void>
  stop(): Promise<void>
  cleanup(): Promise<void>
}

async function waitForPing(port: number, password: string | undefined, timeoutMs: number, ca?: Buffer): Promise<void> {
  const started = Date.now()
  for (;;) {
    const r = new Redis({ port, host: '127.0.0.1', password, tls: ca ? { ca } : undefined, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    r.on('error', () => {})
    try {
      await r.connect()
      if ((await r.ping()) === 'PONG') return
    } catch {
      // not up yet
    } finally {
      r.disconnect()
    }
    if (Date.now() - started > timeoutMs) throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Starts Debian's redis-server on a free loopback port with AOF on (fsync on every write), in a temp dir. */
export async function startRedis(opts: { password?: string; tls?: boolean } = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'awb-redis-'))
  const port = await freePort()
  let proc: ChildProcess | null = null
  let caFile: string | undefined
  const listen = ['--port', String(port)]
  if (opts.tls) {
    // A self-signed certificate for 127.0.0.1 that is its own CA.
    const cert = join(dir, 'cert.pem')
    const key = join(dir, 'key.pem')
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
    caFile = cert
    listen.splice(0, 2, '--port', '0', '--tls-port', String(port), '--tls-cert-file', cert, '--tls-key-file', key, '--tls-ca-cert-file', cert, '--tls-auth-clients', 'no')
  }
  const args = [...listen, '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no', '--protected-mode', 'yes']
  if (opts.password) args.push('--requirepass', opts.password)
  const launch = async (): Promise<void> => {
    proc = spawn('redis-server', args, { stdio: 'ignore' })
    await waitForPing(port, opts.password, 10_000, caFile ? readFileSync(caFile) : undefined)
  }
  const stop = async (): Promise<void> => {
    const p = proc as ChildProcess | null
    if (!p || p.exitCode !== null) return
    const exited = new Promise((r) => p.once('exit', r))
    p.kill('SIGTERM')
    await exited
    proc = null
  }
  await launch()
  const auth = opts.password ? `:${encodeURIComponent(opts.password)}@` : ''
  return {
    port,
    dir,
    caFile,
    url: `${opts.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
    async restart(downMs = 500) {
      await stop()
      await new Promise((r) => setTimeout(r, downMs))
      await launch()
    },
    stop,
    async cleanup() {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
