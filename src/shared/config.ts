import { z } from 'zod'
import { NetworkSchema, PAPER_NETWORK } from './network'

export const PenaltySchema = z.enum(['l1', 'l2'])
/** L1 = Σ|α| (the paper's text); L2 = ‖α‖₂ (`alpha.norm()`, what the original code ran). */
export type Penalty = z.infer<typeof PenaltySchema>

/** {0, 0.05, …, 0.95}: the study's α-init grid. */
export const DEFAULT_ALPHA_GRID: readonly number[] = Array.from({ length: 20 }, (_, i) => Math.round(i * 5) / 100)

export const AlphaInitSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('explicit'), values: z.array(z.number().min(0).max(1)).min(1) }),
  z.object({ kind: z.literal('grid'), grid: z.array(z.number().min(0).max(1)).min(1) })
])
export type AlphaInit = z.infer<typeof AlphaInitSchema>

const seed = z.number().int().min(0).max(2 ** 32 - 1)
export const SeedsSchema = z.object({ weights: seed, alpha: seed, order: seed, subsample: seed })
export type Seeds = z.infer<typeof SeedsSchema>

export const TrainConfigSchema = z.object({
  network: NetworkSchema,
  dataset: z.string().min(1),
  /** Training images drawn from the dataset's train split; null = all of them. */
  subsample: z.number().int().min(1).nullable(),
  penalty: PenaltySchema,
  lambda: z.number().min(0).max(10),
  lr: z.number().gt(0).max(10),
  momentum: z.number().min(0).lt(1),
  batchSize: z.number().int().min(1).max(4096),
  epochs: z.number().int().min(1).max(1000),
  alphaInit: AlphaInitSchema,
  seeds: SeedsSchema,
  /** Store α every this many steps (1 = every step). */
  recordEvery: z.number().int().min(1).default(1)
})
export type TrainConfig = z.infer<typeof TrainConfigSchema>

export const PAPER_TRAIN_DEFAULTS: Omit<TrainConfig, 'lambda' | 'seeds' | 'alphaInit'> = {
  network: PAPER_NETWORK,
  dataset: 'fashion-mnist',
  subsample: 10_000,
  penalty: 'l1',
  lr: 0.01,
  momentum: 0,
  batchSize: 64,
  epochs: 10,
  recordEvery: 1
}
