import type { TrainConfig } from '@shared/config'

/**
 * Flattens run configs into "setting → text" rows and marks the settings
 * that differ between runs (Compare). Arrays of numbers read as one value
 * ("0, 0.05, 0.1"); arrays of objects keep their index ("network.convs.1.kernel").
 */

export type FlatConfig = Record<string, string>

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function scalarText(v: unknown): string {
  if (v === null) return 'null'
  if (v === undefined) return NOT_RECORDED
  if (typeof v === 'number') return String(Number(v.toPrecision(12)))
  return String(v)
}

export function flattenConfig(value: unknown, prefix = '', out: FlatConfig = {}): FlatConfig {
  if (Array.isArray(value) && value.every((v) => !isPlainObject(v) && !Array.isArray(v))) {
    out[prefix] = value.map(scalarText).join(', ')
  } else if (Array.isArray(value)) {
    out[`${prefix}.length`] = String(value.length)
    value.forEach((v, i) => flattenConfig(v, `${prefix}.${i}`, out))
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) flattenConfig(v, prefix ? `${prefix}.${k}` : k, out)
  } else {
    out[prefix] = scalarText(value)
  }
  return out
}

/** The text of a setting a config does not record (an imported run has no training config). */
export const NOT_RECORDED = 'not recorded'

export interface DiffRow {
  key: string
  /** One text per config; NOT_RECORDED where a config does not have the setting. */
  values: string[]
  /** Two configs that record the setting disagree on it (a setting one of them does not record is no difference). */
  differs: boolean
  /** Some config does not record it. */
  partial: boolean
}

export function diffConfigs(configs: readonly unknown[]): DiffRow[] {
  const flats = configs.map((c) => flattenConfig(c))
  const keys: string[] = []
  const seen = new Set<string>()
  for (const f of flats) {
    for (const k of Object.keys(f)) {
      if (!seen.has(k)) {
        seen.add(k)
        keys.push(k)
      }
    }
  }
  return keys.map((key) => {
    const recorded = flats.map((f) => f[key]).filter((v) => v !== undefined)
    const values = flats.map((f) => f[key] ?? NOT_RECORDED)
    return { key, values, differs: new Set(recorded).size > 1, partial: recorded.length < flats.length }
  })
}

/** A run config as a researcher reads it: one line per conv layer, the α init in words, seeds last. */
export function readableConfig(c: TrainConfig, withSeeds = true): Record<string, unknown> {
  const init =
    c.alphaInit.kind === 'grid'
      ? `drawn from a grid of ${c.alphaInit.grid.length}: ${c.alphaInit.grid.join(', ')}`
      : `explicit: ${c.alphaInit.values.join(', ')}`
  return {
    dataset: c.dataset,
    subsample: c.subsample ?? 'all',
    lambda: c.lambda,
    penalty: c.penalty === 'l1' ? 'L1 (Σ|α|)' : 'L2 (‖α‖₂)',
    epochs: c.epochs,
    batchSize: c.batchSize,
    lr: c.lr,
    momentum: c.momentum,
    recordEvery: c.recordEvery,
    alphaInit: init,
    ...Object.fromEntries(c.network.convs.map((l, i) => [`conv ${i + 1}`, `${l.outChannels} ch · kernel ${l.kernel} · stride ${l.stride} · ${l.alpha ? 'ReLU_α' : 'ReLU'}`])),
    ...(withSeeds ? { seeds: c.seeds } : {})
  }
}
