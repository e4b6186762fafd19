import type { EnginePreference } from '../../shared/constants'
import type { NetworkConfig } from '../../shared/network'
import type { TfjsBackendName, TfjsBackendReport } from './tfjs-backend'
import { createNativeEngine, nativeAvailable, supportsNetwork } from './native-engine'
import type { EngineKind, EngineOptions, StepEngine } from './types'

export type { EnginePreference } from '../../shared/constants'

export interface EngineChoice {
  kind: EngineKind
  /** TF.js backend name, or the native kernel's instruction set. */
  backend: string
  /** Why the other engine was not used, for `doctor` and run metadata. */
  notes: string[]
  tfjs?: TfjsBackendReport
}

type TfjsEngineModule = typeof import('./tfjs-engine')
/** TF.js is loaded only when it trains: a worker on the native path never pays its start-up. */
let tfjsEngine: TfjsEngineModule | null = null

/** Decides the engine for a network (loading TF.js if it is the one) without creating an engine. */
export async function chooseEngine(pref: EnginePreference, net: NetworkConfig, tfjsBackend?: TfjsBackendName): Promise<EngineChoice> {
  const notes: string[] = []
  if (pref !== 'tfjs') {
    const native = nativeAvailable()
    if (native.ok && supportsNetwork(net)) return { kind: 'native', backend: native.isa, notes }
    const why = native.ok ? 'the native kernel does not support this network shape' : native.reason
    if (pref === 'native') throw new Error(`native engine unavailable: ${why}`)
    notes.push(`native engine not used: ${why}`)
  }
  const { initTfjs } = await import('./tfjs-backend')
  const tfjs = await initTfjs(tfjsBackend)
  tfjsEngine ??= await import('./tfjs-engine')
  return { kind: 'tfjs', backend: tfjs.active, notes, tfjs }
}

/** Creates the engine `chooseEngine` picked. */
export function createEngine(choice: EngineChoice, opts: EngineOptions): StepEngine {
  if (choice.kind === 'native') return createNativeEngine(opts)
  if (!tfjsEngine) throw new Error('TF.js is not loaded: call chooseEngine first')
  return tfjsEngine.createTfjsEngine(opts)
}
