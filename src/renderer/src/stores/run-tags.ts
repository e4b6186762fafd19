import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { TagCount } from '@shared/results'
import { apiClient } from '../api/client'

/** Tags in use across all runs (the runs list's tag filter), re-read whenever stored data changes. */
export const useRunTagsStore = defineStore('runTags', () => {
  const tags = ref<TagCount[]>([])

  async function refresh(): Promise<void> {
    try {
      tags.value = await apiClient().listRunTags()
    } catch {
      // The filter only offers what it could read; the runs table reports the back end's errors.
    }
  }

  let unsubscribe: (() => void) | null = null
  /** Follows edits and deletes (data-changed) while a view shows the filter. */
  function connect(): void {
    if (unsubscribe) return
    unsubscribe = apiClient().onEvent((e) => {
      if (e.type === 'data-changed') void refresh()
    })
    void refresh()
  }
  function disconnect(): void {
    unsubscribe?.()
    unsubscribe = null
  }

  return { tags, refresh, connect, disconnect }
})
