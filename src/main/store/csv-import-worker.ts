/**
 * Worker thread: imports one original-study CSV into the store file on a
 * connection of its own, so parsing and inserting a large file (hundreds of
 * MB) never blocks the main thread that serves the UI, the API and training
 * bookkeeping. Started by importCsvOffThread (csv-import-thread.ts).
 */
import { parentPort, workerData } from 'node:worker_threads'
import { importOriginalCsv, type CsvImportOptions } from './csv-import'
import { StoreError } from './errors'
import { openStore } from './store'

interface Job {
  dbPath: string
  opts: CsvImportOptions
}

const { dbPath, opts } = workerData as Job
parentPort!.once('message', (bytes: Uint8Array) => {
  try {
    const text = new TextDecoder().decode(bytes)
    const store = openStore(dbPath, { create: false })
    try {
      parentPort!.postMessage({ ok: true, result: importOriginalCsv(store, text, opts) })
    } finally {
      store.close()
    }
  } catch (err) {
    parentPort!.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err), user: err instanceof StoreError })
  }
})
