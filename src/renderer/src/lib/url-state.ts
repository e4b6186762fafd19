import { useDebounceFn } from '@vueuse/core'
import { effectScope, watch } from 'vue'
import { refreshRoute, route, type RouteName } from '../router'

/**
 * A view's state mirrored in its hash route's query (#/runs?sweeps=1,2&…),
 * so a URL can be shared and reloaded. The store is the source of truth:
 * changing it rewrites the URL; arriving at a URL (a loaded link, back or
 * forward) restores the store from it.
 *
 * - Typing (search, number fields, the threshold) replaces the current
 *   history entry, after a pause; any other change (a tick, a sort, a brush)
 *   pushes one, so Back undoes it.
 * - Entries this module wrote are marked in history.state. Arriving at an
 *   unmarked bare URL (a nav link, Alt+3) keeps the store's state and writes
 *   it into the URL; a marked one (Back to the unfiltered view) is restored
 *   as it says.
 * - A missing or invalid value restores the default; the URL is then
 *   rewritten without it.
 */
export interface UrlBinding {
  route: RouteName
  /** The state as query parameters, defaults left out (an untouched view has a bare URL). */
  write(): URLSearchParams
  /** Restores the state from the parameters; a missing or invalid value restores its default. */
  read(params: URLSearchParams): void
  /** Parameters set by typing: their changes replace the history entry instead of pushing one. */
  typed: readonly string[]
}

const MARK = 'awbUrlState'
/** How long typing pauses before the URL follows. */
export const TYPING_MS = 300

/** The current hash's query, repeated keys kept. */
export function hashParams(): URLSearchParams {
  const hash = window.location.hash
  const at = hash.indexOf('?')
  return new URLSearchParams(at < 0 ? '' : hash.slice(at + 1))
}

function historyState(): Record<string, unknown> {
  const s: unknown = window.history.state
  return s !== null && typeof s === 'object' ? (s as Record<string, unknown>) : {}
}

/** The hash last written here: the route change it causes is no navigation to restore from. */
let written: string | null = null

function writeUrl(name: RouteName, params: URLSearchParams, mode: 'push' | 'replace'): void {
  const path = window.location.hash.replace(/^#/, '').split('?')[0]
  const query = params.toString()
  const url = `${window.location.pathname}${window.location.search}#${path}${query ? `?${query}` : ''}`
  const state = { ...historyState(), [MARK]: name }
  if (mode === 'push') window.history.pushState(state, '', url)
  else window.history.replaceState(state, '', url)
  written = window.location.hash
  // pushState/replaceState fire no hashchange: tell the router.
  refreshRoute()
}

function changedKeys(a: URLSearchParams, b: URLSearchParams): string[] {
  const keys = new Set([...a.keys(), ...b.keys()])
  return [...keys].filter((k) => a.getAll(k).join('\n') !== b.getAll(k).join('\n'))
}

/** Starts mirroring; returns the function that stops it. */
export function bindUrl(binding: UrlBinding): () => void {
  const here = (): boolean => route.value.name === binding.route
  const replaceSoon = useDebounceFn(() => {
    if (here() && binding.write().toString() !== hashParams().toString()) writeUrl(binding.route, binding.write(), 'replace')
  }, TYPING_MS)

  const scope = effectScope(true)
  scope.run(() => {
    watch(
      () => route.value,
      () => {
        if (!here() || window.location.hash === written) return
        const inUrl = hashParams()
        const marked = historyState()[MARK] === binding.route
        if (inUrl.toString() !== binding.write().toString()) {
          if (marked || [...inUrl.keys()].length > 0) binding.read(inUrl)
        }
        const canonical = binding.write()
        if (canonical.toString() !== inUrl.toString() || !marked) writeUrl(binding.route, canonical, 'replace')
      },
      { immediate: true }
    )
    watch(
      () => binding.write().toString(),
      () => {
        if (!here()) return
        const inUrl = hashParams()
        const next = binding.write()
        if (next.toString() === inUrl.toString()) return
        if (changedKeys(inUrl, next).every((k) => binding.typed.includes(k))) void replaceSoon()
        else {
          replaceSoon.cancel()
          writeUrl(binding.route, next, 'push')
        }
      }
    )
  })
  return () => {
    replaceSoon.cancel()
    scope.stop()
  }
}

/** Reading parameters: each returns undefined (or []) for a missing or invalid value, never throws. */
export const param = {
  number(p: URLSearchParams, key: string, valid: (n: number) => boolean = () => true): number | undefined {
    const raw = p.get(key)
    if (raw === null || raw.trim() === '') return undefined
    const n = Number(raw)
    return Number.isFinite(n) && valid(n) ? n : undefined
  },
  /** '1,2,3' → [1, 2, 3]: positive integers, duplicates and invalid entries dropped. */
  ids(p: URLSearchParams, key: string): number[] {
    const ids = (p.get(key) ?? '').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0)
    return [...new Set(ids)]
  },
  /** 'done,failed' → the entries that are allowed, in their given order. */
  oneOf<T extends string>(p: URLSearchParams, key: string, allowed: readonly T[]): T[] {
    const picked = (p.get(key) ?? '').split(',').filter((s): s is T => (allowed as readonly string[]).includes(s))
    return [...new Set(picked)]
  },
  /** 'lo,hi' with lo ≤ hi, both valid. */
  range(p: URLSearchParams, key: string, valid: (n: number) => boolean = () => true): [number, number] | undefined {
    const parts = (p.get(key) ?? '').split(',')
    if (parts.length !== 2 || parts.some((s) => s.trim() === '')) return undefined
    const [lo, hi] = parts.map(Number)
    return Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi && valid(lo) && valid(hi) ? [lo, hi] : undefined
  },
  /** Repeated keys (free-text names such as datasets may contain commas). */
  strings(p: URLSearchParams, key: string): string[] {
    return [...new Set(p.getAll(key).filter((s) => s !== ''))]
  }
}

/** Writing parameters: empty lists and undefined values are left out. */
export function setParam(p: URLSearchParams, key: string, value: string | number | readonly (string | number)[] | undefined | null, repeat = false): void {
  if (value === undefined || value === null || value === '') return
  if (Array.isArray(value)) {
    if (value.length === 0) return
    if (repeat) for (const v of value) p.append(key, String(v))
    else p.set(key, value.join(','))
  } else p.set(key, String(value))
}
