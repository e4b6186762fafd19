import { caseOptions, goldenBatch, loadGolden, paramsDiff, probeDiffs, toCanonical } from './golden'
import type { EngineOptions, StepEngine } from './types'

export const KNOWN_ANSWER_TOLERANCE = 1e-5

export interface KnownAnswerResult {
  case: string
  /** Largest absolute difference over loss, CE, every gradient and every parameter after one step. */
  maxDiff: number
  ok: boolean
}

/**
 * Runs every float32 case of the PyTorch fixture through an engine: loss, CE,
 * all gradients, then one SGD step + clamp and every parameter after it.
 */
export function knownAnswerCheck(makeEngine: (opts: EngineOptions) => StepEngine): KnownAnswerResult[] {
  const golden = loadGolden()
  const batch = goldenBatch(golden)
  const order = Int32Array.from({ length: batch.count }, (_, i) => i)
  return golden.cases
    .filter((c) => c.dtype === 'float32')
    .map((c) => {
      const engine = makeEngine(caseOptions(golden, c))
      try {
        engine.setParams(toCanonical(golden.init_params, c.alpha_init))
        const diffs = Object.values(probeDiffs(engine.probe(batch), c))
        engine.setTrainData(batch)
        engine.trainSteps(order, batch.count, 0, 1, new Float32Array(c.alpha_init.length), new Float32Array(1))
        diffs.push(...Object.values(paramsDiff(engine.getParams(), toCanonical(c.step1.params_after, c.step1.params_after.alpha.data))))
        const maxDiff = Math.max(...diffs.map((d) => (Number.isNaN(d) ? Infinity : d)))
        return { case: c.name, maxDiff, ok: maxDiff <= KNOWN_ANSWER_TOLERANCE }
      } finally {
        engine.dispose()
      }
    })
}
