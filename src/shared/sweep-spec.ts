import { z } from 'zod'
import { AlphaInitSchema, DEFAULT_ALPHA_GRID, PenaltySchema } from './config'
import { NetworkSchema, PAPER_NETWORK } from './network'
import { lambdaKey } from './lambda'

/** Largest λ a sweep accepts: far beyond where every α collapses, so a typo is caught. */
export const MAX_LAMBDA = 10

/** Most runs one sweep may hold: a larger spec is refused before anything is expanded or stored. */
export const MAX_RUNS_PER_SWEEP = 100_000
const lambda = z.number().min(0, 'λ must be ≥ 0').max(MAX_LAMBDA, `λ must be ≤ ${MAX_LAMBDA}`)

export const LambdaRangeSchema = z
  .object({ from: lambda, to: lambda, step: z.number().gt(0, 'step must be > 0') })
  .refine((r) => r.to >= r.from, { message: 'to must be ≥ from', path: ['to'] })
  .refine((r) => (r.to - r.from) / r.step <= 1000, { message: 'range gives more than 1,001 λ values', path: ['step'] })

const seed = z.number().int().min(0).max(2 ** 31 - 1)

export const SEEDINGS = ['paired', 'independent'] as const
export type Seeding = (typeof SEEDINGS)[number]

/**
 * A sweep: every λ × runsPerLambda runs, on every dataset × repeat. Each
 * repeat draws its own training subsample (subsample seed = seed + repeat) and
 * appears as a dataset of its own in the statistics, like the study's five CSVs.
 */
export const SweepSpecSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  lambdas: z.union([
    z
      .array(lambda)
      .min(1, 'give at least one λ')
      .max(1001)
      .superRefine((list, ctx) => {
        const seen = new Set<number>()
        for (const l of list) {
          if (seen.has(l)) {
            ctx.addIssue({ code: 'custom', message: `λ = ${l} is given twice: each λ once (use runsPerLambda for more runs)` })
            return
          }
          seen.add(l)
        }
      }),
    LambdaRangeSchema
  ]),
  runsPerLambda: z.number().int().min(1).max(1000),
  datasets: z.array(z.string().trim().min(1)).min(1, 'give at least one dataset').max(50),
  repeats: z.number().int().min(1).max(100).default(1),
  /** Training images per run; null = the whole training split. */
  subsample: z.number().int().min(1).nullable(),
  alphaInit: AlphaInitSchema,
  penalty: PenaltySchema,
  epochs: z.number().int().min(1, 'epochs must be ≥ 1').max(1000),
  batchSize: z.number().int().min(1).max(4096),
  lr: z.number().gt(0, 'lr must be > 0').max(10),
  momentum: z.number().min(0).lt(1),
  network: NetworkSchema,
  recordEvery: z.number().int().min(1).default(1),
  /** Base seed; every run's four seeds derive from it (see sweep/expand.ts). */
  seed: seed.default(0),
  /**
   * paired: run r of a repeat reuses its weights, α starts and batch order at
   * every λ (common random numbers: curves across λ are correlated and look
   * smoother). independent: every (λ, run) draws its own, as the study did.
   */
  seeding: z.enum(SEEDINGS).default('paired')
}).superRefine((spec, ctx) => {
  const seen = new Set<string>()
  spec.datasets.forEach((d, i) => {
    if (seen.has(d)) ctx.addIssue({ code: 'custom', path: ['datasets', i], message: `dataset '${d}' is listed twice (it would queue the same runs twice)` })
    seen.add(d)
  })
  const runs = expandLambdas(spec.lambdas).length * spec.runsPerLambda * spec.datasets.length * spec.repeats
  if (runs > MAX_RUNS_PER_SWEEP) {
    ctx.addIssue({
      code: 'custom',
      path: ['runsPerLambda'],
      message: `this sweep has ${runs.toLocaleString('en')} runs; one sweep holds at most ${MAX_RUNS_PER_SWEEP.toLocaleString('en')} (λ values × runs per λ × datasets × repeats)`
    })
  }
  if (spec.alphaInit.kind !== 'explicit') return
  const layers = spec.network.convs.filter((c) => c.alpha).length
  const n = spec.alphaInit.values.length
  if (n !== 1 && n !== layers) {
    ctx.addIssue({ code: 'custom', path: ['alphaInit', 'values'], message: `give 1 value or ${layers} (one per ReLU_α layer), not ${n}` })
  }
})
export type SweepSpec = z.infer<typeof SweepSpecSchema>
export type SweepSpecInput = z.input<typeof SweepSpecSchema>

/** The official 60,000/10,000 Fashion-MNIST split, offered where its IDX files are installed (main/data/official.ts). */
export const OFFICIAL_DATASET = 'fashion-mnist-official'

export const PRESET_NAMES = ['paper', 'original-code'] as const
export type PresetName = (typeof PRESET_NAMES)[number]

/** λ = 0, 0.005, …, 0.05: the study's 11 values. */
export const PAPER_LAMBDAS = { from: 0, to: 0.05, step: 0.005 }

const PAPER_PRESET: SweepSpec = {
  name: 'paper',
  lambdas: PAPER_LAMBDAS,
  runsPerLambda: 6,
  datasets: ['fashion-mnist'],
  repeats: 1,
  subsample: 10_000,
  alphaInit: { kind: 'grid', grid: [...DEFAULT_ALPHA_GRID] },
  penalty: 'l1',
  epochs: 10,
  batchSize: 64,
  lr: 0.01,
  momentum: 0,
  network: PAPER_NETWORK,
  recordEvery: 1,
  seed: 0,
  // The study drew fresh weights, α and batch order for every run at every λ.
  seeding: 'independent'
}

/**
 * `paper`: what the paper's text describes (L1, a 10,000-image subsample).
 * `original-code`: what the original PyTorch script ran (L2 = alpha.norm(),
 * the full 60,000-image training set, five repeats of the sweep).
 */
export const PRESETS: Record<PresetName, SweepSpec> = {
  paper: PAPER_PRESET,
  'original-code': { ...PAPER_PRESET, name: 'original-code', repeats: 5, subsample: null, penalty: 'l2' }
}

/** The λ values of a spec, rounded (lambdaKey) so a range gives 0.015, not 0.015000000000000001. */
export function expandLambdas(l: SweepSpec['lambdas']): number[] {
  if (Array.isArray(l)) return [...l]
  const n = Math.floor((l.to - l.from) / l.step + 1e-9)
  return Array.from({ length: n + 1 }, (_, i) => lambdaKey(l.from + i * l.step))
}

/**
 * How a dataset appears in the statistics: what differs between its repeats.
 * With a subsample, the repeats train on different images: base, size and
 * subsample seed (`fashion-mnist:10000:s0`). On the whole training split no
 * subsample is drawn and only the run seeds differ: `fashion-mnist:all:repeat0`.
 */
export function datasetLabel(base: string, subsample: number | null, subsampleSeed: number, repeat: number): string {
  return subsample === null ? `${base}:all:repeat${repeat}` : `${base}:${subsample}:s${subsampleSeed}`
}

export function runCount(spec: SweepSpec): number {
  return expandLambdas(spec.lambdas).length * spec.runsPerLambda * spec.datasets.length * spec.repeats
}
