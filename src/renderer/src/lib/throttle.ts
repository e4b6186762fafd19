export interface Throttled {
  (): void
  /** Run now if a call is pending. */
  flush(): void
  cancel(): void
}

/**
 * At most one call per `ms`: the first call runs after `ms` (trailing edge),
 * later calls within the window fold into it. Live charts use this so a burst
 * of progress events becomes one redraw.
 */
export function throttle(fn: () => void, ms: number): Throttled {
  let timer: ReturnType<typeof setTimeout> | null = null
  const run = (): void => {
    timer = null
    fn()
  }
  const t = (() => {
    timer ??= setTimeout(run, ms)
  }) as Throttled
  t.flush = () => {
    if (timer === null) return
    clearTimeout(timer)
    run()
  }
  t.cancel = () => {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }
  return t
}

/** Runs `fn` once `ms` after the last call. */
export function debounce(fn: () => void, ms: number): Throttled {
  let timer: ReturnType<typeof setTimeout> | null = null
  const run = (): void => {
    timer = null
    fn()
  }
  const d = (() => {
    if (timer !== null) clearTimeout(timer)
    timer = setTimeout(run, ms)
  }) as Throttled
  d.flush = () => {
    if (timer === null) return
    clearTimeout(timer)
    run()
  }
  d.cancel = () => {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }
  return d
}
