import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expandLambdas, type SweepSpec } from '../../shared/sweep-spec'
import type { ImageSet } from '../engine/types'
import { projectRoot } from '../paths'

/** Debian's python3 (python3-torch installs for it, not for a pyenv python on PATH). */
const PYTHON = '/usr/bin/python3'

export interface TorchSweepResult {
  torch: string
  wall_seconds: number
  runs: number
  steps: number
  results: { lambda: number; final_alpha: number[]; test_accuracy: number }[]
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

export function runTorchSweep(spec: SweepSpec, dataFile: string, workers: number): TorchSweepResult {
  const job = {
    lambdas: expandLambdas(spec.lambdas),
    runsPerLambda: spec.runsPerLambda,
    penalty: spec.penalty,
    epochs: spec.epochs,
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
  if (r.status !== 0) throw new Error(`bench/pytorch_sweep.py failed (exit ${r.status}): ${r.stderr.trim().slice(-2000)}`)
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as TorchSweepResult
}
