import { useDebounceFn } from '@vueuse/core'

/**
 * How a view follows a write made elsewhere (data-changed, a sweep or run it
 * shows changing): 150 ms after the last event, at most 400 ms after the
 * first, so a burst of events costs one fetch and the view is never more than
 * a second behind.
 */
export const FOLLOW_DEBOUNCE_MS = 150
export const FOLLOW_MAX_WAIT_MS = 400

export function useFollowSoon(fn: () => void): ReturnType<typeof useDebounceFn<() => void>> {
  return useDebounceFn(fn, FOLLOW_DEBOUNCE_MS, { maxWait: FOLLOW_MAX_WAIT_MS })
}
