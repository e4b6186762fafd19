import { echo } from '../../shared/echo'
import { RUN_STATUSES, type RunStatus } from '../../shared/results'
import { CliError, numberFlag, parseCommand } from './args'
import { DB_FLAG, matchDatasets, openDb } from './db'
import { formatTable } from './table'
import { sweepFlag } from './stats'

export const RUNS_HELP = `runs [--sweep ID] [--dataset NAME] [--status S] [--limit N] [--offset N] [--json] [--db PATH]
  Lists runs: id, sweep, dataset, λ, status, steps, final α, test accuracy.`

export async function runs(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    ...DB_FLAG,
    sweep: { type: 'string' },
    dataset: { type: 'string' },
    status: { type: 'string' },
    limit: { type: 'string' },
    offset: { type: 'string' },
    json: { type: 'boolean' }
  })
  const { store } = openDb(values.db, { create: false })
  try {
    const sweepId = sweepFlag(store, values.sweep)
    if (values.status !== undefined && !(RUN_STATUSES as readonly string[]).includes(values.status)) {
      throw new CliError(`--status must be one of ${RUN_STATUSES.join(', ')}; got '${echo(values.status)}'`)
    }
    const limit = numberFlag('limit', values.limit, 1000, { min: 1, integer: true })
    const offset = numberFlag('offset', values.offset, 0, { min: 0, integer: true })
    const datasets = values.dataset ? matchDatasets(store, [values.dataset]) : [undefined]
    const all = datasets.flatMap((name) => {
      const datasetId = name === undefined ? undefined : store.getDatasetByName(name)!.id
      return store.listRuns({ sweepId, datasetId, status: values.status as RunStatus | undefined, limit, offset }).runs
    })
    if (values.json) {
      console.log(JSON.stringify(all, null, 2))
      return 0
    }
    if (all.length === 0) {
      console.log('no runs match')
      return 0
    }
    const fmt = (a: number[] | null): string => (a ? a.map((x) => x.toFixed(3)).join(' ') : '—')
    console.log(
      formatTable(
        ['run', 'sweep', 'dataset', 'λ', '#', 'status', 'steps', 'α init', 'final α', 'test acc', 'engine'],
        all.map((r) => [
          r.id,
          r.sweepId,
          r.dataset,
          r.lambda,
          r.runIndex,
          r.status,
          `${r.stepsDone}/${r.stepsPlanned ?? '?'}`,
          fmt(r.alphaInit),
          fmt(r.finalAlpha),
          r.testAccuracy === null ? '—' : `${(r.testAccuracy * 100).toFixed(2)}%`,
          r.engine ? `${r.engine.engine}/${r.engine.backend}` : r.imported ? 'imported' : '—'
        ]),
        ['r', 'r', 'l', 'r', 'r', 'l', 'r', 'l', 'l', 'r', 'l']
      )
    )
    return 0
  } finally {
    store.close()
  }
}
