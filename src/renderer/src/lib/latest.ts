import type { Ref } from 'vue'
import { errorMessage } from './format'

export interface LatestOptions {
  /** True while the latest request is in flight. */
  loading?: Ref<boolean>
  /** The latest request's error message; null after a success. */
  error?: Ref<string | null>
}

export interface Latest {
  /**
   * Runs `request`; `apply` gets its result only if no later request was made
   * meanwhile (responses can arrive out of order while the user types or
   * clicks). Resolves true when applied. `failed` runs on the latest request's
   * error, after `error` is set.
   */
  run<T>(request: () => Promise<T>, apply: (result: T) => void, failed?: (err: unknown) => void): Promise<boolean>
  /** Makes any request in flight stale (its result is dropped). */
  invalidate(): void
}

/** "Latest request wins": one per kind of request a store makes. */
export function latestRequest(opts: LatestOptions = {}): Latest {
  let seq = 0
  return {
    async run(request, apply, failed) {
      const mine = ++seq
      if (opts.loading) opts.loading.value = true
      try {
        const result = await request()
        if (mine !== seq) return false
        apply(result)
        if (opts.error) opts.error.value = null
        return true
      } catch (err) {
        if (mine === seq) {
          if (opts.error) opts.error.value = errorMessage(err)
          failed?.(err)
        }
        return false
      } finally {
        if (mine === seq && opts.loading) opts.loading.value = false
      }
    },
    invalidate() {
      seq++
      if (opts.loading) opts.loading.value = false
    }
  }
}
