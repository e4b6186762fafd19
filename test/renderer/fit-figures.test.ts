// @vitest-environment happy-dom
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, describe, expect, it } from 'vitest'
import { defineComponent, h, type PropType } from 'vue'
import { setApiClient } from '../../src/renderer/src/api/client'
import FitFigures from '../../src/renderer/src/components/stats/FitFigures.vue'
import { useStatsStore } from '../../src/renderer/src/stores/stats'
import type { AnalysisQuery } from '../../src/shared/api'
import type { CurveTest, DoseFit, FitsResult, LogRankTest, StartFit, SurvivalCurve, SurvivalResult } from '../../src/shared/results'
import { fakeClient, type FakeClient } from './fake-client'

/** Hand-made answers in the shape the back end gives (the numbers are checked against statsmodels elsewhere). */
const LAMBDAS = Array.from({ length: 11 }, (_, l) => l * 0.005)
function fit(dataset: string | null, alpha_index: number | null, tests: CurveTest[] = []): DoseFit {
  const ok = alpha_index !== 2
  return {
    dataset,
    pooled: dataset === null ? ['a', 'b'] : null,
    alpha_index,
    n: 66,
    collapsed: 30,
    runs: 66,
    b0: ok ? -3.5 : null,
    b1: ok ? 140 : null,
    se_b0: ok ? 0.5 : null,
    se_b1: ok ? 18 : null,
    lambda50: ok ? 0.025 : null,
    lambda50_ci_low: ok ? 0.022 : null,
    lambda50_ci_high: ok ? 0.028 : null,
    cluster_se_b0: ok ? 0.6 : null,
    cluster_se_b1: ok ? 20 : null,
    lambda50_cluster_ci_low: ok ? 0.021 : null,
    lambda50_cluster_ci_high: ok ? 0.029 : null,
    log_lik: -80,
    identifiable: ok,
    problem: ok ? null : 'not identifiable: complete or quasi-complete separation',
    tests
  }
}
const test = (kind: CurveTest['kind'], datasets: string[], sentence: string): CurveTest => ({ kind, datasets, alpha_indices: kind === 'alpha' ? [0, 1, 2] : null, stat: 3.1, df: 4, p: 0.54, problem: null, sentence })
function fitsResult(pool: boolean, threshold: number): FitsResult {
  const names: (string | null)[] = pool ? ['a', 'b', null] : ['a', 'b']
  const start: StartFit = { dataset: 'a', pooled: null, n: 198, b0: -3, b_alpha: -1, b_lambda: 140, se_b0: 0.4, se_b_alpha: 0.5, se_b_lambda: 15, identifiable: true, problem: null, cells: LAMBDAS.map((lambda) => ({ alpha_init: 0.5, lambda, n: 3, collapsed: 1, observed: 1 / 3, fitted: 0.4 })) }
  return {
    threshold,
    fits: names.flatMap((d) => [
      fit(d, null, [
        ...(d === null ? [test('datasets', ['a', 'b'], 'The datasets a, b are consistent with one curve (likelihood ratio χ² = 3.10, df = 2, p = 0.21).')] : []),
        test('alpha', d ? [d] : ['a', 'b'], `α0, α1, α2 of ${d ?? 'the pooled datasets a, b'} are consistent with one curve (likelihood ratio χ² = 3.10, df = 4, p = 0.54).`)
      ]),
      fit(d, 0),
      fit(d, 1),
      fit(d, 2)
    ]),
    start: [start],
    observed: names.flatMap((d) => LAMBDAS.map((lambda) => ({ dataset: d ?? 'pooled', lambda, runs: 6, n: 18, collapsed: 9, pct: 50, ci_low: 29, ci_high: 71, per_alpha: [], repeats: 0 })))
  }
}
function survivalResult(threshold: number): SurvivalResult {
  const curve = (dataset: string, lambda: number | null): SurvivalCurve => ({ dataset, lambda, n: 18, events: 2, times: [101, 939], surv: [0.9, 0.8], se: [0.07, 0.09], ci_low: [0.6, 0.5], ci_high: [0.97, 0.93], median: null, median_ci_low: null, median_ci_high: null, last_step: 9343 })
  const logRank: LogRankTest = { kind: 'datasets', groups: ['a', 'b'], stratified: true, stat: 0.4, df: 1, p: 0.53, problem: null, sentence: 'The datasets a, b are consistent with one time-to-collapse curve, comparing within each λ (log-rank χ² = 0.40, df = 1, p = 0.53).' }
  return { threshold, reconstructed_steps: true, curves: ['a', 'b'].flatMap((d) => [curve(d, null), ...LAMBDAS.map((l) => curve(d, l))]), tests: [logRank] }
}

