// @vitest-environment happy-dom
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defineComponent, h } from 'vue'
import { setApiClient } from '../../src/renderer/src/api/client'
import KeyboardHelp from '../../src/renderer/src/components/KeyboardHelp.vue'
import { SHORTCUTS } from '../../src/renderer/src/lib/shortcuts'
import { NAV_ITEMS } from '../../src/renderer/src/router'
import { useRunsStore } from '../../src/renderer/src/stores/runs'
import RunsView from '../../src/renderer/src/views/RunsView.vue'
import { fakeClient, runSummary } from './fake-client'

/** The keyboard help (? opens it, Esc closes it) and the runs view's single-key shortcuts, which never fire while typing. */
const mounted: VueWrapper[] = []
afterEach(() => {
  for (const w of mounted.splice(0)) w.unmount()
  document.body.innerHTML = ''
  setApiClient(null)
})

function press(key: string, target: EventTarget = document.activeElement ?? document.body, init: KeyboardEventInit = {}): void {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }))
}

describe('keyboard help', () => {
  function mountHelp(): VueWrapper {
    const w = mount(KeyboardHelp, { attachTo: document.body })
    mounted.push(w)
    return w
  }

  it('opens on ?, lists every shortcut, focuses Close, and closes on Esc', async () => {
    const w = mountHelp()
    const dialog = w.find('[data-testid="keyboard-help"]')
    expect(dialog.attributes('role')).toBe('dialog')
    expect((dialog.element as HTMLDialogElement).open).toBe(false)
    press('?', document.body, { shiftKey: true })
    await flushPromises()
    expect((dialog.element as HTMLDialogElement).open).toBe(true)
    expect(dialog.attributes('aria-labelledby')).toBe('kbd-help-title')
    const rows = w.findAll('[data-testid="shortcut"]').map((r) => r.text())
    expect(rows).toHaveLength(SHORTCUTS.length)
    for (const item of NAV_ITEMS) expect(rows).toContainEqual(expect.stringContaining(`Alt + ${item.key}Open ${item.label}`))
    for (const key of ['?', 'Esc', '/', 'n', 'p', 'c', 'x']) expect(rows.some((r) => r.startsWith(key))).toBe(true)
    expect(document.activeElement?.textContent).toBe('Close')
    press('Escape')
    await flushPromises()
    expect((dialog.element as HTMLDialogElement).open).toBe(false)
    expect(w.findAll('[data-testid="shortcut"]')).toHaveLength(0)
  })

  it('does not open while typing ? into a field', async () => {
    const w = mountHelp()
    const input = document.createElement('input')
    document.body.appendChild(input)
    input.focus()
    press('?', input, { shiftKey: true })
    await flushPromises()
    expect((w.find('[data-testid="keyboard-help"]').element as HTMLDialogElement).open).toBe(false)
  })
})

describe('runs view shortcuts', () => {
  const Stub = defineComponent({ setup: () => () => h('div') })
  beforeEach(() => {
    setApiClient(fakeClient({ listRuns: (q) => ({ total: 120, runs: Array.from({ length: Math.min(50, q?.limit ?? 50) }, (_, i) => runSummary(i + 1)) }) }))
    setActivePinia(createPinia())
  })

  async function mountRuns(): Promise<VueWrapper> {
    const pinia = createPinia()
    setActivePinia(pinia)
    const w = mount(RunsView, { attachTo: document.body, global: { plugins: [pinia], stubs: { ParallelPanel: Stub, CsvImport: Stub, ExportCsvButton: Stub } } })
    mounted.push(w)
    await flushPromises()
    return w
  }

  it('/ focuses the search; n and p page, but not while typing in the search', async () => {
    const w = await mountRuns()
    const runs = useRunsStore()
    press('n', document.body)
    await flushPromises()
    expect(runs.page).toBe(1)
    press('/', document.body)
    const search = w.find('[data-testid="runs-search"]').element
    expect(document.activeElement).toBe(search)
    press('n', search)
    press('p', search)
    expect(runs.page).toBe(1)
    ;(search as HTMLInputElement).blur()
    press('p', document.body)
    expect(runs.page).toBe(0)
    press('p', document.body)
    expect(runs.page).toBe(0)
  })

  it('x clears the brush; Ctrl+n is left to the browser', async () => {
    await mountRuns()
    const runs = useRunsStore()
    runs.setBrush('lambda', [0, 0.1])
    press('n', document.body, { ctrlKey: true })
    expect(runs.page).toBe(0)
    press('x', document.body)
    expect(runs.brush.lambda).toBeNull()
  })
})
