import { readFile } from 'node:fs/promises'
import { parentPort, workerData } from 'node:worker_threads'
import { DatasetError, loadDataset, subsample, type Dataset, type ImageSet } from '../data'
import { toDataset } from '../data/build-dataset'
import { decodeCacheFile } from '../data/cache-file'
import { chooseEngine, createEngine, type EngineChoice } from './select'
import { stepsPerEpoch, trainRun } from './trainer'
import type { DatasetFile, FromWorker, ToWorker, TrainWorkerData } from './worker-protocol'
import type { TrainConfig } from '../../shared/config'
import type { TrainCheckpoint } from './trainer'

/**
 * A training worker thread: trains the runs it is sent one after another,
 * keeping datasets and the engine choice warm between runs.
 */
const data = workerData as TrainWorkerData
const cancel = new Int32Array(data.cancelFlag)
const datasets = new Map<string, Promise<Dataset>>()
const choices = new Map<string, Promise<EngineChoice>>()
/** The last training subsample drawn: a sweep's runs share it (same dataset, size and seed). */
let lastSubsample: { key: string; set: ImageSet } | null = null
const port = parentPort!

function send(msg: FromWorker): void {
  port.postMessage(msg)
}

/** A cache file fetched by content hash: fully verified (sha256) and checked against the hash the job names. */
async function datasetFromFile(f: DatasetFile): Promise<Dataset> {
  const contents = decodeCacheFile(await readFile(f.file), f.file)
  if (contents.hash !== f.hash) throw new DatasetError(f.file, `holds dataset ${contents.hash.slice(0, 12)}…, not ${f.hash.slice(0, 12)}…`)
  return toDataset(contents, f.file)
}

function dataset(name: string, file?: DatasetFile): Promise<Dataset> {
  const key = file ? `file:${file.file}` : name
  let p = datasets.get(key)
  if (!p) {
    p = file ? datasetFromFile(file) : loadDataset(name, { cacheDir: data.cacheDir })
    p.catch(() => datasets.delete(key))
    datasets.set(key, p)
  }
  return p
}

function engineChoice(config: TrainConfig): Promise<EngineChoice> {
  const key = JSON.stringify(config.network)
  let p = choices.get(key)
  if (!p) {
    p = chooseEngine(data.engine, config.network, data.tfjsBackend)
    choices.set(key, p)
  }
  return p
}

async function train(runId: number, config: TrainConfig, resume?: TrainCheckpoint, file?: DatasetFile): Promise<void> {
  const ds = await dataset(config.dataset, file)
  const key = `${ds.hash}/${config.subsample}/${config.seeds.subsample}`
  if (lastSubsample?.key !== key) lastSubsample = { key, set: subsample(ds.train, config.subsample, config.seeds.subsample) }
  const trainSet = lastSubsample.set
  const choice = await engineChoice(config)
  const engine = createEngine(choice, config)
  try {
    send({
      type: 'started',
      runId,
      engine: choice.kind,
      backend: choice.backend,
      notes: choice.notes,
      datasetHash: ds.hash,
      trainCount: trainSet.count,
      testCount: ds.test.count,
      totalSteps: stepsPerEpoch(trainSet.count, config.batchSize) * config.epochs,
      resumedAt: resume?.step ?? 0
    })
    const outcome = trainRun(
      config,
      trainSet,
      ds.test,
      engine,
      {
        onChunk: (chunk, totalSteps, checkpoint) => send({ type: 'chunk', runId, chunk, totalSteps, checkpoint }),
        onEpoch: (metrics, checkpoint) => send({ type: 'epoch', runId, metrics, checkpoint }),
        shouldStop: () => Atomics.load(cancel, 0) === runId
      },
      resume
    )
    send({ type: 'done', runId, outcome })
  } finally {
    engine.dispose()
  }
}

// Runs are handled strictly one at a time, in arrival order.
let queue = Promise.resolve()
port.on('message', (msg: ToWorker) => {
  queue = queue.then(() =>
    train(msg.runId, msg.config, msg.resume, msg.datasetFile).catch((err: unknown) =>
      send({ type: 'error', runId: msg.runId, message: err instanceof Error ? err.message : String(err) })
    )
  )
})
