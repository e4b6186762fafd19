import { readFileSync } from 'node:fs'
import { PRESETS, PRESET_NAMES, SweepSpecSchema, type PresetName, type SweepSpec } from '../../shared/sweep-spec'
import { UserError } from '../../shared/errors'
import { formatIssues } from '../../shared/validation'
import { OFFICIAL_NAME, officialDir, officialFiles } from '../data/official'

/** A sweep spec that failed validation; the message names every bad field. */
export class SpecError extends UserError {}

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name)
}

/**
 * A preset's spec. `original-code` trains on the official 60,000/10,000 split
 * (fashion-mnist-official) where its files are installed, as the study did
 * through torchvision; elsewhere on the bundled fashion-mnist (see presetDatasetNote).
 */
export function presetSpec(name: string): SweepSpec {
  if (!isPresetName(name)) throw new SpecError(`unknown preset '${name}' (known: ${PRESET_NAMES.join(', ')})`)
  const spec = structuredClone(PRESETS[name])
  if (name === 'original-code' && officialFiles()) spec.datasets = [OFFICIAL_NAME]
  return spec
}

/** Which data a preset trains on, in words (the CLI prints it). */
export function presetDatasetNote(name: string): string | null {
  if (name !== 'original-code') return null
  const files = officialFiles()
  return files
    ? `original-code: training on ${OFFICIAL_NAME}, the official 60,000/10,000 split from ${files.dir}`
    : `original-code: the official Fashion-MNIST files are not in ${officialDir()}; training on the bundled fashion-mnist instead`
}

/**
 * Validates a spec object. `{"preset": "paper", …}` starts from a preset and
 * overrides the fields given, so a spec file can say only what differs.
 */
export function parseSpec(input: unknown, source = 'sweep spec'): SweepSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new SpecError(`${source}: must be a JSON object`)
  const { preset, ...rest } = input as Record<string, unknown>
  let base: Record<string, unknown> = {}
  if (preset !== undefined) {
    if (typeof preset !== 'string') throw new SpecError(`${source}: preset must be a string`)
    base = presetSpec(preset) as unknown as Record<string, unknown>
  }
  const parsed = SweepSpecSchema.safeParse({ ...base, ...rest })
  if (!parsed.success) throw new SpecError(`${source}: ${formatIssues(parsed.error.issues)}`)
  return parsed.data
}

export function readSpecFile(path: string): SweepSpec {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new SpecError(`cannot read sweep spec ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new SpecError(`${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`)
  }
  return parseSpec(json, path)
}
