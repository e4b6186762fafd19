// @vitest-environment happy-dom
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defineComponent, h, type PropType } from 'vue'
import type { EChartsOption } from 'echarts'
import { setApiClient } from '../../src/renderer/src/api/client'
import { datasetIntervals, datasetsIn, parallelOption } from '../../src/renderer/src/charts/parallel-options'
import { renderSvg } from '../../src/renderer/src/charts/svg'
import ParallelPanel from '../../src/renderer/src/components/runs/ParallelPanel.vue'
import { roundRange } from '../../src/renderer/src/lib/run-brush'
import { PARALLEL_CAP, useParallelRunsStore } from '../../src/renderer/src/stores/parallel-runs'
import { useRunsStore } from '../../src/renderer/src/stores/runs'
import type { RunListQuery } from '../../src/shared/api'
import { fakeClient, runSummary, type FakeClient } from './fake-client'

/** Parallel coordinates in the runs view: the option, the capped data, and brushed axes turned into the table's query. */
const runs = [
  runSummary(1, { dataset: 'mnist', lambda: 0, alphaInit: [0.2, 0.4, 0.6], finalAlpha: [0.9, 0.6, 0.3], testAccuracy: 0.9 }),
  runSummary(2, { dataset: 'fashion', lambda: 0.05, alphaInit: null, finalAlpha: [0, 0, 0.3], testAccuracy: null }),
  runSummary(3, { dataset: 'mnist', status: 'queued', finalAlpha: null, testAccuracy: null })
]

describe('parallel coordinates option', () => {
  it('draws one line per finished run on λ, mean initial α, mean final α, accuracy and dataset, one series per dataset', () => {
    const opt = parallelOption(runs)
    const axes = opt.parallelAxis as { id: string; name: string; min?: number; max?: number }[]
    expect(axes.map((a) => a.id)).toEqual(['lambda', 'alphaInit', 'finalAlpha', 'testAccuracy', 'dataset'])
    expect(axes.map((a) => a.name)).toEqual(['λ', 'mean initial α', 'mean final α', 'test accuracy', 'dataset'])
    const series = opt.series as { name: string; data: { name: string; value: number[] }[] }[]
    expect(series.map((s) => s.name)).toEqual(['fashion', 'mnist'])
    // The queued run has no final α: not drawn. Missing values are NaN (ECharts leaves that axis out of the line).
    expect(series[1].data).toEqual([{ name: 'run #1', value: [0, expect.closeTo(0.4, 12), 0.6, 0.9, 1] }])
    expect(series[0].data[0].value.slice(0, 4)).toEqual([0.05, Number.NaN, expect.closeTo(0.1, 12), Number.NaN])
    expect(axes[4]).toMatchObject({ min: -0.5, max: 1.5 })
  })

  it('exports as well-formed SVG (parsed by Python\'s expat, as svg-export.test.ts does)', async () => {
    const nasty = [...runs, runSummary(4, { dataset: 'fmnist "A" & <b>' })]
    const svg = renderSvg(parallelOption(nasty) as EChartsOption, 800, 300)
    const name = 'node:child_process'
    const { execFileSync } = (await import(/* @vite-ignore */ name)) as { execFileSync: (f: string, a: string[], o: { input: string; encoding: 'utf8' }) => string }
    const parse = 'import sys, xml.dom.minidom\nxml.dom.minidom.parseString(sys.stdin.buffer.read())\nprint("ok")'
    expect(execFileSync('python3', ['-c', parse], { input: svg, encoding: 'utf8' }).trim()).toBe('ok')
    expect(svg).toContain('mean final α')
    expect(svg).toContain('fmnist &quot;A&quot; &amp; &lt;b&gt;')
  })

  it('turns brushed dataset intervals into names and back, and rounds numeric ranges', () => {
    const cats = ['a', 'b', 'c', 'd']
    expect(datasetsIn(cats, [[0.6, 2.2]])).toEqual(['b', 'c'])
    expect(datasetsIn(cats, [[3.3, 2.7], [-0.5, 0.1]])).toEqual(['a', 'd'])
    expect(datasetIntervals(cats, ['d', 'a', 'b'])).toEqual([
      [-0.4, 1.4],
      [2.6, 3.4]
    ])
    expect(datasetsIn(cats, datasetIntervals(cats, ['d', 'a', 'b']))).toEqual(['a', 'b', 'd'])
    expect(roundRange(0.0123456, 0.00100049)).toEqual([0.001, 0.01235])
  })
})

describe('parallel coordinates data', () => {
  let client: FakeClient
  let total = 2500
  const wrappers: VueWrapper[] = []
  beforeEach(() => {
    total = 2500
    client = fakeClient({
      listRuns: (q) => {
        const offset = q?.offset ?? 0
        const n = Math.max(0, Math.min(q?.limit ?? 100, total - offset))
        return { total, runs: Array.from({ length: n }, (_, i) => runSummary(total - offset - i, { dataset: i % 2 ? 'a' : 'b' })) }
      }
    })
    setApiClient(client)
    setActivePinia(createPinia())
  })
  afterEach(() => {
    for (const w of wrappers.splice(0)) w.unmount()
    setApiClient(null)
  })

  it('fetches the newest runs the filters match, without the brush, capped at 2,000', async () => {
    const table = useRunsStore()
    table.filters.statuses = ['done']
    table.setBrush('finalAlpha', [0, 0.05])
    const lines = useParallelRunsStore()
    await lines.fetch()
    const asked = client.callsTo('listRuns').map((a) => a[0] as RunListQuery)
    expect(asked).toEqual([
      { status: ['done'], orderBy: 'id', descending: true, limit: 1000, offset: 0 },
      { status: ['done'], orderBy: 'id', descending: true, limit: 1000, offset: 1000 }
    ])
    expect(lines.runs).toHaveLength(PARALLEL_CAP)
    expect([lines.total, lines.capped]).toEqual([2500, true])

    client.calls.length = 0
    total = 40
    await lines.fetch()
    expect(client.callsTo('listRuns')).toHaveLength(1)
    expect(lines.capped).toBe(false)
  })

  it('says under the chart when it shows only the newest 2,000, and shows the brush as chips that clear it', async () => {
    const PanelStub = defineComponent({
      props: { option: { type: Object as PropType<object | null>, default: null } },
      setup: (_, { slots }) => () => h('div', { class: 'panel-stub' }, [slots.controls?.(), slots.footer?.()])
    })
    const pinia = createPinia()
    setActivePinia(pinia)
    const w = mount(ParallelPanel, { global: { plugins: [pinia], stubs: { ChartPanel: PanelStub } } })
    wrappers.push(w)
    await flushPromises()
    expect(w.find('[data-testid="parallel-note"]').text()).toMatch(/showing the newest 2,000 of 2,500 matching runs/)
    const table = useRunsStore()
    table.setBrush('lambda', [0.01, 0.05])
    table.setBrushDatasets(['a'])
    await flushPromises()
    expect(w.findAll('[data-testid="brush-chip"]').map((c) => c.text())).toEqual(['λ 0.01–0.05 ×', 'dataset a ×'])
    await w.find('[aria-label="Clear the lambda brush"]').trigger('click')
    expect(table.brush.lambda).toBeNull()
    await w.find('[data-testid="clear-brush"]').trigger('click')
    expect(table.brush.datasets).toEqual([])
  })
})
