// @vitest-environment happy-dom
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setApiClient } from '../../src/renderer/src/api/client'
import RunLabels from '../../src/renderer/src/components/labels/RunLabels.vue'
import RunsFilters from '../../src/renderer/src/components/runs/RunsFilters.vue'
import RunsTable from '../../src/renderer/src/components/runs/RunsTable.vue'
import QueueView from '../../src/renderer/src/views/QueueView.vue'
import { useRunDetailStore } from '../../src/renderer/src/stores/run-detail'
import { useRunsStore } from '../../src/renderer/src/stores/runs'
import { useSweepsStore } from '../../src/renderer/src/stores/sweeps'
import type { RunDetail } from '../../src/shared/results'
import type { RunEdit } from '../../src/shared/run-labels'
import { fakeClient, runSummary, sweepRow, type FakeClient } from './fake-client'

let client: FakeClient
let pinia: Pinia
let wrapper: VueWrapper | null = null
/** The run as the fake back end stores it. */
let stored: RunDetail

const detail = (over: Partial<RunDetail> = {}): RunDetail => ({ ...runSummary(5), seeds: null, config: null, notes: null, ...over })

function install(c: FakeClient): void {
  client = c
  setApiClient(c)
  pinia = createPinia()
  setActivePinia(pinia)
}

beforeEach(() => {
  stored = detail()
  install(
    fakeClient({
      getRun: () => stored,
      getEpochMetrics: () => [],
      editRun: (_id, edit: RunEdit) => {
        if (edit.name === 'taken') throw new Error('editRun: 1.name: refused by the back end')
        stored = { ...stored, ...('name' in edit ? { name: edit.name?.trim() || null } : {}), ...('tags' in edit ? { tags: edit.tags ?? [] } : {}), ...('notes' in edit ? { notes: edit.notes?.trim() || null } : {}) }
        return stored
      },
      retryRun: () => (stored = { ...stored, status: 'queued' }),
      deleteRun: () => undefined,
      listRunTags: () => [{ tag: 'keep', runs: 3 }],
      resumeSweep: (id) => sweepRow({ id, status: 'running' }),
      renameSweep: (id, name) => sweepRow({ id, name, status: 'cancelled' })
    })
  )
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.restoreAllMocks()
  setApiClient(null)
})

async function mountLabels(): Promise<VueWrapper> {
  const store = useRunDetailStore()
  await store.load(5)
  wrapper = mount(RunLabels, { props: { run: store.run! }, global: { plugins: [pinia] }, attachTo: document.body })
  // The view passes the store's run: keep the prop in step the way the view does.
  store.$subscribe(() => void wrapper?.setProps({ run: store.run! }))
  return wrapper
}

const state = (w: VueWrapper, testid: string): string => w.find(`[data-testid="${testid}"] [data-save-state]`).text()

describe('run name, tags and notes in Run detail', () => {
  it('saves the name on Enter and shows it saved; an unchanged field sends nothing', async () => {
    const w = await mountLabels()
    const name = w.find('[data-testid="run-name"] input')
    await name.setValue('  baseline ')
    await name.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(client.callsTo('editRun')).toEqual([[5, { name: '  baseline ' }]])
    expect(state(w, 'run-name')).toBe('✓ saved')
    expect((name.element as HTMLInputElement).value).toBe('baseline')
    await name.trigger('blur')
    await flushPromises()
    expect(client.callsTo('editRun')).toHaveLength(1)
  })

  it('saves notes on blur, and Escape puts the stored text back', async () => {
    const w = await mountLabels()
    const notes = w.find('[data-testid="run-notes"] textarea')
    await notes.setValue('loss jumps at epoch 2')
    await notes.trigger('keydown', { key: 'Enter' })
    expect(client.callsTo('editRun')).toHaveLength(0)
    await notes.trigger('blur')
    await flushPromises()
    expect(client.callsTo('editRun')).toEqual([[5, { notes: 'loss jumps at epoch 2' }]])
    await notes.setValue('typo')
    await notes.trigger('keydown', { key: 'Escape' })
    expect((notes.element as HTMLTextAreaElement).value).toBe('loss jumps at epoch 2')
  })

  it("shows the back end's refusal next to the field, and a bad name before sending it", async () => {
    const w = await mountLabels()
    const name = w.find('[data-testid="run-name"] input')
    await name.setValue('taken')
    await name.trigger('blur')
    await flushPromises()
    const error = w.find('[data-testid="run-name"] [role="alert"]')
    expect(error.text()).toBe('editRun: 1.name: refused by the back end')
    expect(name.attributes('aria-invalid')).toBe('true')
    await name.setValue('x'.repeat(101))
    await name.trigger('blur')
    expect(w.find('[data-testid="run-name"] [role="alert"]').text()).toBe('at most 100 characters')
    expect(client.callsTo('editRun')).toHaveLength(1)
  })

  it('adds a tag on Enter, refuses a duplicate or a comma without a call, and removes one with ×', async () => {
    stored = detail({ tags: ['keep'] })
    const w = await mountLabels()
    const input = w.find('[data-testid="add-tag"]')
    await input.setValue('lr-high')
    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(client.callsTo('editRun')).toEqual([[5, { tags: ['keep', 'lr-high'] }]])
    expect(w.findAll('[data-testid="run-tag"]').map((t) => t.text().replace('×', ''))).toEqual(['keep', 'lr-high'])
    expect((input.element as HTMLInputElement).value).toBe('')
    await input.setValue('keep')
    await input.trigger('keydown', { key: 'Enter' })
    expect(w.find('.tag-editor [role="alert"]').text()).toBe("tag 'keep' is already there")
    await input.setValue('a,b')
    await input.trigger('blur')
    expect(w.find('.tag-editor [role="alert"]').text()).toBe('a tag cannot contain a comma')
    expect(client.callsTo('editRun')).toHaveLength(1)
    await w.find('button[aria-label="Remove tag keep"]').trigger('click')
    await flushPromises()
    expect(client.callsTo('editRun').at(-1)).toEqual([5, { tags: ['lr-high'] }])
  })
})

