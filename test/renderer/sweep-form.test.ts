// @vitest-environment happy-dom
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { setApiClient } from '../../src/renderer/src/api/client'
import SweepForm from '../../src/renderer/src/components/sweep/SweepForm.vue'
import { useStatusStore } from '../../src/renderer/src/stores/status'
import { PRESETS } from '../../src/shared/sweep-spec'
import { fakeClient, STATUS, sweepRow, type FakeClient } from './fake-client'

let client: FakeClient
let wrapper: VueWrapper

async function mountForm(stepMs: number | null = 1): Promise<VueWrapper> {
  client = fakeClient({ getStatus: () => ({ ...structuredClone(STATUS), stepMs }), queueSweep: () => sweepRow({ id: 7, status: 'queued' }) })
  setApiClient(client)
  const pinia = createPinia()
  setActivePinia(pinia)
  await useStatusStore().refresh()
  wrapper = mount(SweepForm, { global: { plugins: [pinia] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const byTest = (w: VueWrapper, id: string) => w.find(`[data-testid="${id}"]`)
const errorFor = (w: VueWrapper, field: string) => w.findAll(`[data-error-for="${field}"]`).map((e) => e.text())
const queueDisabled = (w: VueWrapper) => (byTest(w, 'queue').element as HTMLButtonElement).disabled

async function useLambdaList(w: VueWrapper, text: string): Promise<void> {
  await w.find('input[name="lambda-mode"][value="list"]').setValue(true)
  await byTest(w, 'lambda-list').setValue(text)
}

beforeEach(() => {
  window.location.hash = '#/sweep'
})
afterEach(() => {
  wrapper?.unmount()
  setApiClient(null)
})

describe('sweep form', () => {
  it('starts from the paper preset: 66 runs, duration from the measured step time over the workers', async () => {
    const w = await mountForm()
    expect(byTest(w, 'run-count').text()).toBe('66')
    // ceil(10,000 / 64) × 10 epochs = 1,570 steps per run; 66 runs × 1,570 × 1 ms / 2 workers ≈ 52 s.
    expect(w.text()).toContain('1,570')
    expect(w.text()).toContain('103,620')
    expect(byTest(w, 'duration').text()).toBe('≈ 52 s')
    expect(w.findAll('[data-error-for]')).toHaveLength(0)
    expect(queueDisabled(w)).toBe(false)
  })

  it('shows λ < 0 next to the λ field and disables Queue', async () => {
    const w = await mountForm()
    await useLambdaList(w, '0, -0.01')
    expect(errorFor(w, 'lambdas')).toEqual(['λ must be ≥ 0'])
    expect(byTest(w, 'lambda-list').attributes('aria-invalid')).toBe('true')
    expect(byTest(w, 'run-count').text()).toBe('—')
    expect(queueDisabled(w)).toBe(true)
    expect(byTest(w, 'error-count').text()).toBe('1 field needs attention')

    await byTest(w, 'lambda-list').setValue('0, 0.01')
    expect(errorFor(w, 'lambdas')).toEqual([])
    expect(queueDisabled(w)).toBe(false)
    expect(byTest(w, 'run-count').text()).toBe('12')
  })

  it('reports words that are not numbers and range errors on their own fields', async () => {
    const w = await mountForm()
    await useLambdaList(w, '0, abc')
    expect(errorFor(w, 'lambdas')).toEqual(['not a number: abc'])

    await w.find('input[name="lambda-mode"][value="range"]').setValue(true)
    await byTest(w, 'lambda-from').setValue('0.05')
    await byTest(w, 'lambda-to').setValue('0.01')
    await byTest(w, 'lambda-step').setValue('0')
    expect(errorFor(w, 'lambdas.to').join()).toContain('to must be ≥ from')
    expect(errorFor(w, 'lambdas.step').join()).toContain('step must be > 0')
    expect(queueDisabled(w)).toBe(true)
  })

  it('explains empty and out-of-range numbers in words', async () => {
    const w = await mountForm()
    await byTest(w, 'epochs').setValue('')
    expect(errorFor(w, 'epochs')).toEqual(['enter a number'])
    await byTest(w, 'epochs').setValue('0')
    expect(errorFor(w, 'epochs')).toEqual(['epochs must be ≥ 1'])
    await byTest(w, 'momentum').setValue('1')
    expect(errorFor(w, 'momentum')).toEqual(['must be < 1'])
    await byTest(w, 'runs-per-lambda').setValue('1.5')
    expect(errorFor(w, 'runsPerLambda')).toEqual(['enter a whole number'])
  })

  it('requires a dataset and checks that the network fits 28×28 and explicit α match the layers', async () => {
    const w = await mountForm()
    await byTest(w, 'dataset-fashion-mnist').setValue(false)
    expect(errorFor(w, 'datasets')).toEqual(['give at least one dataset'])
    await byTest(w, 'dataset-mnist').setValue(true)
    expect(errorFor(w, 'datasets')).toEqual([])

    await w.find('input[aria-label="conv 1 kernel"]').setValue('30')
    expect(errorFor(w, 'network.convs.0').join()).toContain('must be ≤ 28')
    expect(errorFor(w, 'network.convs').join()).toContain('does not fit')
    await w.find('input[aria-label="conv 1 kernel"]').setValue('2')

    await w.find('input[name="alpha-kind"][value="explicit"]').setValue(true)
    await byTest(w, 'alpha-values').setValue('0.1, 0.2')
    expect(errorFor(w, 'alphaInit.values')).toEqual(['give 1 value or 3 (one per ReLU_α layer), not 2'])
    await byTest(w, 'alpha-values').setValue('0.1, 0.2, 0.3')
    expect(errorFor(w, 'alphaInit.values')).toEqual([])
    expect(queueDisabled(w)).toBe(false)
  })

  it('adds and removes conv layers', async () => {
    const w = await mountForm()
    expect(w.findAll('input[aria-label$="kernel"]')).toHaveLength(3)
    await byTest(w, 'add-conv').trigger('click')
    expect(w.findAll('input[aria-label$="kernel"]')).toHaveLength(4)
    expect(w.text()).toContain('4 learned α')
    await w.find('button[aria-label="Remove conv 4"]').trigger('click')
    await w.find('input[aria-label="conv 3 uses ReLU_α"]').setValue(false)
    expect(w.text()).toContain('2 learned α')
  })

  it('fills every field from the original-code preset', async () => {
    const w = await mountForm()
    await byTest(w, 'epochs').setValue('3')
    await byTest(w, 'preset-original-code').trigger('click')
    const preset = PRESETS['original-code']
    expect((byTest(w, 'penalty-l2').element as HTMLInputElement).checked).toBe(true)
    expect((byTest(w, 'subsample-all').element as HTMLInputElement).checked).toBe(true)
    expect((byTest(w, 'subsample').element as HTMLInputElement).disabled).toBe(true)
    expect((byTest(w, 'repeats').element as HTMLInputElement).value).toBe(String(preset.repeats))
    expect((byTest(w, 'epochs').element as HTMLInputElement).value).toBe('10')
    expect((byTest(w, 'name').element as HTMLInputElement).value).toBe('original-code')
    // 11 λ × 6 runs × 1 dataset × 5 repeats.
    expect(byTest(w, 'run-count').text()).toBe('330')
    // All 60,000 Fashion-MNIST images: ceil(60,000 / 64) × 10 = 9,380 steps per run.
    expect(w.text()).toContain('9,380')

    await byTest(w, 'preset-paper').trigger('click')
    expect((byTest(w, 'penalty-l1').element as HTMLInputElement).checked).toBe(true)
    expect(byTest(w, 'run-count').text()).toBe('66')
  })

  it('updates the run count and duration as fields change', async () => {
    const w = await mountForm()
    await byTest(w, 'runs-per-lambda').setValue('2')
    expect(byTest(w, 'run-count').text()).toBe('22')
    await byTest(w, 'dataset-mnist').setValue(true)
    expect(byTest(w, 'run-count').text()).toBe('44')
    // mnist has 8,000 training images, so its 10,000 subsample is all 8,000: 125 × 10 steps.
    await byTest(w, 'dataset-fashion-mnist').setValue(false)
    await byTest(w, 'epochs').setValue('1')
    expect(w.text()).toContain('125')
    // 22 runs × 125 steps × 1 ms / 2 workers = 1.4 s.
    expect(byTest(w, 'duration').text()).toBe('≈ 1 s')
    await byTest(w, 'batch-size').setValue('32')
    // Steps double (250) and each costs half a batch-64 step: same total time, more steps.
    expect(w.text()).toContain('250')
  })

  it('says when the step time is not measured yet', async () => {
    const w = await mountForm(null)
    expect(byTest(w, 'duration').text()).toBe('step time not measured yet')
  })

  it('queues the validated spec and goes to the queue', async () => {
    const w = await mountForm()
    await useLambdaList(w, '0, 0.05')
    await byTest(w, 'runs-per-lambda').setValue('2')
    await byTest(w, 'subsample').setValue('1000')
    await byTest(w, 'epochs').setValue('1')
    await w.find('form').trigger('submit')
    await flushPromises()
    const [[spec]] = client.callsTo('queueSweep') as [[Record<string, unknown>]]
    expect(spec).toMatchObject({ name: 'paper', lambdas: [0, 0.05], runsPerLambda: 2, subsample: 1000, epochs: 1, datasets: ['fashion-mnist'], penalty: 'l1' })
    expect(window.location.hash).toBe('#/queue')
  })

  it('stays on the form when the back end rejects the sweep', async () => {
    const w = await mountForm()
    client = fakeClient({
      queueSweep: () => {
        throw new Error('queueSweep: lambdas: λ must be ≤ 10')
      }
    })
    setApiClient(client)
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(window.location.hash).toBe('#/sweep')
    expect(queueDisabled(w)).toBe(false)
  })
})

describe('sweep form at the run cap (issue 13, defect 6)', () => {
  const lambdas = (n: number): string => Array.from({ length: n }, (_, i) => (i / 1000).toString()).join(', ')
  it('says that one sweep holds at most 100,000 runs, and does not queue one over it', async () => {
    const w = await mountForm()
    // 101 λ × 1,000 runs per λ = 101,000 runs: over the cap.
    await byTest(w, 'runs-per-lambda').setValue('1000')
    await useLambdaList(w, lambdas(101))
    await flushPromises()
    expect(w.findAll('[data-error-for]').map((e) => e.text()).join(' ')).toContain('this sweep has 101,000 runs; one sweep holds at most 100,000')
    expect(queueDisabled(w)).toBe(true)
    await byTest(w, 'queue').trigger('click')
    await flushPromises()
    expect(client.callsTo('queueSweep')).toEqual([])
    // At the cap itself (100 λ) it may be queued.
    await byTest(w, 'lambda-list').setValue(lambdas(100))
    await flushPromises()
    expect(w.findAll('[data-error-for]').map((e) => e.text())).toEqual([])
    expect(queueDisabled(w)).toBe(false)
  })
})
