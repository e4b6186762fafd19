import type { NetworkConfig } from '../../shared/network'
import { initTfjs, type TfjsBackendName, type TfjsBackendReport } from './tfjs-backend'
import { createTfjsEngine } from './tfjs-engine'
import { createNativeEngine, nativeAvailable, supportsNetwork } from './native-engine'
import type { EngineKind, EngineOptions, StepEngine } from './types'

/** Which engine trains: the native kernel where it supports the network, else TF.js; or forced. */
export type EnginePreference = 'auto' | EngineKind

export interface EngineChoice {
  kind: EngineKind
  /** TF.js backend name, or the native kernel's instruction set. */
  backend: string
  /** Why the other engine was not used, for `doctor` and run metadata. */
  notes: string[]
  tfjs?: TfjsBackendReport
}

/** Decides the engine for a network without creating one. */
export async function chooseEngine(pref: EnginePreference, net: NetworkConfig, tfjsBackend?: TfjsBackendName): Promise<EngineChoice> {
  const notes: string[] = []
  if (pref !== 'tfjs') {
    const native = nativeAvailable()
    if (native.ok && supportsNetwork(net)) return { kind: 'native', backend: native.isa, notes }
    const why = native.ok ? 'the native kernel does not support this network shape' : native.reason
    if (pref === 'native') throw new Error(`native engine unavailable: ${why}`)
    notes.push(`native engine not used: ${why}`)
  }
  const tfjs = await initTfjs(tfjsBackend)
  return { kind: 'tfjs', backend: tfjs.active, notes, tfjs }
}

export function createEngine(choice: EngineChoice, opts: EngineOptions): StepEngine {
  return choice.kind === 'native' ? createNativeEngine(opts) : createTfjsEngine(opts)
}
