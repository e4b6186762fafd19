import { DEFAULT_COLLAPSE_THRESHOLD } from '../analysis'
import { collectCollapse, collectFits, collectRunCollapse } from '../reports/collect'
import type { Store } from '../store'
import type { CollapseRow, DoseFit } from '../../shared/results'
import { CliError, numberFlag, parseCommand } from './args'
import { DB_FLAG, matchDatasets, openDb } from './db'
import { formatTable } from './table'

export const STATS_HELP = `stats [--sweep ID | --dataset NAME …] [--threshold T] [--pool] [--runs | --fit] [--json] [--db PATH]
  The collapse table: for each dataset and λ, the share of final α ≤ T
  (default ${DEFAULT_COLLAPSE_THRESHOLD}, compared at float32 precision so an α of exactly 0.05
  counts, as in the study) with a Wilson 95% interval, overall and per α_i.
  Without a filter: every dataset in the database. --json prints an array of
  {dataset, lambda, n, collapsed, pct, ci_low, ci_high, per_alpha, runs, repeats}.
  Every table counts one experiment once: a run with the same dataset, λ,
  config, seeds and initial α as one already counted (a re-run, or a sweep
  queued twice with one seed) is left out, and \`repeats\` says how many were.
  --dataset takes several names (--dataset A B C); a base name matches all its repeats.
  --pool   adds rows pooling every selected dataset (dataset "pooled").
  --runs   run-level table instead: runs with any α / all α collapsed, Wilson
           intervals over runs ({dataset, lambda, runs, any_collapsed, any_pct,
           any_ci_low, any_ci_high, all_collapsed, all_pct, all_ci_low, all_ci_high}).
  --fit    logistic fit of collapse on λ per dataset and per α_i (and pooled
           with --pool): b0, b1, standard errors (model and cluster-robust by
           run), λ50 = −b0/b1 with delta-method 95% intervals. --json prints an
           array of {dataset, pooled, alpha_index, n, b0, b1, se_b0, se_b1,
           lambda50, lambda50_ci_low, lambda50_ci_high, …, tests}; each all-α
           fit's tests hold the likelihood-ratio tests {kind, datasets, stat,
           df, p} that the α_i (and, pooled, the datasets) share one curve.
           A separated fit is "not identifiable": its estimates are null.`

/** --sweep ID of a read command: undefined when not given, else a sweep that exists. */
export function sweepFlag(store: Store, flag: string | undefined): number | undefined {
  if (flag === undefined) return undefined
  const sweepId = numberFlag('sweep', flag, 0, { min: 1, integer: true })
  if (!store.getSweep(sweepId)) throw new CliError(`no sweep #${sweepId} in the database`)
  return sweepId
}

/** --dataset A B C: parseArgs takes one value per flag, so the names after the first come as positionals. */
export function datasetFlag(store: Store, flag: string[] | undefined, positionals: string[]): string[] | undefined {
  if (positionals.length > 0 && !flag?.length) throw new CliError(`unexpected argument '${positionals[0]}' (dataset names go after --dataset)`)
  const names = [...(flag ?? []), ...positionals]
  return names.length ? matchDatasets(store, names) : undefined
}

function num(v: number | null, digits = 4): string {
  return v === null ? '—' : Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toFixed(digits)
}

function printFits(fits: DoseFit[], threshold: number): void {
  console.log(`logistic fit of collapsed (final α ≤ ${threshold}) on λ; λ50 = −b0/b1, delta-method 95% interval (model | cluster-robust by run)`)
  console.log(
    formatTable(
      ['dataset', 'α', 'n', 'b0 (se)', 'b1 (se | cluster se)', 'λ50 [95%]', 'λ50 cluster [95%]'],
      fits.map((f) => [
        f.dataset ?? `pooled (${(f.pooled ?? []).length})`,
        f.alpha_index === null ? 'all' : `α${f.alpha_index}`,
        f.n,
        f.identifiable ? `${num(f.b0, 3)} (${num(f.se_b0, 3)})` : 'not identifiable',
        f.identifiable ? `${num(f.b1, 2)} (${num(f.se_b1, 2)} | ${num(f.cluster_se_b1, 2)})` : '',
        f.identifiable ? `${num(f.lambda50)} [${num(f.lambda50_ci_low)}, ${num(f.lambda50_ci_high)}]` : '',
        f.identifiable ? `[${num(f.lambda50_cluster_ci_low)}, ${num(f.lambda50_cluster_ci_high)}]` : ''
      ]),
      ['l', 'l', 'r', 'r', 'r', 'r', 'r']
    )
  )
  for (const f of fits) if (f.problem) console.log(`${f.dataset ?? 'pooled'}${f.alpha_index === null ? '' : ` α${f.alpha_index}`}: ${f.problem}`)
  for (const t of fits.flatMap((f) => f.tests)) console.log(t.sentence)
}

