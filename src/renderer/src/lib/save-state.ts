import { ref, type Ref } from 'vue'

export type SaveStatus = 'idle' | 'saving' | 'saved' | 'error'

export interface SaveState {
  status: Ref<SaveStatus>
  /** The last save's error, shown next to its field. */
  message: Ref<string>
  /** Runs a save (it resolves to an error message, or null when saved) and tracks its state. */
  run(save: () => Promise<string | null>): Promise<boolean>
  /** A value refused before it was sent (checked in the page). */
  fail(message: string): void
  reset(): void
}

/** The visible state of a field saved in place (on blur or Enter): saving…, saved, or the error. */
export function useSaveState(): SaveState {
  const status = ref<SaveStatus>('idle')
  const message = ref('')
  async function run(save: () => Promise<string | null>): Promise<boolean> {
    status.value = 'saving'
    message.value = ''
    const error = await save()
    status.value = error === null ? 'saved' : 'error'
    message.value = error ?? ''
    return error === null
  }
  function fail(text: string): void {
    status.value = 'error'
    message.value = text
  }
  function reset(): void {
    status.value = 'idle'
    message.value = ''
  }
  return { status, message, run, fail, reset }
}

/** The first problem a zod-style check reports, or null. */
export function firstIssue(result: { success: true } | { success: false; error: { issues: readonly { message: string }[] } }): string | null {
  return result.success ? null : (result.error.issues[0]?.message ?? 'not valid')
}
