/**
 * How a call's outcome crosses Electron IPC. ipcMain.handle turns a thrown
 * error into "Error invoking remote method 'workbench:x': Error: …" on the
 * page; so the handler returns this envelope instead, and the preload turns
 * `{ ok: false }` back into an Error carrying only the back end's message.
 * No runtime dependencies (the sandboxed preload imports it).
 */
export type IpcOutcome = { ok: true; value: unknown } | { ok: false; error: string }

/** Channel of method `m`, and of live events. */
export const ipcChannel = (method: string): string => `workbench:${method}`
export const IPC_EVENT_CHANNEL = 'workbench:event'

export function isIpcOutcome(v: unknown): v is IpcOutcome {
  if (typeof v !== 'object' || v === null || !('ok' in v)) return false
  return v.ok === true ? 'value' in v : v.ok === false && 'error' in v && typeof v.error === 'string'
}
