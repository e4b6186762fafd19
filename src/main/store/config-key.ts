import { createHash } from 'node:crypto'
import stableStringify from 'fast-json-stable-stringify'

/**
 * What makes two runs the same experiment: the dataset, λ, the full training
 * config, the seeds and the initial α. Two runs with one key give the same α
 * history on one engine (and the same to float rounding on another), so the
 * statistics count them once: two `paper` sweeps queued with the same seed, or
 * a re-run, are copies, not new observations. The engine is left out on
 * purpose. An imported run has no config; its key is its dataset, λ,
 * iteration and first recorded α, so importing one file twice is caught too.
 * Keys are canonical JSON (sorted keys) hashed with SHA-256, cut to 128 bits.
 */
export interface KeyedRun {
  datasetId: number
  lambda: number
  runIndex: number
  seeds: unknown
  config: unknown
  alphaInit: readonly number[] | null
}

export function configKey(run: KeyedRun): string {
  const what = run.config === null ? { d: run.datasetId, l: run.lambda, i: run.runIndex, a: run.alphaInit } : { d: run.datasetId, c: run.config, s: run.seeds, a: run.alphaInit }
  return createHash('sha256').update(stableStringify(what)).digest('hex').slice(0, 32)
}
