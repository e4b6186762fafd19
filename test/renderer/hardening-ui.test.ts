// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, describe, expect, it } from 'vitest'
import { setApiClient } from '../../src/renderer/src/api/client'
import SweepCard from '../../src/renderer/src/components/queue/SweepCard.vue'
import { fakeClient, sweepRow } from './fake-client'

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
