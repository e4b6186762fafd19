import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { PresetName } from '@shared/sweep-spec'
import { presetForm, type SweepForm } from '../lib/spec-form'

/** The sweep form's draft: kept while the user moves between views, reset by a preset. */
export const useSweepDraftStore = defineStore('sweepDraft', () => {
  const draft = ref<SweepForm>(presetForm('paper'))

  function applyPreset(name: PresetName): void {
    draft.value = presetForm(name)
  }

  return { draft, applyPreset }
})
