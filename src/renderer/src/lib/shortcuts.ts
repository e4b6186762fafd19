import { isFocusedElementEditable, onKeyStroke } from '@vueuse/core'
import { NAV_ITEMS } from '../router'

/** One line of the keyboard help (components/KeyboardHelp.vue): keys pressed together, what they do, where. */
export interface Shortcut {
  keys: readonly string[]
  does: string
  where: string
}

/** Every shortcut the app has. Single keys never fire while typing in a field. */
export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['?'], does: 'Show this list of shortcuts', where: 'everywhere' },
  { keys: ['Esc'], does: 'Close this list', where: 'this list' },
  // App.vue: Alt, so typing digits into a field never navigates.
  ...NAV_ITEMS.map((n) => ({ keys: ['Alt', n.key], does: `Open ${n.label}`, where: 'everywhere' })),
  { keys: ['/'], does: 'Search runs', where: 'Runs' },
  { keys: ['n'], does: 'Next page of runs', where: 'Runs' },
  { keys: ['p'], does: 'Previous page of runs', where: 'Runs' },
  { keys: ['c'], does: 'Compare the ticked runs', where: 'Runs' },
  { keys: ['x'], does: 'Clear the parallel-coordinates brush', where: 'Runs' }
]

/** True when the key press belongs to something else: text typed into a field or a list, a Ctrl/⌘/Alt chord, or a modal dialog in front. */
export function notForShortcuts(e: KeyboardEvent): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return true
  if (isFocusedElementEditable() || document.activeElement?.tagName === 'SELECT') return true
  return document.querySelector('dialog[open]') !== null
}

/** A single-key shortcut for the lifetime of the calling component. */
export function useShortcut(key: string, run: () => void): void {
  onKeyStroke(
    key,
    (e) => {
      if (notForShortcuts(e)) return
      e.preventDefault()
      run()
    },
    { dedupe: true }
  )
}
