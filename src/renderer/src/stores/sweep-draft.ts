import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { PresetName } from '@shared/sweep-spec'
import { PRESET_NAMES } from '@shared/sweep-spec'
import { presetForm, type SweepForm } from '../lib/spec-form'
import { useStatusStore } from './status'

/** A seed no earlier sweep from this form used (31 bits, what the spec accepts), from the platform's CSPRNG. */
export function freshSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] >>> 1
}

/** A preset's form with a fresh seed: identical seeds across sweeps are a choice, never an accident. */
function freshForm(name: PresetName, trainable: readonly string[]): SweepForm {
  return { ...presetForm(name, trainable), seed: freshSeed() }
}

/** Everything but name and seed, to tell which preset the form still matches. */
function shape(f: SweepForm): string {
  return JSON.stringify({ ...f, name: '', seed: 0 })
}

/**
 * The sweep form's draft: kept while the user moves between views, reset by
 * a preset. Every new draft (a preset applied, a sweep queued) gets a fresh
 * seed, shown in the form and editable.
 */
export const useSweepDraftStore = defineStore('sweepDraft', () => {
  const status = useStatusStore()
  const draft = ref<SweepForm>(freshForm('paper', status.trainableDatasets))
  /** The seed of the last sweep queued from the form, to reuse on purpose. */
  const lastSeed = ref<number | null>(null)

  function applyPreset(name: PresetName): void {
    draft.value = freshForm(name, status.trainableDatasets)
  }

  /** After queueing: same settings, a new seed for the next sweep. */
  function queued(): void {
    lastSeed.value = typeof draft.value.seed === 'number' ? draft.value.seed : null
    draft.value = { ...draft.value, seed: freshSeed() }
  }

  function reuseLastSeed(): void {
    if (lastSeed.value !== null) draft.value = { ...draft.value, seed: lastSeed.value }
  }

  /** The preset the form still matches (name and seed aside), or null once edited. */
  const activePreset = computed<PresetName | null>(() => PRESET_NAMES.find((p) => shape(presetForm(p, status.trainableDatasets)) === shape(draft.value)) ?? null)

  return { draft, lastSeed, activePreset, applyPreset, queued, reuseLastSeed }
})
