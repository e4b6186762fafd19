/** A run's display name, notes and tags (schema v8): labels only, never read by training or statistics. */
import { RunEditSchema, type RunEdit } from '../../shared/run-labels'
import type { TagCount } from '../../shared/results'
import { formatIssues } from '../../shared/validation'
import { StoreError } from './errors'
import type { Sql } from './sql'

/** Changes what the edit names (validated here too: the CLI writes without the API); allowed in any status. */
export function editRun(sql: Sql, runId: number, edit: RunEdit): void {
  const parsed = RunEditSchema.safeParse(edit)
  if (!parsed.success) throw new StoreError(`run ${runId}: ${formatIssues(parsed.error.issues)}`)
  const { name, notes, tags } = parsed.data
  sql.write(() => {
    if (!sql.stmt('SELECT 1 FROM runs WHERE id = ?').get(runId)) throw new StoreError(`no run with id ${runId}`, 404)
    if (name !== undefined) sql.stmt('UPDATE runs SET name = ? WHERE id = ?').run(name, runId)
    if (notes !== undefined) sql.stmt('UPDATE runs SET notes = ? WHERE id = ?').run(notes, runId)
    if (tags !== undefined) {
      sql.stmt('DELETE FROM run_tags WHERE run_id = ?').run(runId)
      const insert = sql.stmt('INSERT INTO run_tags (run_id, tag, pos) VALUES (?, ?, ?)')
      tags.forEach((tag, pos) => insert.run(runId, tag, pos))
    }
  })
}

/** Every tag in use with its number of runs, by tag (one scan of run_tags_by_tag). */
export function listTags(sql: Sql): TagCount[] {
  return sql.stmt('SELECT tag, COUNT(*) AS runs FROM run_tags GROUP BY tag ORDER BY tag').all() as TagCount[]
}
