import { defineStore } from 'pinia'
import { ref } from 'vue'
import { errorMessage } from '../lib/format'

export interface Notice {
  id: number
  kind: 'error' | 'info'
  text: string
}

/** Transient messages: failed calls, finished imports. Errors stay until dismissed; info fades. */
export const useNoticesStore = defineStore('notices', () => {
  const notices = ref<Notice[]>([])
  let nextId = 1

  function dismiss(id: number): void {
    notices.value = notices.value.filter((n) => n.id !== id)
  }

  function push(kind: Notice['kind'], text: string): void {
    const id = nextId++
    notices.value = [...notices.value.slice(-4), { id, kind, text }]
    if (kind === 'info') setTimeout(() => dismiss(id), 5000)
  }

  /** Runs a call; on failure shows "<what>: <message>" and resolves to undefined. */
  async function attempt<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call()
    } catch (err) {
      push('error', `${what}: ${errorMessage(err)}`)
      return undefined
    }
  }

  return { notices, push, dismiss, attempt }
})
