import { DEFAULT_ALPHA_GRID } from '@shared/config'
import type { ConvLayerConfig } from '@shared/network'
import { PAPER_NETWORK } from '@shared/network'
import { OFFICIAL_DATASET, PRESETS, SweepSpecSchema, type PresetName, type Seeding, type SweepSpec, type SweepSpecInput } from '@shared/sweep-spec'

/**
 * The sweep form's editable state. Number inputs hold `number | ''` (what
 * v-model gives for <input type="number">, '' when empty or unparsable); list
 * fields hold the text the user typed. `specFromForm` turns it into a spec and
 * `validateForm` checks it with the same schema the back end uses.
 */
export type NumInput = number | ''

export interface ConvForm {
  outChannels: NumInput
  kernel: NumInput
  stride: NumInput
  alpha: boolean
}

export interface SweepForm {
  name: string
  lambdaMode: 'list' | 'range'
  lambdaList: string
  lambdaFrom: NumInput
  lambdaTo: NumInput
  lambdaStep: NumInput
  runsPerLambda: NumInput
  datasets: string[]
  repeats: NumInput
  subsampleAll: boolean
  subsample: NumInput
  alphaInitKind: 'grid' | 'explicit'
  alphaGrid: string
  alphaValues: string
  penalty: 'l1' | 'l2'
  epochs: NumInput
  batchSize: NumInput
  lr: NumInput
  momentum: NumInput
  recordEvery: NumInput
  seed: NumInput
  seeding: Seeding
  convs: ConvForm[]
}

/** Field key → messages. Keys: 'lambdas', 'lambdas.from', 'epochs', 'network.convs.1.kernel', … */
export type FieldErrors = Record<string, string[]>

export interface FormValidation {
  spec: SweepSpec | null
  errors: FieldErrors
}

export function listText(values: readonly number[]): string {
  return values.join(', ')
}

export function formFromSpec(spec: SweepSpec): SweepForm {
  const range = Array.isArray(spec.lambdas) ? null : spec.lambdas
  return {
    name: spec.name ?? '',
    lambdaMode: range ? 'range' : 'list',
    lambdaList: Array.isArray(spec.lambdas) ? listText(spec.lambdas) : '0, 0.01, 0.02',
    lambdaFrom: range?.from ?? 0,
    lambdaTo: range?.to ?? 0.05,
    lambdaStep: range?.step ?? 0.005,
    runsPerLambda: spec.runsPerLambda,
    datasets: [...spec.datasets],
    repeats: spec.repeats,
    subsampleAll: spec.subsample === null,
    subsample: spec.subsample ?? 10_000,
    alphaInitKind: spec.alphaInit.kind,
    alphaGrid: listText(spec.alphaInit.kind === 'grid' ? spec.alphaInit.grid : DEFAULT_ALPHA_GRID),
    alphaValues: spec.alphaInit.kind === 'explicit' ? listText(spec.alphaInit.values) : '0.5',
    penalty: spec.penalty,
    epochs: spec.epochs,
    batchSize: spec.batchSize,
    lr: spec.lr,
    momentum: spec.momentum,
    recordEvery: spec.recordEvery,
    seed: spec.seed,
    seeding: spec.seeding,
    convs: spec.network.convs.map((c) => ({ ...c }))
  }
}

/**
 * A preset as a form. `original-code` trains on the official split where the
 * back end offers it (`trainable` lists what it can train on), as the study did.
 */
export function presetForm(name: PresetName, trainable: readonly string[] = []): SweepForm {
  const form = formFromSpec(PRESETS[name])
  if (name === 'original-code' && trainable.includes(OFFICIAL_DATASET)) form.datasets = [OFFICIAL_DATASET]
  return form
}

export function newConvLayer(): ConvForm {
  return { ...PAPER_NETWORK.convs[PAPER_NETWORK.convs.length - 1] }
}

const num = (v: NumInput): number => (v === '' ? Number.NaN : v)

/** Numbers from "0, 0.01 0.02; 0.03"; words that are not numbers become errors. */
export function parseNumberList(text: string): { values: number[]; bad: string[] } {
  const tokens = text.split(/[\s,;]+/).filter((t) => t.length > 0)
  const values: number[] = []
  const bad: string[] = []
  for (const t of tokens) {
    const v = Number(t)
    if (Number.isFinite(v)) values.push(v)
    else bad.push(t)
  }
  return { values, bad }
}

