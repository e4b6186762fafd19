import { pathToFileURL } from 'node:url'

/**
 * Who the desktop window trusts, as pure functions (index.ts wires them to
 * Electron; test/main/app-security.test.ts holds them to their cases).
 */

/**
 * The dev server's URL: electron-vite's ELECTRON_RENDERER_URL, honoured only
 * when the app is not packaged. A packaged app always loads its own files, so
 * the variable cannot hand the IPC API to another page. Only http(s) URLs count.
 */
export function devServerUrl(isPackaged: boolean, envUrl: string | undefined): string | null {
  if (isPackaged || !envUrl) return null
  const url = parse(envUrl)
  return url && (url.protocol === 'http:' || url.protocol === 'https:') ? url.href : null
}

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/**
 * Whether a URL is the app's own page: with a dev server, the same origin
 * exactly (scheme, host and port; `http://localhost:5173.evil.example/` is
 * another origin); else the renderer's index.html file itself, with any
 * query or fragment.
 */
export function appUrlMatcher(opts: { devUrl: string | null; rendererFile: string }): (url: string) => boolean {
  if (opts.devUrl) {
    const origin = new URL(opts.devUrl).origin
    return (url) => parse(url)?.origin === origin
  }
  const own = pathToFileURL(opts.rendererFile)
  return (url) => {
    const u = parse(url)
    return u !== null && u.protocol === 'file:' && u.host === own.host && u.pathname === own.pathname
  }
}

/**
 * Sites a link in the app may open in the system browser (exact origins,
 * https only): the study's paper and the project's code.
 */
export const EXTERNAL_ORIGINS: readonly string[] = ['https://arxiv.org', 'https://doi.org', 'https://github.com']

export function isAllowedExternal(url: string, origins: readonly string[] = EXTERNAL_ORIGINS): boolean {
  const u = parse(url)
  if (!u || u.protocol !== 'https:' || u.username || u.password) return false
  return origins.includes(u.origin)
}

/**
 * Requests any page of the app may make: its own files, the blob:/data: URLs
 * its chart and table exports download through, devtools, and in development
 * the dev server's exact origin (and its hot-reload websocket). Everything
 * else (remote content) is cancelled.
 */
export function requestAllowed(url: string, devUrl: string | null): boolean {
  const u = parse(url)
  if (!u) return false
  if (u.protocol === 'file:' || u.protocol === 'blob:' || u.protocol === 'data:' || u.protocol === 'devtools:') return true
  if (!devUrl) return false
  const dev = new URL(devUrl)
  if (u.origin === dev.origin) return true
  const ws = dev.protocol === 'https:' ? 'wss:' : 'ws:'
  return u.protocol === ws && u.host === dev.host
}
