// Entry for worker threads when running from TypeScript sources (CLI, tests):
// registers tsx's loader inside the worker, then imports the real entry. The
// built app (out/main) starts its compiled workers directly instead.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
