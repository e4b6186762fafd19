import * as tf from '@tensorflow/tfjs'

/** TF.js backends in order of preference: native libtensorflow, then WebAssembly, then plain JS. */
export const TFJS_BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const
export type TfjsBackendName = (typeof TFJS_BACKENDS)[number]

export interface BackendAttempt {
  backend: TfjsBackendName
  ok: boolean
  /** Why it was not used (load error, or skipped because a better one loaded). */
  reason?: string
}

export interface TfjsBackendReport {
  active: TfjsBackendName
  tfjsVersion: string
  attempts: BackendAttempt[]
  wasmSimd?: boolean
  wasmThreads?: boolean
}

let initialised: Promise<TfjsBackendReport> | null = null

function describe(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err)
  return msg.split('\n')[0].slice(0, 300)
}

async function tryBackend(name: TfjsBackendName): Promise<void> {
  if (name === 'tensorflow') {
    // Optional dependency: absent where libtensorflow could not be downloaded at install.
    await import('@tensorflow/tfjs-node')
  } else if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm')
  }
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`)
  await tf.ready()
  if (name === 'cpu') silenceCpuNodeHint()
  // Smoke test: a backend that registers but cannot compute must not be reported as active.
  const probe = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0])
  if (probe !== 11) throw new Error(`backend ${name} failed a smoke test (1·3+2·4 gave ${probe})`)
}

/**
 * Chooses the TF.js backend once per process (thread): tfjs-node if it loads,
 * else wasm, else cpu. `only` forces one backend (tests, the parity check).
 */
export function initTfjs(only?: TfjsBackendName): Promise<TfjsBackendReport> {
  if (initialised && !only) return initialised
  const run = async (): Promise<TfjsBackendReport> => {
    const attempts: BackendAttempt[] = []
    const order = only ? [only] : TFJS_BACKENDS
    let active: TfjsBackendName | null = null
    for (const name of order) {
      if (active) {
        attempts.push({ backend: name, ok: false, reason: `not needed: ${active} is active` })
        continue
      }
      try {
        await tryBackend(name)
        active = name
        attempts.push({ backend: name, ok: true })
      } catch (err) {
        attempts.push({ backend: name, ok: false, reason: describe(err) })
      }
    }
    if (!active) throw new Error(`no TF.js backend could be started: ${attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')}`)
    const report: TfjsBackendReport = { active, tfjsVersion: tf.version.tfjs, attempts }
    if (active === 'wasm') {
      report.wasmSimd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))
      report.wasmThreads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))
    }
    return report
  }
  const p = run()
  if (!only) initialised = p
  return p
}

/** The cpu backend prints an install hint on first use; the backend report already says it all. */
function silenceCpuNodeHint(): void {
  const backend = tf.backend() as unknown as { firstUse?: boolean }
  if ('firstUse' in backend) backend.firstUse = false
}
