import { PAPER_NETWORK } from '../../shared/network'
import { goldenBatch, loadGolden, maxAbsDiff, paramsDiff, toCanonical } from './golden'
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
      const engine = makeEngine({
        network: PAPER_NETWORK,
        penalty: c.penalty ?? 'l2',
        lambda: c.lambda,
        lr: golden.hyper.lr,
        momentum: golden.hyper.momentum
      })
      try {
        engine.setParams(toCanonical(golden.init_params, c.alpha_init))
        const probe = engine.probe(batch)
        const diffs = [
          Math.abs(probe.loss - c.step1.loss),
          Math.abs(probe.ce - c.step1.ce),
          ...Object.values(paramsDiff(probe.grads, toCanonical(c.step1.grads, c.step1.grads.alpha.data)))
        ]
        engine.setTrainData(batch)
        engine.trainSteps(order, batch.count, 0, 1, new Float32Array(c.alpha_init.length), new Float32Array(1))
        diffs.push(...Object.values(paramsDiff(engine.getParams(), toCanonical(c.step1.params_after, c.step1.params_after.alpha.data))))
        diffs.push(maxAbsDiff(probe.logProbs, c.step1.logits_log_softmax.data))
        const maxDiff = Math.max(...diffs.map((d) => (Number.isNaN(d) ? Infinity : d)))
        return { case: c.name, maxDiff, ok: maxDiff <= KNOWN_ANSWER_TOLERANCE }
      } finally {
        engine.dispose()
      }
    })
}
