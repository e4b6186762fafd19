import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker, type WorkerOptions } from 'node:worker_threads'

/**
 * Starts the worker `name` (a module beside the caller, e.g. 'train-worker'):
 * its compiled .js when it exists (the built app), else its .ts through tsx.
 */
export function startWorker(baseUrl: string, name: string, options: WorkerOptions = {}): Worker {
  const built = new URL(`./${name}.js`, baseUrl)
  if (existsSync(fileURLToPath(built))) return new Worker(built, options)
  const source = new URL(`./${name}.ts`, baseUrl)
  if (!existsSync(fileURLToPath(source))) throw new Error(`worker ${name} not found beside ${fileURLToPath(baseUrl)}`)
  const boot = new URL('./worker-boot.mjs', import.meta.url)
  return new Worker(boot, { ...options, workerData: { ...(options.workerData as object), entry: source.href } })
}
