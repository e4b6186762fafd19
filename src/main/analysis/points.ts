import type { AlphaInitFinalPair, AlphaPoint, FinalAlphaRow } from '../../shared/results'
import { groupByDatasetLambda } from './groups'

/** One point per run and α index: final α against λ (λ rounded to 1e-9), sorted by dataset, λ, run, α. */
export function finalAlphaVsLambda(rows: readonly FinalAlphaRow[]): AlphaPoint[] {
  return groupByDatasetLambda(rows).flatMap(({ dataset, lambda, items }) =>
    items.flatMap((run) => run.finalAlpha.map((finalAlpha, alphaIndex) => ({ dataset, lambda, runId: run.runId, alphaIndex, finalAlpha })))
  )
}

/** Initial vs final α per run and α index; runs whose initial α is unknown are left out. */
export function initialVsFinal(rows: readonly FinalAlphaRow[]): AlphaInitFinalPair[] {
  return groupByDatasetLambda(rows).flatMap(({ dataset, lambda, items }) =>
    items.flatMap((run) => {
      const init = run.alphaInit
      if (!init) return []
      return run.finalAlpha
        .slice(0, init.length)
        .map((final, alphaIndex) => ({ dataset, lambda, runId: run.runId, alphaIndex, initial: init[alphaIndex], final }))
    })
  )
}
