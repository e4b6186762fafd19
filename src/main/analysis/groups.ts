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
  for (const item of items) {
    const key = groupKey(item)
    let g = groups.get(key)
    if (!g) {
      g = { dataset: item.dataset, lambda: lambdaKey(item.lambda), items: [] }
      groups.set(key, g)
    }
    g.items.push(item)
  }
  return [...groups.values()].sort((a, b) => (a.dataset < b.dataset ? -1 : a.dataset > b.dataset ? 1 : a.lambda - b.lambda))
}