/** Stands in for ChartPanel (ECharts needs a canvas): shows the title, how many series the option has and its zoom kinds. */
const PanelStub = defineComponent({
  props: { title: { type: String, required: true }, option: { type: Object as PropType<{ series?: unknown[]; dataZoom?: { type?: string }[] } | null>, default: null } },
  setup: (props, { slots }) => () =>
    h('div', { class: 'panel-stub', 'data-title': props.title, 'data-series': props.option?.series?.length ?? 0, 'data-zoom': (props.option?.dataZoom ?? []).map((z) => z.type).join(' ') }, [slots.controls?.(), slots.footer?.()])
})

let client: FakeClient
let wrapper: VueWrapper

async function mountFigures(): Promise<VueWrapper> {
  client = fakeClient({
    getDoseFits: (q) => fitsResult((q as AnalysisQuery).pool ?? false, q?.threshold ?? 0.05),
    getSurvival: (q) => survivalResult(q?.threshold ?? 0.05),
    getRunCollapse: () => []
  })
  setApiClient(client)
  const pinia = createPinia()
  setActivePinia(pinia)
  wrapper = mount(FitFigures, { global: { plugins: [pinia], stubs: { ChartPanel: PanelStub } }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

afterEach(() => {
  wrapper?.unmount()
  setApiClient(null)
})

describe('Figures 5–7 in the statistics view', () => {
  it('draws the three figures and states every test in plain words', async () => {
    const w = await mountFigures()
    const panels = w.findAll('.panel-stub')
    expect(panels.map((p) => p.attributes('data-title'))).toEqual([
      expect.stringMatching(/^Figure 5/),
      expect.stringMatching(/^Figure 6/),
      expect.stringMatching(/^Figure 7/)
    ])
    for (const p of panels) expect(Number(p.attributes('data-series'))).toBeGreaterThan(0)
    // Zoom everywhere: λ (Figure 5) and steps (Figure 6) by wheel and slider; Figure 7's λ by wheel (its colour scale sits under it).
    expect(panels.map((p) => p.attributes('data-zoom'))).toEqual(['inside slider', 'inside slider', 'inside'])
    const sentences = w.findAll('[data-testid="tests-table"] tbody tr').map((r) => r.findAll('td')[4]?.text())
    expect(sentences).toContainEqual(expect.stringMatching(/^α0, α1, α2 of a are consistent with one curve/))
    expect(sentences).toContainEqual(expect.stringMatching(/^The datasets a, b .*\(log-rank χ² = 0.40, df = 1, p = 0.53\)/))
    expect(w.text()).toMatch(/step axis is reconstructed/)
    expect(w.text()).toMatch(/not identifiable: complete or quasi-complete separation/)
    expect(w.findAll('[data-testid="fits-table"] tbody tr')).toHaveLength(2 * 4)
  })

  it('"pool repeats" (the view switch, in the stats store) refetches with pool and adds the pooled fit and the datasets test; the threshold refetches too', async () => {
    const w = await mountFigures()
    useStatsStore().pool = true
    await new Promise((r) => setTimeout(r, 200))
    await flushPromises()
    expect(client.callsTo('getDoseFits').at(-1)?.[0]).toMatchObject({ pool: true, threshold: 0.05 })
    expect(w.findAll('[data-testid="fits-table"] tbody tr')).toHaveLength(3 * 4)
    expect(w.text()).toMatch(/The datasets a, b are consistent with one curve \(likelihood ratio/)
    useStatsStore().threshold = 0.1
    await new Promise((r) => setTimeout(r, 200))
    await flushPromises()
    expect(client.callsTo('getSurvival').at(-1)?.[0]).toMatchObject({ pool: true, threshold: 0.1 })
  })
})
