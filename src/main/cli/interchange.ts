import { mkdirSync, writeFileSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import { exportSweepCsv, exportSweepJson, importOriginalCsvFile } from '../store'
import { CliError, numberFlag, oneOf, parseCommand } from './args'
import { DB_FLAG, openDb } from './db'

export const EXPORT_HELP = `export --sweep ID --format csv|json [--out PATH] [--db PATH]
  csv: the original study's format (lambda,alpha0,alpha1,alpha2,iteration),
  one file per dataset; to stdout for one dataset, else --out names a folder.
  json: every run with its full config, α history and metrics.`

export const IMPORT_HELP = `import FILE… [--name NAME] [--record-every N] [--batches-per-epoch B] [--db PATH]
  Imports the original study's CSV files, each as one dataset named NAME (or
  NAME-1, NAME-2, … for several files) or after the file. The files have no
  step column: the step axis is reconstructed from the cadence, α recorded
  after batch 0, N, 2N, … of every B-batch epoch (default N = 100, B = 938,
  the study's); --batches-per-epoch 0 places row k at step k × N instead.`

export async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { ...DB_FLAG, sweep: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } })
  if (values.sweep === undefined) throw new CliError('export needs --sweep ID')
  const sweepId = numberFlag('sweep', values.sweep, 0, { min: 1, integer: true })
  const format = oneOf('format', values.format, ['csv', 'json'] as const, 'csv')
  const { store } = openDb(values.db, { create: false })
  try {
    if (!store.getSweep(sweepId)) throw new CliError(`no sweep #${sweepId} in the database`)
    if (format === 'json') {
      const text = JSON.stringify(exportSweepJson(store, sweepId))
      if (values.out) writeFileSync(values.out, text)
      else process.stdout.write(text + '\n')
      return 0
    }
    const files = exportSweepCsv(store, sweepId)
    if (files.length === 0) throw new CliError(`sweep #${sweepId} has no finished runs to export`)
    if (files.length === 1 && (!values.out || extname(values.out) === '.csv')) {
      if (values.out) writeFileSync(values.out, files[0].csv)
      else process.stdout.write(files[0].csv)
      return 0
    }
    if (!values.out) throw new CliError(`sweep #${sweepId} spans ${files.length} datasets: give --out FOLDER for one CSV each`)
    mkdirSync(values.out, { recursive: true })
    for (const f of files) {
      const file = join(values.out, `${f.dataset.replace(/[^A-Za-z0-9._-]+/g, '_')}.csv`)
      writeFileSync(file, f.csv)
      console.error(`${file}: ${f.runs} runs`)
    }
    return 0
  } finally {
    store.close()
  }
}

export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { ...DB_FLAG, name: { type: 'string' }, 'record-every': { type: 'string' }, 'batches-per-epoch': { type: 'string' } }, true)
  if (positionals.length === 0) throw new CliError('import needs at least one CSV file')
  const recordEvery = numberFlag('record-every', values['record-every'], 100, { min: 1, integer: true })
  const batchesPerEpoch = numberFlag('batches-per-epoch', values['batches-per-epoch'], 938, { min: 0, integer: true })
  const { store } = openDb(values.db, { create: true })
  try {
    positionals.forEach((file, i) => {
      const datasetName = values.name ? (positionals.length === 1 ? values.name : `${values.name}-${i + 1}`) : basename(file, extname(file))
      const r = importOriginalCsvFile(store, file, { datasetName, recordEvery, batchesPerEpoch })
      console.log(`${file}: dataset '${datasetName}', sweep #${r.sweepId}, ${r.runIds.length} runs, ${r.records} records${r.skipped ? `, ${r.skipped} empty rows skipped` : ''}`)
    })
    return 0
  } finally {
    store.close()
  }
}
