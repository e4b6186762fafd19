import type { AppStatus, WorkbenchApi } from '../shared/api'
import { PAPER_NETWORK } from '../shared/network'
import { chooseEngine } from './engine/select'
import { initTfjs } from './engine/tfjs-backend'
import { defaultDbPath } from './paths'
import { versions } from './versions'

/** Engine, backend and versions, decided once per process. */
export function createStatusService(dbPath = defaultDbPath()): Pick<WorkbenchApi, 'getStatus'> {
  let cached: Promise<AppStatus> | null = null
  const load = async (): Promise<AppStatus> => {
    const tfjs = await initTfjs()
    const choice = await chooseEngine('auto', PAPER_NETWORK)
    return {
      engine: { engine: choice.kind, backend: choice.backend, tfjsBackend: tfjs.active, notes: choice.notes },
      versions: { ...versions() },
      dbPath
    }
  }
  return {
    getStatus: () => (cached ??= load())
  }
}
