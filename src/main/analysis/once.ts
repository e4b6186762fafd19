/**
 * Statistics count one experiment once. Two runs with one config key (same
 * dataset, λ, training config, seeds and initial α: store/config-key.ts) are
 * one observation trained twice, not two: two `paper` sweeps queued with the
 * same seed, or a re-run. Counting both would double n and narrow every
 * interval. The first run of each key (in the input's order: by run id) is
 * kept; the others are returned as repeats, so each table can say how many it
 * left out.
 */
export function countOnce<T extends { configKey: string }>(rows: readonly T[]): { rows: T[]; repeats: T[] } {
  const first = firstOfEachKey()
  const kept: T[] = []
  const repeats: T[] = []
  for (const r of rows) (first(r.configKey) ? kept : repeats).push(r)
  return { rows: kept, repeats }
}

/** The rule itself, for readers that walk runs in order without making rows: true for the first run of each key. */
export function firstOfEachKey(): (configKey: string) => boolean {
  const seen = new Set<string>()
  return (key) => {
    if (seen.has(key)) return false
    seen.add(key)
    return true
  }
}
