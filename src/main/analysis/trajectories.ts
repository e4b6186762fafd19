import type { GroupedSeries, MeanTrajectory } from '../../shared/results'
import { groupByDatasetLambda } from './groups'

/**
 * Mean (and sample sd) of each α_i over the runs of a (dataset, λ), at every
 * step that all of those runs recorded. Aligning on the step value, not the
 * record index, keeps runs with different cadences honest; runs of different
 * lengths are thereby cut to the shortest (a step some run lacks is dropped).
 * The α count is the smallest among the runs.
 */
export function meanTrajectories(input: readonly GroupedSeries[]): MeanTrajectory[] {
  return groupByDatasetLambda(input).map(({ dataset, lambda, items }) => {
    const runs = items.length
    const alphaCount = Math.min(...items.map((g) => g.series.alphas.length))
    // step → index of that step in each run
    const positions = new Map<number, number[]>()
    items.forEach(({ series }, r) => {
      series.steps.forEach((step, k) => {
        let p = positions.get(step)
        if (!p) positions.set(step, (p = []))
        if (p.length === r) p.push(k)
      })
    })
    const steps = [...positions].filter(([, p]) => p.length === runs).map(([step]) => step).sort((a, b) => a - b)
    const mean = Array.from({ length: alphaCount }, () => new Array<number>(steps.length))
    const sd = Array.from({ length: alphaCount }, () => new Array<number>(steps.length))
    steps.forEach((step, j) => {
      const at = positions.get(step) ?? []
      for (let i = 0; i < alphaCount; i++) {
        const values = items.map(({ series }, r) => series.alphas[i][at[r]])
        const m = values.reduce((s, v) => s + v, 0) / runs
        const ss = values.reduce((s, v) => s + (v - m) * (v - m), 0)
        mean[i][j] = m
        sd[i][j] = runs > 1 ? Math.sqrt(ss / (runs - 1)) : 0
      }
    })
    return { dataset, lambda, runs, steps, mean, sd }
  })
}
