import { DEFAULT_COLLAPSE_THRESHOLD } from '../analysis'
import { collectSurvival } from '../reports/collect'
import type { SurvivalCurve } from '../../shared/results'
import { numberFlag, parseCommand } from './args'
import { DB_FLAG, openDb } from './db'
import { datasetFlag, sweepFlag } from './stats'
import { formatTable } from './table'

export const SURVIVAL_HELP = `survival [--sweep ID | --dataset NAME …] [--threshold T] [--pool] [--json] [--db PATH]
  Time to collapse: for each α, the first recorded step after which it stays
  ≤ T (default ${DEFAULT_COLLAPSE_THRESHOLD}) to the end; an α that ends above T is censored at its
  last step. Kaplan–Meier curves per dataset and λ and per dataset, with
  Greenwood standard errors and 95% intervals, the median time to collapse,
  and log-rank tests between datasets (within each λ) and between λ values.
  --pool adds curves per λ over all selected datasets. --json prints
  {threshold, reconstructed_steps, curves: [{dataset, lambda, n, events, times,
  surv, se, ci_low, ci_high, median, median_ci_low, median_ci_high, last_step}],
  tests: [{kind, groups, stratified, stat, df, p, sentence}]}.`

function median(c: SurvivalCurve): string {
  if (c.median === null) return 'not reached'
  return `${c.median} [${c.median_ci_low ?? '—'}, ${c.median_ci_high ?? '∞'}]`
}

export async function survival(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    { ...DB_FLAG, sweep: { type: 'string' }, dataset: { type: 'string', multiple: true }, threshold: { type: 'string' }, pool: { type: 'boolean' }, json: { type: 'boolean' } },
    true
  )
  const threshold = numberFlag('threshold', values.threshold, DEFAULT_COLLAPSE_THRESHOLD, { min: 0, max: 1 })
  const { store } = openDb(values.db, { create: false })
  try {
    const sweepId = sweepFlag(store, values.sweep)
    const datasets = datasetFlag(store, values.dataset, positionals)
    const result = collectSurvival(store, { sweepId, datasets, threshold, pool: values.pool })
    if (values.json) {
      console.log(JSON.stringify(result, null, 2))
      return 0
    }
    if (result.curves.length === 0) {
      console.log('no finished runs match')
      return 0
    }
    console.log(`time to collapse (steps; final α ≤ ${threshold}), Kaplan–Meier; median [95% interval]`)
    if (result.reconstructed_steps) console.log('imported runs: their step axis is reconstructed from the recording cadence')
    console.log(
      formatTable(
        ['dataset', 'λ', 'α', 'collapsed', 'median step', 'survival at end'],
        result.curves.map((c) => [c.dataset ?? '', c.lambda ?? 'all', c.n, c.events, median(c), c.surv.length ? c.surv[c.surv.length - 1].toFixed(3) : '1.000']),
        ['l', 'r', 'r', 'r', 'r', 'r']
      )
    )
    for (const t of result.tests) console.log(t.sentence)
    return 0
  } finally {
    store.close()
  }
}
