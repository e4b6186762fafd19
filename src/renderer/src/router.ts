import { computed, readonly, shallowRef } from 'vue'

/**
 * A tiny hash router: #/sweep, #/queue, #/runs, #/runs/42, #/compare?ids=1,2,
 * #/stats. Deep links survive reloads, and the back button works, without a
 * router dependency.
 */
export type RouteName = 'sweep' | 'queue' | 'runs' | 'run' | 'compare' | 'stats'

export interface Route {
  name: RouteName
  /** #/runs/:id */
  runId: number | null
  query: Record<string, string>
}

export const NAV_ITEMS: readonly { name: RouteName; path: string; label: string; key: string }[] = [
  { name: 'sweep', path: '/sweep', label: 'Sweep form', key: '1' },
  { name: 'queue', path: '/queue', label: 'Queue', key: '2' },
  { name: 'runs', path: '/runs', label: 'Runs', key: '3' },
  { name: 'compare', path: '/compare', label: 'Compare', key: '4' },
  { name: 'stats', path: '/stats', label: 'Collapse statistics', key: '5' }
]

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '')
  const [pathPart, queryPart = ''] = raw.split('?', 2)
  const segments = pathPart.split('/').filter(Boolean)
  const query = Object.fromEntries(new URLSearchParams(queryPart))
  const [head, second] = segments
  if (head === 'runs' && second && /^\d+$/.test(second)) return { name: 'run', runId: Number(second), query }
  const known: RouteName[] = ['sweep', 'queue', 'runs', 'compare', 'stats']
  const name = known.find((n) => n === head) ?? 'sweep'
  return { name, runId: null, query }
}

const current = shallowRef<Route>(parseHash(typeof window === 'undefined' ? '' : window.location.hash))

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => {
    current.value = parseHash(window.location.hash)
  })
}

export const route = readonly(current)
export const routeName = computed(() => current.value.name)

/** Navigates to a path like '/runs/42' or '/compare?ids=1,2'. */
export function navigate(path: string): void {
  const hash = `#${path}`
  if (window.location.hash === hash) return
  window.location.hash = hash
  // hashchange fires asynchronously; update now so the view switches in the same tick.
  current.value = parseHash(hash)
}

/** Re-reads the location after history.pushState/replaceState, which fire no hashchange (lib/url-state.ts). */
export function refreshRoute(): void {
  current.value = parseHash(window.location.hash)
}

export function runPath(id: number): string {
  return `/runs/${id}`
}

export function comparePath(ids: readonly number[]): string {
  return `/compare?ids=${ids.join(',')}`
}

/** Ids from ?ids=1,2,3 (invalid entries dropped, duplicates removed). */
export function idsFromQuery(query: Record<string, string>): number[] {
  const ids = (query.ids ?? '').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0)
  return [...new Set(ids)]
}
