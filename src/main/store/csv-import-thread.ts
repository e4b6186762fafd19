import { startWorker } from '../engine/worker-entry'
import { importOriginalCsv, type CsvImportOptions, type CsvImportResult } from './csv-import'
import { StoreError } from './errors'
import type { Store } from './store'

type Reply = { ok: true; result: CsvImportResult } | { ok: false; message: string; user: boolean }

/**
 * Imports CSV text like importOriginalCsv, but parses and writes it on a
 * worker thread with its own connection to the same file (the text is handed
 * over as bytes, not copied). An in-memory store has no file to share, so it
 * is imported here.
 */
export async function importCsvOffThread(store: Store, text: string, opts: CsvImportOptions): Promise<CsvImportResult> {
  if (store.path === ':memory:') return importOriginalCsv(store, text, opts)
  const bytes = new TextEncoder().encode(text)
  const worker = startWorker(import.meta.url, 'csv-import-worker', { workerData: { dbPath: store.path, opts } })
  try {
    const reply = await new Promise<Reply>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`the CSV import thread stopped (exit code ${code})`)))
      worker.postMessage(bytes, [bytes.buffer])
    })
    if (reply.ok) return reply.result
    throw reply.user ? new StoreError(reply.message) : new Error(reply.message)
  } finally {
    await worker.terminate()
  }
}