/** The line that says how many runs were left out as repeats, or nothing. */
export function repeatsNote(rows: readonly { repeats: number }[]): string | null {
  const n = rows.reduce((s, r) => s + r.repeats, 0)
  return n === 0 ? null : `${n} run${n === 1 ? '' : 's'} left out: ${n === 1 ? 'it repeats' : 'they repeat'} a config already counted (same dataset, λ, config, seeds and initial α)`
}

function printCollapse(table: CollapseRow[], threshold: number): void {
  const pct = (p: number, lo: number, hi: number): string => `${p.toFixed(1)}% [${lo.toFixed(1)}, ${hi.toFixed(1)}]`
  const nAlpha = Math.max(...table.map((r) => r.per_alpha.length))
  console.log(`α collapsed: final α ≤ ${threshold}; Wilson 95% intervals`)
  console.log(
    formatTable(
      ['dataset', 'λ', 'runs', 'collapsed', 'all α', ...Array.from({ length: nAlpha }, (_, i) => `α${i}`)],
      table.map((r) => [
        r.dataset,
        r.lambda,
        r.runs,
        `${r.collapsed}/${r.n}`,
        pct(r.pct, r.ci_low, r.ci_high),
        ...Array.from({ length: nAlpha }, (_, i) => {
          const a = r.per_alpha[i]
          return a ? `${a.collapsed}/${a.n} ${a.pct.toFixed(0)}%` : ''
        })
      ]),
      ['l', 'r', 'r', 'r', 'r', ...Array<'r'>(nAlpha).fill('r')]
    )
  )
  const note = repeatsNote(table)
  if (note) console.log(note)
}

export async function stats(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      ...DB_FLAG,
      sweep: { type: 'string' },
      dataset: { type: 'string', multiple: true },
      threshold: { type: 'string' },
      pool: { type: 'boolean' },
      runs: { type: 'boolean' },
      fit: { type: 'boolean' },
      json: { type: 'boolean' }
    },
    true
  )
  if (values.runs && values.fit) throw new CliError('--runs and --fit are two different tables; give one')
  const threshold = numberFlag('threshold', values.threshold, DEFAULT_COLLAPSE_THRESHOLD, { min: 0, max: 1 })
  const { store } = openDb(values.db, { create: false })
  try {
    const sweepId = sweepFlag(store, values.sweep)
    const datasets = datasetFlag(store, values.dataset, positionals)
    if (values.fit) {
      const { fits } = collectFits(store, { sweepId, datasets, threshold, pool: values.pool })
      if (values.json) console.log(JSON.stringify(fits, null, 2))
      else if (fits.length === 0) console.log('no finished runs match')
      else printFits(fits, threshold)
      return 0
    }
    const filter = { sweepId, datasets, threshold, pool: values.pool }
    if (values.runs) {
      const table = collectRunCollapse(store, filter)
      if (values.json) console.log(JSON.stringify(table, null, 2))
      else if (table.length === 0) console.log('no finished runs match')
      else {
        const pct = (k: number, p: number, lo: number, hi: number): string => `${k} ${p.toFixed(0)}% [${lo.toFixed(0)}, ${hi.toFixed(0)}]`
        console.log(`runs with any / all α collapsed (final α ≤ ${threshold}); Wilson 95% intervals over runs`)
        console.log(
          formatTable(
            ['dataset', 'λ', 'runs', 'any α', 'all α'],
            table.map((r) => [r.dataset, r.lambda, r.runs, pct(r.any_collapsed, r.any_pct, r.any_ci_low, r.any_ci_high), pct(r.all_collapsed, r.all_pct, r.all_ci_low, r.all_ci_high)]),
            ['l', 'r', 'r', 'r', 'r']
          )
        )
        const note = repeatsNote(table)
        if (note) console.log(note)
      }
      return 0
    }
    const table = collectCollapse(store, filter)
    if (values.json) console.log(JSON.stringify(table, null, 2))
    else if (table.length === 0) console.log('no finished runs match')
    else printCollapse(table, threshold)
    return 0
  } finally {
    store.close()
  }
}
