import { writeFileSync } from 'node:fs'
import { DEFAULT_COLLAPSE_THRESHOLD } from '../analysis'
import { renderReport } from '../reports/html'
import { CliError, numberFlag, parseCommand } from './args'
import { DB_FLAG, openDb } from './db'
import { datasetFlag, sweepFlag } from './stats'

export const REPORT_HELP = `report [--sweep ID] [--dataset NAME …] --out FILE.html [--threshold T] [--pool] [--db PATH]
  Writes one self-contained HTML file: Figures 1–7, the collapse tables, the
  fits and tests (in plain words), time to collapse, the sweeps' specs, every
  run's seeds, config and engine, and the versions. ECharts and the data are
  inlined: it opens offline in any browser.`

export async function report(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    { ...DB_FLAG, sweep: { type: 'string' }, dataset: { type: 'string', multiple: true }, out: { type: 'string' }, threshold: { type: 'string' }, pool: { type: 'boolean' } },
    true
  )
  if (!values.out) throw new CliError('report needs --out FILE.html')
  const threshold = numberFlag('threshold', values.threshold, DEFAULT_COLLAPSE_THRESHOLD, { min: 0, max: 1 })
  const { store } = openDb(values.db, { create: false })
  try {
    const sweepId = sweepFlag(store, values.sweep)
    const datasets = datasetFlag(store, values.dataset, positionals)
    if (store.listFinalAlphasLean({ sweepId, datasets }).length === 0) throw new CliError('no finished runs match: nothing to report')
    const html = renderReport(store, { sweepId, datasets, threshold, pool: values.pool })
    try {
      writeFileSync(values.out, html)
    } catch (e) {
      throw new CliError(`cannot write ${values.out}: ${(e as Error).message}`)
    }
    console.log(`${values.out}: ${(html.length / 1024).toFixed(0)} KiB`)
    return 0
  } finally {
    store.close()
  }
}