function listErrors(key: string, text: string, errors: FieldErrors): number[] {
  const { values, bad } = parseNumberList(text)
  if (bad.length) addError(errors, key, `not a number: ${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ' …' : ''}`)
  return values
}

function addError(errors: FieldErrors, key: string, message: string): void {
  const list = (errors[key] ??= [])
  if (!list.includes(message)) list.push(message)
}

/** The spec the form describes (numbers may be NaN; the schema reports them), plus list-parsing errors. */
export function specFromForm(form: SweepForm): { spec: SweepSpecInput; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const lambdas =
    form.lambdaMode === 'list'
      ? listErrors('lambdas', form.lambdaList, errors)
      : { from: num(form.lambdaFrom), to: num(form.lambdaTo), step: num(form.lambdaStep) }
  const alphaInit =
    form.alphaInitKind === 'grid'
      ? { kind: 'grid' as const, grid: listErrors('alphaInit.grid', form.alphaGrid, errors) }
      : { kind: 'explicit' as const, values: listErrors('alphaInit.values', form.alphaValues, errors) }
  const convs: ConvLayerConfig[] = form.convs.map((c) => ({ outChannels: num(c.outChannels), kernel: num(c.kernel), stride: num(c.stride), alpha: c.alpha }))
  const name = form.name.trim()
  const spec: SweepSpecInput = {
    ...(name ? { name } : {}),
    lambdas,
    runsPerLambda: num(form.runsPerLambda),
    datasets: [...form.datasets],
    repeats: num(form.repeats),
    subsample: form.subsampleAll ? null : num(form.subsample),
    alphaInit,
    penalty: form.penalty,
    epochs: num(form.epochs),
    batchSize: num(form.batchSize),
    lr: num(form.lr),
    momentum: num(form.momentum),
    network: { convs },
    recordEvery: num(form.recordEvery),
    seed: num(form.seed),
    seeding: form.seeding
  }
  return { spec, errors }
}

interface IssueLike {
  code: string
  path: readonly PropertyKey[]
  message: string
  minimum?: unknown
  maximum?: unknown
  inclusive?: boolean
  origin?: string
  expected?: string
  received?: string
}

/** Zod's generic messages, said the way a form says them; the schema's own messages are kept. */
export function friendlyMessage(issue: IssueLike): string {
  const generic = /^(Too (big|small)|Invalid input)/.test(issue.message)
  if (!generic) return issue.message
  if (issue.code === 'invalid_type' && issue.expected === 'number') return 'enter a number'
  if (issue.code === 'invalid_type' && issue.expected === 'int') return 'enter a whole number'
  if (issue.code === 'too_small' && issue.origin === 'array') return 'give at least one value'
  if (issue.code === 'too_big' && issue.origin === 'array') return `at most ${String(issue.maximum)} values`
  if (issue.code === 'too_small' && issue.origin === 'string') return 'must not be empty'
  if (issue.code === 'too_big' && issue.origin === 'string') return `at most ${String(issue.maximum)} characters`
  if (issue.code === 'too_small') return `must be ${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}`
  if (issue.code === 'too_big') return `must be ${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}`
  return issue.message
}

/**
 * Field key of an issue path. List fields collapse their element index
 * (['lambdas', 2] → 'lambdas'); network layers keep theirs
 * (['network', 'convs', 1, 'kernel'] → 'network.convs.1.kernel').
 */
export function fieldKey(path: readonly PropertyKey[]): string {
  const parts = path.map(String)
  if (parts[0] === 'lambdas' && parts.length === 2 && /^\d+$/.test(parts[1])) return 'lambdas'
  if (parts[0] === 'alphaInit' && parts.length === 3) return `alphaInit.${parts[1]}`
  if (parts[0] === 'datasets') return 'datasets'
  return parts.join('.') || 'form'
}

export function validateForm(form: SweepForm): FormValidation {
  const { spec, errors } = specFromForm(form)
  const parsed = SweepSpecSchema.safeParse(spec)
  if (!parsed.success) for (const issue of parsed.error.issues) addError(errors, fieldKey(issue.path), friendlyMessage(issue))
  const ok = parsed.success && Object.keys(errors).length === 0
  return { spec: ok ? parsed.data : null, errors }
}
