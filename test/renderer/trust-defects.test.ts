// @vitest-environment happy-dom
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setApiClient } from '../../src/renderer/src/api/client'
import StatusBar from '../../src/renderer/src/components/StatusBar.vue'
import SweepForm from '../../src/renderer/src/components/sweep/SweepForm.vue'
import LiveRunCard from '../../src/renderer/src/components/queue/LiveRunCard.vue'
import { presetForm, validateForm } from '../../src/renderer/src/lib/spec-form'
import { useLiveRunsStore } from '../../src/renderer/src/stores/live-runs'
import { useStatusStore } from '../../src/renderer/src/stores/status'
import { useSweepDraftStore } from '../../src/renderer/src/stores/sweep-draft'
import { fakeClient, STATUS, sweepRow, type FakeClient } from './fake-client'

/** Issue 10: defects 2 (seeds), 9 (status bar, live cards, cancel, duplicate λ, presets), each failing without its fix. */
let client: FakeClient
let wrapper: VueWrapper | null = null

beforeEach(() => {
  client = fakeClient({ queueSweep: () => sweepRow({ id: 7, status: 'queued' }) })
  setApiClient(client)
  setActivePinia(createPinia())
  window.location.hash = '#/sweep'
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.restoreAllMocks()
  setApiClient(null)
})

describe('sweep form', () => {
  it('refuses a λ given twice, naming it', () => {
    const { spec, errors } = validateForm({ ...presetForm('paper'), lambdaMode: 'list', lambdaList: '0, 0.01, 0.01' })
    expect(spec).toBeNull()
    expect(errors.lambdas?.join(' ')).toMatch(/λ = 0\.01 is given twice/)
  })

  it('gives each new sweep a fresh, shown, editable seed, and reusing the last one is a choice', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    await useStatusStore().refresh()
    wrapper = mount(SweepForm, { global: { plugins: [pinia] }, attachTo: document.body })
    await flushPromises()
    const drafts = useSweepDraftStore()
    const seedInput = (): HTMLInputElement => wrapper!.find('[data-testid="seed"]').element as HTMLInputElement
    const first = Number(seedInput().value)
    expect(first).not.toBe(presetForm('paper').seed)
    expect(wrapper.find('[data-testid="seed-summary"]').text()).toContain(String(first))
    expect(wrapper.find('[data-testid="seed-summary"]').text()).toMatch(/new for this sweep/)

    await wrapper.find('[data-testid="lambda-list"]').exists()
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect((client.callsTo('queueSweep')[0] as [{ seed: number }])[0].seed).toBe(first)
    // The next sweep from the form does not silently repeat the first one.
    expect(drafts.draft.seed).not.toBe(first)
    expect(drafts.lastSeed).toBe(first)
    await flushPromises()
    await wrapper.find('[data-testid="reuse-seed"]').trigger('click')
    expect(drafts.draft.seed).toBe(first)
    expect(wrapper.find('[data-testid="seed-summary"]').text()).toMatch(/the same as the last sweep/)
  })

  it('shows which preset is active, and none once the form is edited', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    wrapper = mount(SweepForm, { global: { plugins: [pinia] }, attachTo: document.body })
    await flushPromises()
    const pressed = (p: string): string | undefined => wrapper!.find(`[data-testid="preset-${p}"]`).attributes('aria-pressed')
    expect(pressed('paper')).toBe('true')
    expect(pressed('original-code')).toBe('false')
    await wrapper.find('[data-testid="preset-original-code"]').trigger('click')
    expect(pressed('original-code')).toBe('true')
    await wrapper.find('[data-testid="epochs"]').setValue('3')
    expect(pressed('original-code')).toBe('false')
    expect(pressed('paper')).toBe('false')
  })
})

describe('status bar', () => {
  it('counts runs waiting in paused sweeps instead of showing 0 queued', async () => {
    client = fakeClient({ getStatus: () => ({ ...structuredClone(STATUS), queue: { workers: 2, running: 0, queued: 0, paused: 51 } }) })
    setApiClient(client)
    const pinia = createPinia()
    setActivePinia(pinia)
    useStatusStore().connect()
    wrapper = mount(StatusBar, { global: { plugins: [pinia] } })
    await flushPromises()
    expect(wrapper.find('[data-testid="queue-state"]').text()).toMatch(/0 queued · 51 paused/)
    useStatusStore().disconnect()
  })
})

