import { describe, expect, it } from 'vitest'
import { expandLambdas, PRESETS, runCount } from '../../../src/shared/sweep-spec'
import { expandSweep } from '../../../src/main/sweep/expand'
import { parseSpec, presetSpec, SpecError } from '../../../src/main/sweep/spec'

describe('sweep spec', () => {
  it('expands the paper preset into 11 λ × 6 runs = 66 runs with the paper’s settings', () => {
    const spec = presetSpec('paper')
    expect(expandLambdas(spec.lambdas)).toEqual([0, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.045, 0.05])
    const runs = expandSweep(spec)
    expect(runs).toHaveLength(66)
    expect(runCount(spec)).toBe(66)
    for (const r of runs) {
      expect(r.config).toMatchObject({ penalty: 'l1', subsample: 10_000, epochs: 10, batchSize: 64, lr: 0.01, momentum: 0 })
      expect(r.datasetLabel).toBe('fashion-mnist:10000:s0')
    }
  })

  it('original-code: L2, the full training set, five repeats as five datasets', () => {
    const runs = expandSweep(presetSpec('original-code'))
    expect(runs).toHaveLength(5 * 66)
    // No subsample is drawn on the full split: the repeats differ only in their run seeds, and say so.
    const base = presetSpec('original-code').datasets[0] // fashion-mnist-official where installed, see official.test.ts
    expect(new Set(runs.map((r) => r.datasetLabel))).toEqual(new Set([0, 1, 2, 3, 4].map((k) => `${base}:all:repeat${k}`)))
    expect(runs.every((r) => r.config.penalty === 'l2' && r.config.subsample === null)).toBe(true)
  })

  it('presets reproduce the study: independent seeds at every λ, every seed distinct', () => {
    for (const name of ['paper', 'original-code'] as const) {
      expect(PRESETS[name].seeding).toBe('independent')
      const runs = expandSweep(PRESETS[name])
      expect(new Set(runs.map((r) => r.config.seeds.weights)).size).toBe(runs.length)
    }
  })

  it('defaults to paired seeding for a spec that does not say', () => {
    const spec = parseSpec({ lambdas: [0, 0.01], runsPerLambda: 1, datasets: ['fashion-mnist'], subsample: 100, alphaInit: { kind: 'grid', grid: [0.5] }, penalty: 'l1', epochs: 1, batchSize: 8, lr: 0.01, momentum: 0, network: PRESETS.paper.network })
    expect(spec.seeding).toBe('paired')
    expect(() => parseSpec({ preset: 'paper', seeding: 'shared' })).toThrow(/seeding/)
  })

  it('paired: gives run r the same seeds at every λ, and different seeds to different runs and repeats', () => {
    const runs = expandSweep({ ...PRESETS.paper, repeats: 2, seeding: 'paired' })
    const seedOf = (k: number, lambda: number, r: number): number =>
      runs.find((x) => x.datasetLabel.endsWith(`s${k}`) && x.lambda === lambda && x.runIndex === r)!.config.seeds.weights
    expect(seedOf(0, 0, 3)).toBe(seedOf(0, 0.05, 3))
    expect(seedOf(0, 0, 3)).not.toBe(seedOf(0, 0, 4))
    expect(seedOf(0, 0, 3)).not.toBe(seedOf(1, 0, 3))
  })

  it('starts from a preset and overrides what the file gives', () => {
    const spec = parseSpec({ preset: 'paper', lambdas: [0, 0.01], runsPerLambda: 2 })
    expect(spec.lambdas).toEqual([0, 0.01])
    expect(spec.epochs).toBe(10)
    expect(runCount(spec)).toBe(4)
  })

  it.each([
    [{ preset: 'nope' }, /unknown preset 'nope'/],
    [{ preset: 'paper', lambdas: [-0.1] }, /lambdas\.0: λ must be ≥ 0/],
    [{ preset: 'paper', lambdas: { from: 0.05, to: 0, step: 0.01 } }, /lambdas\.to: to must be ≥ from/],
    [{ preset: 'paper', epochs: 0 }, /epochs: epochs must be ≥ 1/],
    [{ preset: 'paper', datasets: [] }, /datasets: give at least one dataset/],
    [{ preset: 'paper', network: { convs: [{ outChannels: 4, kernel: 29, stride: 1, alpha: true }] } }, /does not fit its 28×28 input/],
    [[1, 2], /must be a JSON object/]
  ])('rejects %j naming the field', (input, message) => {
    expect(() => parseSpec(input)).toThrow(SpecError)
    expect(() => parseSpec(input)).toThrow(message)
  })
})

describe('sweep spec bounds (issue 13)', () => {
  it('refuses a dataset listed twice, naming it', () => {
    expect(() => parseSpec({ ...PRESETS.paper, datasets: ['mnist', 'mnist'] }, 'spec.json')).toThrow(/dataset 'mnist' is listed twice/)
    expect(() => parseSpec({ ...PRESETS.paper, datasets: ['mnist', 'fashion-mnist'] }, 'spec.json')).not.toThrow()
  })

  it('refuses more than 100,000 runs per sweep before expanding anything', () => {
    // 1,001 λ × 1,000 runs × 50 datasets × 100 repeats = 5e9 runs.
    const huge = { ...PRESETS.paper, lambdas: { from: 0, to: 1, step: 0.001 }, runsPerLambda: 1000, repeats: 100, datasets: Array.from({ length: 50 }, (_, i) => `d${i}`) }
    expect(() => parseSpec(huge, 'spec.json')).toThrow(/5,005,000,000 runs; one sweep holds at most 100,000/)
    expect(() => parseSpec({ ...PRESETS.paper, lambdas: { from: 0, to: 1, step: 0.001 }, runsPerLambda: 99 }, 'spec.json')).not.toThrow()
    expect(() => parseSpec({ ...PRESETS.paper, lambdas: { from: 0, to: 1, step: 0.001 }, runsPerLambda: 100 }, 'spec.json')).toThrow(/100,100 runs/)
  })
})