describe('run detail store: retry and delete', () => {
  it('retry requeues the open run and shows it queued; delete forgets it', async () => {
    stored = detail({ status: 'cancelled' })
    const store = useRunDetailStore()
    await store.load(5)
    await store.retry()
    expect(client.callsTo('retryRun')).toEqual([[5]])
    expect(store.run?.status).toBe('queued')
    expect(await store.remove()).toBe(true)
    expect(client.callsTo('deleteRun')).toEqual([[5]])
    expect([store.run, store.runId]).toEqual([null, null])
  })
})

describe('runs table and filters', () => {
  it('shows names and tags in their own column only when a run on the page has them', async () => {
    install(fakeClient({ listRuns: () => ({ total: 2, runs: [runSummary(1), runSummary(2)] }) }))
    const runs = useRunsStore()
    await runs.fetch()
    wrapper = mount(RunsTable, { props: { threshold: 0.05 }, global: { plugins: [pinia] } })
    expect(wrapper.find('[data-testid="run-labels-cell"]').exists()).toBe(false)
    install(fakeClient({ listRuns: () => ({ total: 2, runs: [runSummary(1, { name: 'baseline', tags: ['keep', 'odd'] }), runSummary(2)] }) }))
    await useRunsStore().fetch()
    wrapper.unmount()
    wrapper = mount(RunsTable, { props: { threshold: 0.05 }, global: { plugins: [pinia] } })
    const cells = wrapper.findAll('[data-testid="run-labels-cell"]')
    expect(cells.map((c) => [c.find('.run-name').exists() ? c.find('.run-name').text() : null, c.findAll('.tag').map((t) => t.text())])).toEqual([
      ['baseline', ['keep', 'odd']],
      [null, []]
    ])
    expect(wrapper.findAll('th').map((h) => h.text())).toContain('name · tags')
  })

  it('offers the tags in use as a filter, and a ticked tag goes to listRuns', async () => {
    vi.useFakeTimers()
    try {
      wrapper = mount(RunsFilters, { global: { plugins: [pinia] } })
      await flushPromises()
      const chip = wrapper.find('[data-testid="filter-tags"] input[value="keep"]')
      await chip.setValue(true)
      expect(useRunsStore().filtered).toBe(true)
      await vi.advanceTimersByTimeAsync(300)
      expect(client.callsTo('listRuns').at(-1)?.[0]).toMatchObject({ tags: ['keep'] })
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('queue: cancelled sweeps and sweep names', () => {
  it('a cancelled sweep in the finished list has Resume; a done one does not', async () => {
    install(
      fakeClient({
        listSweeps: () => [sweepRow({ id: 3, status: 'cancelled' }), sweepRow({ id: 2, status: 'done' })],
        resumeSweep: (id) => sweepRow({ id, status: 'running' })
      })
    )
    wrapper = mount(QueueView, { global: { plugins: [pinia] } })
    await useSweepsStore().refresh()
    await flushPromises()
    const resume = wrapper.findAll('[data-testid="resume-cancelled"]')
    expect(resume).toHaveLength(1)
    await resume[0].trigger('click')
    await flushPromises()
    expect(client.callsTo('resumeSweep')).toEqual([[3]])
    // Running again: it is back among the cards.
    expect(wrapper.find('[data-sweep="3"]').exists()).toBe(true)
  })

  it('renames a sweep in place on Enter', async () => {
    install(fakeClient({ listSweeps: () => [sweepRow({ id: 3, name: 'old', status: 'cancelled' })], renameSweep: (id, name) => sweepRow({ id, name, status: 'cancelled' }) }))
    wrapper = mount(QueueView, { global: { plugins: [pinia] }, attachTo: document.body })
    await useSweepsStore().refresh()
    await flushPromises()
    await wrapper.find('button[aria-label="Rename sweep 3"]').trigger('click')
    const field = wrapper.find('input[aria-label="Name of sweep 3"]')
    await field.setValue('λ scan, take 2')
    await field.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(client.callsTo('renameSweep')).toEqual([[3, 'λ scan, take 2']])
    expect(wrapper.find('[data-testid="past-sweeps"]').text()).toContain('λ scan, take 2')
    expect(wrapper.find('[data-testid="past-sweeps"]').text()).toContain('✓ saved')
  })
})
