import { Redis, type RedisOptions } from 'ioredis'
import { echo } from '../../shared/echo'
import { UserError } from '../../shared/errors'

/** A Redis URL the user gave (--redis, the sweep form), checked. */
export interface RedisTarget {
  url: string
  /** The URL with any password replaced by "***", for logs, the status bar and errors. */
  display: string
  tls: boolean
}

/** A --redis value or form URL that is not a usable Redis URL: the user's to fix (400 over HTTP, exit 2 in the CLI). */
export class RedisUrlError extends UserError {
  override readonly name = 'RedisUrlError'
}

/** What an unparseable URL is shown as: cut, escaped, and without what could be a password (user:pass@). */
function shownRaw(raw: string): string {
  return echo(raw.replace(/\/\/[^/@]*@/, '//***@'))
}

/**
 * Accepts redis://[user:password@]host[:port][/db] and rediss://… (TLS).
 * Anything else is refused with a message naming the problem.
 */
export function parseRedisUrl(raw: string): RedisTarget {
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    throw new RedisUrlError(`'${shownRaw(raw)}' is not a Redis URL: expected redis://HOST:PORT or rediss://HOST:PORT (TLS)`)
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new RedisUrlError(`'${echo(u.protocol)}' is not a Redis URL scheme: expected redis:// or rediss:// (TLS)`)
  }
  if (!u.hostname) throw new RedisUrlError(`the Redis URL names no host: expected redis://HOST:PORT`)
  if (u.pathname && u.pathname !== '/' && !/^\/\d+$/.test(u.pathname)) {
    throw new RedisUrlError(`the Redis URL's path '${echo(u.pathname)}' is not a database number (e.g. /0)`)
  }
  const shown = new URL(u.href)
  if (shown.password) shown.password = '***'
  return { url: u.href, display: shown.href.replace(/\/$/, ''), tls: u.protocol === 'rediss:' }
}

/**
 * The options every connection uses. maxRetriesPerRequest null: commands wait
 * for a reconnect instead of failing, so a Redis restart is ridden out (BullMQ
 * requires it for workers). Reconnects back off to at most 2 s.
 */
export function redisOptions(): RedisOptions {
  return {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(100 * times, 2000),
    // Keep quiet: ioredis would otherwise log every failed reconnect attempt as an unhandled error event.
    lazyConnect: false
  }
}

export function connect(target: RedisTarget): Redis {
  const redis = new Redis(target.url, redisOptions())
  // Connection errors are retried; without a listener ioredis prints each one.
  redis.on('error', () => {})
  return redis
}
