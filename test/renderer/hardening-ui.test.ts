// @vitest-environment happy-dom
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, describe, expect, it } from 'vitest'
import { setApiClient } from '../../src/renderer/src/api/client'
import SweepCard from '../../src/renderer/src/components/queue/SweepCard.vue'
import SweepForm from '../../src/renderer/src/components/sweep/SweepForm.vue'
import { useStatusStore } from '../../src/renderer/src/stores/status'
import { fakeClient, STATUS, sweepRow } from './fake-client'

afterEach(() => setApiClient(null))

describe('diverged runs are shown (issue 13, defect 5)', () => {
  it('a sweep card counts its diverged runs apart from the done ones, and says they are left out of the statistics', () => {
    setApiClient(fakeClient())
    const pinia = createPinia()
    setActivePinia(pinia)
    const sweep = sweepRow({ status: 'done', progress: { total: 5, queued: 0, running: 0, done: 3, failed: 0, cancelled: 0, diverged: 2, stepsPlanned: 500, stepsDone: 500 } })
    const w = mount(SweepCard, { props: { sweep, eta: null, live: [], revision: 0 }, global: { plugins: [pinia] } })
    const diverged = w.findAll('.counts span').find((s) => s.text() === '2 diverged')
    expect(diverged, w.find('.counts').text()).toBeDefined()
    expect(diverged!.attributes('title')).toMatch(/left out of the statistics/)
    expect(w.get('[data-testid="sweep-done"]').text()).toBe('3')
    w.unmount()
  })
})

describe('the run cap counts repeats too (issue 13, defect 6)', () => {
  // sweep-form.test.ts goes over the cap with λ values × runs per λ; this goes over it with repeats, the factor that multiplies the rest.
  it('refuses 11 λ × 1,000 runs × 10 repeats (110,000 runs) with the cap message, queues nothing, and takes 9 repeats (99,000)', async () => {
    const client = fakeClient({ getStatus: () => ({ ...structuredClone(STATUS), stepMs: 1 }), queueSweep: () => sweepRow({ id: 7, status: 'queued' }) })
    setApiClient(client)
    const pinia = createPinia()
    setActivePinia(pinia)
    await useStatusStore().refresh()
    window.location.hash = '#/sweep'
    const w: VueWrapper = mount(SweepForm, { global: { plugins: [pinia] }, attachTo: document.body })
    try {
      await flushPromises()
      const byTest = (id: string) => w.get(`[data-testid="${id}"]`)
      const errors = (): string[] => w.findAll('[data-error-for]').map((e) => e.text())
      const queueDisabled = (): boolean => (byTest('queue').element as HTMLButtonElement).disabled
      // The paper preset the form starts from: 11 λ × 6 runs on one dataset, once.
      expect(byTest('run-count').text()).toBe('66')
      await byTest('runs-per-lambda').setValue('1000')
      await byTest('repeats').setValue('10')
      await flushPromises()
      expect(errors()).toEqual(['this sweep has 110,000 runs; one sweep holds at most 100,000 (λ values × runs per λ × datasets × repeats)'])
      expect(queueDisabled()).toBe(true)
      // Neither the button nor submitting the form (Enter in a field) queues it.
      await byTest('queue').trigger('click')
      await w.get('form').trigger('submit')
      await flushPromises()
      expect(client.callsTo('queueSweep')).toEqual([])

      await byTest('repeats').setValue('9')
      await flushPromises()
      expect(errors()).toEqual([])
      expect(byTest('run-count').text()).toBe('99,000')
      expect(queueDisabled()).toBe(false)
    } finally {
      w.unmount()
    }
  })
})
