import { TrainConfigSchema } from '@shared/config'
import { SweepSpecSchema, expandLambdas } from '@shared/sweep-spec'
import { fmtLambda } from './format'

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/** One line saying what a sweep trains: a spec from the form, a re-run, or an imported CSV. */
export function sweepSummary(spec: unknown): string {
  const parsed = SweepSpecSchema.safeParse(spec)
  if (parsed.success) {
    const s = parsed.data
    const datasets = s.datasets.join(', ') + (s.repeats > 1 ? ` × ${s.repeats} repeats` : '')
    return `${expandLambdas(s.lambdas).length} λ × ${plural(s.runsPerLambda, 'run')} · ${datasets} · ${s.subsample ?? 'all'} images · ${plural(s.epochs, 'epoch')} · ${s.penalty.toUpperCase()}`
  }
  if (typeof spec === 'object' && spec !== null) {
    if ('rerunOf' in spec) {
      const config = 'config' in spec ? TrainConfigSchema.safeParse(spec.config) : null
      const c = config?.success ? config.data : null
      return `re-run of run #${String(spec.rerunOf)}${c ? ` · ${c.dataset} · λ ${fmtLambda(c.lambda)} · ${plural(c.epochs, 'epoch')} · ${c.penalty.toUpperCase()}` : ''}`
    }
    if ('kind' in spec && spec.kind === 'imported-csv') {
      return `imported from ${'file' in spec ? String(spec.file) : 'a CSV file'}${'runs' in spec ? ` · ${String(spec.runs)} runs` : ''}`
    }
  }
  return ''
}
