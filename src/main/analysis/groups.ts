/**
 * Grouping by (dataset, λ). λ values are rounded first (shared/lambda.ts), so
 * 0.015 read from a CSV and 0.015000000000000001 from a float range land in one group.
 */
import { lambdaKey } from '../../shared/lambda'

export { lambdaKey }

export interface Keyed {
  dataset: string
  lambda: number
}

export interface Group<T> {
  dataset: string
  /** The rounded λ. */
  lambda: number
  items: T[]
}

/** A group's identity: the dataset and the rounded λ. */
export function groupKey(item: Keyed): string {
  return `${item.dataset.length}:${item.dataset}${lambdaKey(item.lambda)}`
}

/** Groups items by dataset and rounded λ, sorted by dataset name then λ. */
export function groupByDatasetLambda<T extends Keyed>(items: readonly T[]): Group<T>[] {
  const groups = new Map<string, Group<T>>()
  // Statistic rows come sorted by dataset and λ: an item like the one before joins its group without a key lookup.
  let last: { dataset: string; lambda: number; group: Group<T> } | null = null
  for (const item of items) {
    if (last && last.dataset === item.dataset && last.lambda === item.lambda) {
      last.group.items.push(item)
      continue
    }
    const key = groupKey(item)
    let g = groups.get(key)
    if (!g) {
      g = { dataset: item.dataset, lambda: lambdaKey(item.lambda), items: [] }
      groups.set(key, g)
    }
    g.items.push(item)
    last = { dataset: item.dataset, lambda: item.lambda, group: g }
  }
  return [...groups.values()].sort((a, b) => (a.dataset < b.dataset ? -1 : a.dataset > b.dataset ? 1 : a.lambda - b.lambda))
}
