import { expandLambdas, runCount, type SweepSpec } from '@shared/sweep-spec'

/** Training-split sizes of the bundled datasets (README: Data). */
export const BUNDLED_TRAIN_COUNTS: Readonly<Record<string, number>> = { 'fashion-mnist': 60_000, mnist: 8_000 }

/** The step time the back end measures is for batch-64 steps; other batch sizes scale roughly linearly. */
const REFERENCE_BATCH = 64

/** Images one run trains on: the subsample, capped at the split's size when known; null when unknown. */
export function trainCount(dataset: string, subsample: number | null, known: Readonly<Record<string, number>> = BUNDLED_TRAIN_COUNTS): number | null {
  const full = known[dataset] ?? null
  if (subsample === null) return full
  return full === null ? subsample : Math.min(subsample, full)
}

export function stepsPerRun(images: number, batchSize: number, epochs: number): number {
  return Math.ceil(images / batchSize) * epochs
}

export interface SweepEstimate {
  runs: number
  /** Total SGD steps over all runs; null when a dataset's size is unknown. */
  steps: number | null
  /** Wall-clock estimate over all workers; null without a measured step time or known size. */
  durationMs: number | null
  /** Datasets whose training-set size is unknown here (imported ones trained on all images). */
  unknownDatasets: string[]
}

export function estimateSweep(spec: SweepSpec, stepMs: number | null, workers: number, known?: Readonly<Record<string, number>>): SweepEstimate {
  const runs = runCount(spec)
  const perDataset = expandLambdas(spec.lambdas).length * spec.runsPerLambda * spec.repeats
  let steps = 0
  const unknownDatasets: string[] = []
  for (const d of spec.datasets) {
    const images = trainCount(d, spec.subsample, known)
    if (images === null) unknownDatasets.push(d)
    else steps += perDataset * stepsPerRun(images, spec.batchSize, spec.epochs)
  }
  const stepsKnown = unknownDatasets.length === 0 ? steps : null
  const parallel = Math.max(1, Math.min(workers, runs))
  const durationMs = stepsKnown !== null && stepMs !== null ? (stepsKnown * stepMs * (spec.batchSize / REFERENCE_BATCH)) / parallel : null
  return { runs, steps: stepsKnown, durationMs, unknownDatasets }
}
