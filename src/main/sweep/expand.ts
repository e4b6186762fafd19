import type { TrainConfig } from '../../shared/config'
import { datasetLabel, expandLambdas, type SweepSpec } from '../../shared/sweep-spec'

export interface PlannedRun {
  /** The dataset as the statistics show it (base, size, subsample seed). */
  datasetLabel: string
  datasetBase: string
  lambda: number
  /** 0..runsPerLambda-1: the original CSV's `iteration`. */
  runIndex: number
  config: TrainConfig
}

/** A 31-bit seed mixed from integers (murmur3's finaliser over a running hash). */
function mixSeed(...parts: number[]): number {
  let h = 0x9747b28c
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x5bd1e995)
    h ^= h >>> 15
  }
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 1
}

/**
 * The subsample a dataset really gets: the spec's, or all of its training
 * images when it has fewer (mnist's 8,000 under the paper's 10,000). The
 * label and the stored config say that size, never the one asked for.
 */
export function effectiveSubsample(asked: number | null, trainCount: number | undefined): number | null {
  return asked !== null && trainCount !== undefined && asked > trainCount ? trainCount : asked
}

/**
 * Expands a sweep into its runs (`trainCounts`: each dataset's training images, to cap the subsample). seeding 'paired': run r of repeat k gets the
 * same weight, α and data-order seeds at every λ (common random numbers), so
 * the runs of one column differ only in λ. 'independent' (the study's design,
 * used by the presets): every (λ, run) gets seeds of its own. Each repeat
 * draws its own training subsample (seed + k).
 */
export function expandSweep(spec: SweepSpec, trainCounts?: ReadonlyMap<string, number>): PlannedRun[] {
  const lambdas = expandLambdas(spec.lambdas)
  const runs: PlannedRun[] = []
  for (const base of spec.datasets) {
    const subsample = effectiveSubsample(spec.subsample, trainCounts?.get(base))
    for (let k = 0; k < spec.repeats; k++) {
      const subsampleSeed = spec.seed + k
      const label = datasetLabel(base, subsample, subsampleSeed, k)
      for (const [li, lambda] of lambdas.entries()) {
        for (let r = 0; r < spec.runsPerLambda; r++) {
          const runSeed = spec.seeding === 'independent' ? mixSeed(spec.seed, k, r, li + 1) : mixSeed(spec.seed, k, r)
          runs.push({
            datasetLabel: label,
            datasetBase: base,
            lambda,
            runIndex: r,
            config: {
              network: spec.network,
              dataset: base,
              subsample,
              penalty: spec.penalty,
              lambda,
              lr: spec.lr,
              momentum: spec.momentum,
              batchSize: spec.batchSize,
              epochs: spec.epochs,
              alphaInit: spec.alphaInit,
              seeds: { weights: runSeed, alpha: runSeed, order: runSeed, subsample: subsampleSeed },
              recordEvery: spec.recordEvery
            }
          })
        }
      }
    }
  }
  return runs
}
