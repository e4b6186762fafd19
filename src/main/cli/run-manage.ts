import { echo } from '../../shared/echo'
import type { RunEdit } from '../../shared/run-labels'
import { CliError, parseCommand } from './args'
import { DB_FLAG, openDb } from './db'

export const RUN_EDIT_HELP = `run-edit ID [--name TEXT] [--notes TEXT] [--tags A,B] [--add-tag T] [--remove-tag T] [--db PATH]
  Names, tags or annotates a run (--name '' or --notes '' clears; --tags '' removes all tags).`
export const RUN_DELETE_HELP = `run-delete ID [--db PATH]
  Deletes one run with its history (refused while it trains: cancel it first).`
export const RUN_RETRY_HELP = `run-retry ID [--db PATH]
  Puts a failed or cancelled run back in the queue (same id, config, seeds), from its
  checkpoint if it has one; the app or \`sweep --resume\` trains it.`

function runId(positionals: string[], command: string): number {
  if (positionals.length !== 1) throw new CliError(`${command} takes one run id`)
  const id = Number(positionals[0])
  if (!Number.isInteger(id) || id < 1) throw new CliError(`${command}: a run id is a whole number ≥ 1, got '${echo(positionals[0])}'`)
  return id
}

const tagList = (text: string): string[] => text.split(',').filter((t) => t.trim() !== '')

export async function runEdit(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    { ...DB_FLAG, name: { type: 'string' }, notes: { type: 'string' }, tags: { type: 'string' }, 'add-tag': { type: 'string', multiple: true }, 'remove-tag': { type: 'string', multiple: true } },
    true
  )
  const id = runId(positionals, 'run-edit')
  const adds = values['add-tag'] ?? []
  const removes = new Set((values['remove-tag'] ?? []).map((t) => t.trim()))
  if (values.tags !== undefined && (adds.length > 0 || removes.size > 0)) throw new CliError('--tags replaces all tags: give it alone, or use --add-tag / --remove-tag')
  const { store } = openDb(values.db, { create: false, write: true })
  try {
    const run = store.getRun(id)
    if (!run) throw new CliError(`no run #${id}`)
    const edit: RunEdit = {}
    if (values.name !== undefined) edit.name = values.name
    if (values.notes !== undefined) edit.notes = values.notes
    if (values.tags !== undefined) edit.tags = tagList(values.tags)
    else if (adds.length > 0 || removes.size > 0) edit.tags = [...run.tags.filter((t) => !removes.has(t)), ...adds.map((t) => t.trim()).filter((t) => !run.tags.includes(t))]
    if (Object.keys(edit).length === 0) throw new CliError('run-edit needs --name, --notes, --tags, --add-tag or --remove-tag')
    store.editRun(id, edit)
    const after = store.getRun(id)!
    console.log(`run #${id}${after.name ? ` “${after.name}”` : ''}: tags ${after.tags.join(', ') || 'none'}${after.notes ? '; has notes' : ''}`)
    return 0
  } finally {
    store.close()
  }
}

export async function runDelete(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, DB_FLAG, true)
  const id = runId(positionals, 'run-delete')
  const { store } = openDb(values.db, { create: false, write: true })
  try {
    store.deleteRun(id)
    console.log(`deleted run #${id}`)
    return 0
  } finally {
    store.close()
  }
}

export async function runRetry(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, DB_FLAG, true)
  const id = runId(positionals, 'run-retry')
  const { store } = openDb(values.db, { create: false, write: true })
  try {
    store.retryRun(id)
    const run = store.getRun(id)!
    console.log(`run #${id} is queued again${run.stepsDone > 0 ? ` from step ${run.stepsDone}` : ''}; the app trains it, or: sweep --resume --sweep ${run.sweepId}`)
    return 0
  } finally {
    store.close()
  }
}
