import { echo } from '../../shared/echo'
import { RUN_STATUSES, type RunStatus } from '../../shared/results'
import { CliError, numberFlag, parseCommand } from './args'
import { DB_FLAG, matchDatasets, openDb } from './db'
import { formatTable } from './table'
import { sweepFlag } from './stats'

export const RUNS_HELP = `runs [--sweep ID] [--dataset NAME] [--status S] [--tag T] [--limit N] [--offset N] [--json] [--db PATH]
  Lists runs: id, sweep, dataset, λ, status, steps, final α, test accuracy (and name and tags, where given).
  --tag T: runs tagged T (repeat it for runs with any of several tags).`

export async function runs(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, {
    ...DB_FLAG,
    sweep: { type: 'string' },
    dataset: { type: 'string' },
    status: { type: 'string' },
    tag: { type: 'string', multiple: true },
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
      return store.listRuns({ sweepId, datasetId, status: values.status as RunStatus | undefined, tags: values.tag, limit, offset }).runs
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
    // Name and tags only when some run has them, so the usual table stays as it was.
    const labelled = all.some((r) => r.name !== null || r.tags.length > 0)
    console.log(
      formatTable(
        ['run', 'sweep', 'dataset', 'λ', '#', 'status', 'steps', 'α init', 'final α', 'test acc', 'engine', ...(labelled ? ['name', 'tags'] : [])],
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
          r.engine ? `${r.engine.engine}/${r.engine.backend}` : r.imported ? 'imported' : '—',
          ...(labelled ? [r.name ?? '', r.tags.join(', ')] : [])
        ]),
        ['r', 'r', 'l', 'r', 'r', 'l', 'r', 'l', 'l', 'r', 'l', ...(labelled ? (['l', 'l'] as const) : [])]
      )
    )
    return 0
  } finally {
    store.close()
  }
}
