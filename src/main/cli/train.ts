import { DEFAULT_ALPHA_GRID, PAPER_TRAIN_DEFAULTS, TrainConfigSchema, type TrainConfig } from '../../shared/config'
import { formatIssues } from '../../shared/validation'
import { TrainWorker } from '../engine/worker-client'
import { TFJS_BACKENDS } from '../engine/tfjs-backend'
import { defaultDatasetCacheDir } from '../paths'
import { CliError, numberFlag, oneOf, parseCommand } from './args'
import { ProgressBar } from './progress'
import { ENGINE_PREFERENCES } from '../../shared/constants'

export const TRAIN_HELP = `train [options]            one training run, with a progress bar
  --lambda L         penalty weight λ (default 0.01)
  --penalty l1|l2    L1 = Σ|α| (paper, default) or L2 = ‖α‖ (original code)
  --epochs N         (default 10)        --batch-size N (default 64)
  --lr X             (default 0.01)      --momentum X (default 0)
  --subsample N|all  training images drawn from the train split (default 10000)
  --dataset NAME     fashion-mnist (default) or mnist, or an imported dataset
  --seed S           sets all four seeds (default 0); override one with
                     --weight-seed, --alpha-seed, --order-seed, --subsample-seed
  --alpha-init a,b,c explicit initial α (one value or one per layer);
                     default: each α drawn from {0, 0.05, …, 0.95} by the α seed
  --engine auto|native|tfjs   (default auto: native kernel where available)
  --backend tensorflow|wasm|cpu  force a TF.js backend (with --engine tfjs)
  --json             print the outcome as JSON`

export function trainConfigFromFlags(values: Record<string, string | boolean | undefined>): TrainConfig {
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined)
  const seed = numberFlag('seed', str('seed'), 0, { min: 0, integer: true })
  const seedFlag = (k: string): number => numberFlag(k, str(k), seed, { min: 0, integer: true })
  const subsampleRaw = str('subsample')
  const alphaRaw = str('alpha-init')
  const candidate = {
    ...PAPER_TRAIN_DEFAULTS,
    dataset: str('dataset') ?? PAPER_TRAIN_DEFAULTS.dataset,
    subsample: subsampleRaw === 'all' ? null : numberFlag('subsample', subsampleRaw, PAPER_TRAIN_DEFAULTS.subsample ?? 10_000, { min: 1, integer: true }),
    penalty: oneOf('penalty', str('penalty'), ['l1', 'l2'] as const, 'l1'),
    lambda: numberFlag('lambda', str('lambda'), 0.01, { min: 0 }),
    lr: numberFlag('lr', str('lr'), PAPER_TRAIN_DEFAULTS.lr),
    momentum: numberFlag('momentum', str('momentum'), PAPER_TRAIN_DEFAULTS.momentum),
    batchSize: numberFlag('batch-size', str('batch-size'), PAPER_TRAIN_DEFAULTS.batchSize, { min: 1, integer: true }),
    epochs: numberFlag('epochs', str('epochs'), PAPER_TRAIN_DEFAULTS.epochs, { min: 1, integer: true }),
    alphaInit: alphaRaw
      ? { kind: 'explicit' as const, values: alphaRaw.split(',').map((a) => numberFlag('alpha-init', a, 0, { min: 0, max: 1 })) }
      : { kind: 'grid' as const, grid: [...DEFAULT_ALPHA_GRID] },
    seeds: { weights: seedFlag('weight-seed'), alpha: seedFlag('alpha-seed'), order: seedFlag('order-seed'), subsample: seedFlag('subsample-seed') }
  }
  const parsed = TrainConfigSchema.safeParse(candidate)
  if (!parsed.success) throw new CliError(`invalid training config: ${formatIssues(parsed.error.issues)}`)
  return parsed.data
}

export const TRAIN_FLAGS = {
  lambda: { type: 'string' },
  penalty: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  momentum: { type: 'string' },
  subsample: { type: 'string' },
  dataset: { type: 'string' },
  seed: { type: 'string' },
  'weight-seed': { type: 'string' },
  'alpha-seed': { type: 'string' },
  'order-seed': { type: 'string' },
  'subsample-seed': { type: 'string' },
  'alpha-init': { type: 'string' }
} as const

export async function train(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    ...TRAIN_FLAGS,
    engine: { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean' }
  })
  const config = trainConfigFromFlags(values)
  const engine = oneOf('engine', values.engine, ENGINE_PREFERENCES, 'auto')
  const backend = values.backend === undefined ? undefined : oneOf('backend', values.backend, TFJS_BACKENDS, 'wasm')
  const worker = new TrainWorker({ cacheDir: defaultDatasetCacheDir(), engine, tfjsBackend: backend })
  const bar = new ProgressBar('train')
  let engineLabel = ''
  let alpha: number[] = []
  const nAlpha = config.network.convs.filter((c) => c.alpha).length
  const started = Date.now()
  try {
    const outcome = await worker.run(1, config, {
      onStarted: (info) => {
        engineLabel = `${info.engine}/${info.backend}`
        if (!values.json) console.error(`engine ${engineLabel}; ${info.trainCount} training images, ${info.testCount} test images; ${info.totalSteps} steps`)
      },
      onChunk: (chunk, total) => {
        const last = chunk.steps.length - 1
        if (last >= 0) alpha = Array.from(chunk.alphas.subarray(last * nAlpha, (last + 1) * nAlpha))
        if (!values.json) bar.update(chunk.steps[last], total, `α = ${alpha.map((a) => a.toFixed(3)).join(', ')}`)
      },
      onEpoch: (m) => {
        if (!values.json) {
          bar.finish()
          console.error(`epoch ${m.epoch + 1}: train loss ${m.trainLoss.toFixed(4)}, test loss ${m.testLoss.toFixed(4)}, test accuracy ${(m.testAccuracy * 100).toFixed(2)}%`)
        }
      }
    })
    const seconds = (Date.now() - started) / 1000
    const last = outcome.epochs.at(-1)
    if (values.json) {
      console.log(JSON.stringify({ engine: engineLabel, config, ...outcome, wallSeconds: seconds }, null, 2))
    } else {
      console.log(`initial α: ${outcome.alphaInit.map((a) => a.toFixed(4)).join(', ')}`)
      console.log(`final α:   ${outcome.finalAlpha.map((a) => a.toFixed(4)).join(', ')}`)
      if (last) console.log(`test accuracy: ${(last.testAccuracy * 100).toFixed(2)}% (test loss ${last.testLoss.toFixed(4)})`)
      console.log(`time: ${seconds.toFixed(1)} s (${outcome.steps} steps, ${((outcome.trainMs / outcome.steps) || 0).toFixed(3)} ms/step incl. evaluation) on ${engineLabel}`)
    }
    return 0
  } finally {
    await worker.close()
  }
}
