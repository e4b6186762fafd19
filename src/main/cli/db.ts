import { existsSync } from 'node:fs'
import { openStore, type Store } from '../store'
import { defaultDbPath } from '../paths'
import { CliError } from './args'

export const DB_FLAG = { db: { type: 'string' } } as const

/**
 * Opens the database named by --db (else $ALPHA_WB_DB, else the app's). Only
 * commands that add data create a missing file; the others say it is missing.
 */
export function openDb(dbFlag: string | undefined, opts: { create: boolean; write?: boolean }): { store: Store; path: string } {
  const path = dbFlag ?? defaultDbPath()
  if (!opts.create && !existsSync(path)) throw new CliError(`no database at ${path} (queue a sweep or import a CSV first, or pass --db PATH)`)
  // Read commands open read-only: they never write (not even a schema into an empty file) and work on read-only files.
  // Commands that change existing runs (`write`) open it writable but never create it.
  return { store: openStore(path, opts.create ? { create: true } : opts.write ? { create: false } : { readonly: true }), path }
}

/** Dataset names: exact names, or a base name ('fashion-mnist') matching all its subsamples ('fashion-mnist:10000:s0'). */
export function matchDatasets(store: Store, wanted: string[]): string[] {
  const all = store.listDatasets().map((d) => d.name)
  const out = new Set<string>()
  for (const w of wanted) {
    const hits = all.filter((n) => n === w || n.startsWith(`${w}:`))
    if (hits.length === 0) throw new CliError(`no dataset '${w}' in the database (known: ${all.join(', ') || 'none'})`)
    hits.forEach((h) => out.add(h))
  }
  return [...out]
}