describe('live run cards', () => {
  it('show λ and dataset, and ask before cancelling a run', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    const live = useLiveRunsStore()
    live.handle({ type: 'run-started', runId: 4, sweepId: 1, engine: 'native', backend: 'avx2', totalSteps: 100, lambda: 0.005, dataset: 'fashion-mnist:10000:s0' })
    const run = live.liveRuns.find((r) => r.runId === 4)!
    wrapper = mount(LiveRunCard, { props: { run, revision: 0 }, global: { plugins: [pinia] } })
    expect(wrapper.find('[data-testid="live-lambda"]').text()).toBe('λ = 0.005')
    expect(wrapper.find('[data-testid="live-dataset"]').text()).toBe('fashion-mnist:10000:s0')

    const confirm = vi.fn(() => false)
    vi.stubGlobal('confirm', confirm)
    await wrapper.find('button.cancel').trigger('click')
    expect(confirm).toHaveBeenCalledWith(expect.stringMatching(/^Cancel run #4\?/))
    expect(wrapper.emitted('cancel')).toBeUndefined()
    confirm.mockReturnValue(true)
    await wrapper.find('button.cancel').trigger('click')
    expect(wrapper.emitted('cancel')).toEqual([[4]])
  })
})

describe('Figure 3 (defect 5)', () => {
  it('names the dark bar "collapsed (≤ threshold)" in a legend, labels bin 0 "≤ t" and titles its axes', async () => {
    const { histogramGridOption } = await import('../../src/renderer/src/charts/distribution-options')
    const h = { dataset: 'd', lambda: 0, alphaIndex: 0, edges: [0, 0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 1], counts: [14, 1, 2, 3, 4, 5, 6], outside: 0, threshold: 0.05 }
    const fig = histogramGridOption([h], { dataset: null, alphaIndex: null })!
    const o = fig.option as { legend: { data: string[]; show: boolean }; xAxis: { data: string[]; name: string }[]; yAxis: { name: string }[]; series: { data: unknown[] }[] }
    expect(o.legend.show).toBe(true)
    expect(o.legend.data).toEqual(['collapsed (final α ≤ 0.05)', 'not collapsed'])
    expect(o.xAxis[0].data[0]).toBe('≤0.05')
    expect(o.xAxis[0].name).toMatch(/final α/)
    expect(o.yAxis[0].name).toBe('α count')
    expect(o.series[0].data[0]).toBe(14)
  })
})

describe('collapse threshold input (defect 6)', () => {
  it('refuses a negative threshold in the form, sends nothing, and keeps labels on the data’s threshold', async () => {
    const { default: StatsView } = await import('../../src/renderer/src/views/StatsView.vue')
    const { useStatsStore } = await import('../../src/renderer/src/stores/stats')
    const pinia = createPinia()
    setActivePinia(pinia)
    wrapper = mount(StatsView, { global: { plugins: [pinia] }, attachTo: document.body })
    await flushPromises()
    const stats = useStatsStore()
    await stats.fetchAll()
    client.calls.length = 0
    await wrapper.find('[data-testid="threshold-value"]').setValue('-0.5')
    await new Promise((r) => setTimeout(r, 300))
    await flushPromises()
    expect(wrapper.find('[data-testid="threshold-error"]').text()).toMatch(/must be ≥ 0/)
    expect(stats.threshold).toBe(0.05)
    expect(stats.shownThreshold).toBe(0.05)
    expect(client.calls.filter((c) => c.method === 'getCollapseStats')).toEqual([])

    await wrapper.find('[data-testid="threshold-value"]').setValue('0.1')
    await new Promise((r) => setTimeout(r, 300))
    await flushPromises()
    expect(wrapper.find('[data-testid="threshold-error"]').exists()).toBe(false)
    expect(stats.threshold).toBe(0.1)
    expect(client.callsTo('getCollapseStats').at(-1)).toEqual([{ threshold: 0.1 }])
    expect(stats.shownThreshold).toBe(0.1)
  })
})

describe('selection for Compare (defect 9)', () => {
  it('says when select-all or a tick goes past the Compare limit instead of dropping runs silently', async () => {
    const { MAX_COMPARE, useRunsStore } = await import('../../src/renderer/src/stores/runs')
    const { useNoticesStore } = await import('../../src/renderer/src/stores/notices')
    const { runSummary } = await import('./fake-client')
    client = fakeClient({ listRuns: () => ({ total: 20, runs: Array.from({ length: 20 }, (_, i) => runSummary(i + 1)) }) })
    setApiClient(client)
    setActivePinia(createPinia())
    const runs = useRunsStore()
    await runs.fetch()
    runs.selectPage(true)
    expect(runs.selected).toHaveLength(MAX_COMPARE)
    const notices = useNoticesStore()
    expect(notices.notices.map((n) => n.text).join('\n')).toMatch(/Ticked the first 12 runs of 20/)
    runs.toggle(20)
    expect(notices.notices.map((n) => n.text).join('\n')).toMatch(/run #20 was not ticked/)
  })
})

describe('Compare past its limit (defect 9)', () => {
  it('names the ids it does not show, and loads only the first 12', async () => {
    const { default: CompareView } = await import('../../src/renderer/src/views/CompareView.vue')
    const { MAX_COMPARE } = await import('../../src/renderer/src/stores/runs')
    const { runSummary } = await import('./fake-client')
    const ids = Array.from({ length: MAX_COMPARE + 2 }, (_, i) => i + 1)
    client = fakeClient({ getRun: (id) => ({ ...runSummary(id), seeds: null, config: null, notes: null }) })
    setApiClient(client)
    const pinia = createPinia()
    setActivePinia(pinia)
    window.location.hash = `#/compare?ids=${ids.join(',')}`
    await new Promise((r) => setTimeout(r, 0))
    wrapper = mount(CompareView, { global: { plugins: [pinia], stubs: { ChartPanel: true } } })
    await flushPromises()
    expect(wrapper.get('[data-testid="compare-dropped"]').text()).toBe(`Compare shows at most ${MAX_COMPARE} runs; not shown: #${MAX_COMPARE + 1}, #${MAX_COMPARE + 2}`)
    expect(client.callsTo('getRun').map(([id]) => id)).toEqual(ids.slice(0, MAX_COMPARE))
  })
})

describe('sweep finished (MLflow/W&B expectation)', () => {
  it('announces a sweep that was running and is now done', async () => {
    const { useSweepsStore } = await import('../../src/renderer/src/stores/sweeps')
    const { useNoticesStore } = await import('../../src/renderer/src/stores/notices')
    const sweeps = useSweepsStore()
    sweeps.connect()
    await flushPromises()
    const running = sweepRow({ id: 9, name: 'night run', status: 'running' })
    client.emit({ type: 'sweep-changed', sweep: running })
    client.emit({ type: 'sweep-changed', sweep: { ...running, status: 'done', progress: { ...running.progress, queued: 0, running: 0, done: 4 } } })
    expect(useNoticesStore().notices.map((n) => n.text)).toContain('Sweep “night run” (#9) done: 4 of 4 runs done')
    sweeps.disconnect()
  })
})
