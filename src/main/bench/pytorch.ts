import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expandLambdas, type SweepSpec } from '../../shared/sweep-spec'
import type { ImageSet } from '../data'
import { projectRoot } from '../paths'

/** Debian's python3 (python3-torch installs for it, not for a pyenv python on PATH). */
const PYTHON = '/usr/bin/python3'

/** The PyTorch formulations bench/pytorch_sweep.py times (see its docstring). */
export const TORCH_FORMULATIONS = ['careful', 'grouped', 'status-quo'] as const
export type TorchFormulation = (typeof TORCH_FORMULATIONS)[number]

export const TORCH_LABELS: Record<TorchFormulation, string> = {
  careful: 'PyTorch, careful per-run loop',
  grouped: 'PyTorch, all runs at once (grouped convs)',
  'status-quo': "PyTorch, the study's script style (DataLoader)"
}

export interface TorchSweepResult {
  torch: string
  formulation: TorchFormulation
  wall_seconds: number
  user_seconds: number
  system_seconds: number
  runs: number
  steps: number
  epochs: number
  mean_test_accuracy: number
}

/** Why PyTorch cannot run here, or null when it can. */
export function torchUnavailable(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' })
  if (r.error) return `${PYTHON} not found (${r.error.message})`
  if (r.status !== 0) return `PyTorch is not installed for ${PYTHON} (apt-get install python3-torch): ${r.stderr.trim().split('\n').at(-1)}`
  return null
}

/** The same training images and test set, as the binary file bench/pytorch_sweep.py reads. */
export function writeTorchData(dir: string, train: ImageSet, test: ImageSet): string {
  const file = join(dir, 'bench-data.bin')
  const header = Buffer.alloc(8)
  header.writeUInt32LE(train.count, 0)
  header.writeUInt32LE(test.count, 4)
  writeFileSync(file, Buffer.concat([header, train.labels, train.images, test.labels, test.images]))
  return file
}

/** Trains every run of `spec` for `epochs` epochs (≤ spec.epochs) one way, in `workers` single-thread processes. */
export function runTorchSweep(spec: SweepSpec, formulation: TorchFormulation, dataFile: string, workers: number, epochs: number): TorchSweepResult {
  const job = {
    formulation,
    lambdas: expandLambdas(spec.lambdas),
    runsPerLambda: spec.runsPerLambda,
    penalty: spec.penalty,
    epochs,
    batchSize: spec.batchSize,
    lr: spec.lr,
    workers,
    data: dataFile
  }
  const r = spawnSync(PYTHON, [join(projectRoot(), 'bench', 'pytorch_sweep.py'), JSON.stringify(job)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' }
  })
  if (r.status !== 0) throw new Error(`bench/pytorch_sweep.py ${formulation} failed (exit ${r.status}): ${r.stderr.trim().slice(-2000)}`)
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as TorchSweepResult
}
