import { collapseTable, DEFAULT_COLLAPSE_THRESHOLD } from '../analysis'
import { CliError, numberFlag, parseCommand } from './args'
import { DB_FLAG, matchDatasets, openDb } from './db'
import { formatTable } from './table'

export const STATS_HELP = `stats [--sweep ID | --dataset NAME …] [--threshold T] [--json] [--db PATH]
  The collapse table: for each dataset and λ, the share of final α ≤ T
  (default ${DEFAULT_COLLAPSE_THRESHOLD}) with a Wilson 95% interval, overall and per α_i. Without a
  filter: every dataset in the database. --json prints an array of
  {dataset, lambda, n, collapsed, pct, ci_low, ci_high, per_alpha, runs}.`

export async function stats(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    ...DB_FLAG,
    sweep: { type: 'string' },
    dataset: { type: 'string', multiple: true },
    threshold: { type: 'string' },
    json: { type: 'boolean' }
  })
  const threshold = numberFlag('threshold', values.threshold, DEFAULT_COLLAPSE_THRESHOLD, { min: 0, max: 1 })
  const { store } = openDb(values.db, { create: false })
  try {
    const sweepId = values.sweep === undefined ? undefined : numberFlag('sweep', values.sweep, 0, { min: 1, integer: true })
    if (sweepId !== undefined && !store.getSweep(sweepId)) throw new CliError(`no sweep #${sweepId} in the database`)
    const datasets = values.dataset?.length ? matchDatasets(store, values.dataset) : undefined
    const table = collapseTable(store.listFinalAlphas({ sweepId, datasets }), { threshold })
    if (values.json) {
      console.log(JSON.stringify(table, null, 2))
      return 0
    }
    if (table.length === 0) {
      console.log('no finished runs match')
      return 0
    }
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
    return 0
  } finally {
    store.close()
  }
}
