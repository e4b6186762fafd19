import { spawn, type ChildProcess } from 'node:child_process'

export interface ServerHandle {
  url: string
  proc: ChildProcess
  /** Everything the server printed, for failure messages. */
  output(): string
  stop(): Promise<void>
}

/** Starts `alpha-wb serve` and resolves with the URL it prints (with its ?token=). */
export function startServer(root: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<ServerHandle> {
  const proc = spawn(process.execPath, ['bin/alpha-wb.mjs', 'serve', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve()
      const kill = setTimeout(() => proc.kill('SIGKILL'), 10_000)
      proc.once('exit', () => {
        clearTimeout(kill)
        resolve()
      })
      proc.kill('SIGINT')
    })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop()
      reject(new Error(`server printed no URL within ${timeoutMs} ms:\n${log}`))
    }, timeoutMs)
    const onData = (chunk: Buffer): void => {
      log += chunk.toString()
      const m = /http:\/\/127\.0\.0\.1:\d+\/(\?token=[\w%-]+)?(?=\s)/.exec(log)
      if (m) {
        clearTimeout(timer)
        resolve({ url: m[0], proc, output: () => log, stop })
      }
    }
    proc.stdout?.on('data', onData)
    proc.stderr?.on('data', (c: Buffer) => (log += c.toString()))
    proc.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before printing its URL:\n${log}`))
    })
  })
}
