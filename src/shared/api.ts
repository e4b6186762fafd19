/**
 * The contract between the UI and the back end. The same service object
 * implements it behind Electron IPC (preload) and behind the local HTTP server
 * (browser mode); every argument is validated where it arrives.
 */
export interface EngineStatus {
  /** 'native' or 'tfjs'. */
  engine: string
  /** Native instruction set, or TF.js backend name. */
  backend: string
  /** TF.js backend chosen at start-up (used where the native kernel does not apply). */
  tfjsBackend: string
  notes: string[]
}

export interface AppStatus {
  engine: EngineStatus
  versions: Record<string, string | boolean | null>
  dbPath: string
}

export interface WorkbenchApi {
  getStatus(): Promise<AppStatus>
}

/** Method names of the contract, for transports that dispatch by name. */
export const API_METHODS = ['getStatus'] as const satisfies readonly (keyof WorkbenchApi)[]
