/**
 * A process identity that cannot be reused: a PID alone can be (the CLI as PID 1
 * in every container, a reboot, PID wrap-around), so a run's owner is recorded
 * as host + PID + start token, the token being the kernel's boot id and the
 * process's start time in clock ticks since boot (/proc/PID/stat field 22).
 * Where /proc is missing (macOS, Windows) the token is null and liveness falls
 * back to "a process with this PID exists"; `sweep --resume --force-reset`
 * is the way out when that is wrong.
 */
import { readFileSync } from 'node:fs'

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}

let bootIdCache: string | null | undefined

function bootId(): string | null {
  if (bootIdCache === undefined) bootIdCache = read('/proc/sys/kernel/random/boot_id')?.trim() || null
  return bootIdCache
}

/** The start token of process `pid` ("bootid/starttime"), or null when it cannot be read (no such process, no /proc). */
export function processStartToken(pid: number): string | null {
  const boot = bootId()
  if (!boot || !Number.isInteger(pid) || pid <= 0) return null
  const stat = read(`/proc/${pid}/stat`)
  if (!stat) return null
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const start = fields[19] // field 22 of the whole line
  return start && /^\d+$/.test(start) ? `${boot}/${start}` : null
}

/** Whether /proc tells process identities apart on this machine. */
export function hasStartTokens(): boolean {
  return processStartToken(process.pid) !== null
}

/**
 * Is the process recorded as (pid, token) still the one running? With a token
 * and /proc: only when that PID's start token is the same. Without either:
 * whether any process has that PID.
 */
export function processAlive(pid: number, token: string | null): boolean {
  if (token !== null && hasStartTokens()) return processStartToken(pid) === token
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
