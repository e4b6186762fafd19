// @vitest-environment happy-dom
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { setApiClient } from '../../src/renderer/src/api/client'
import StatusBar from '../../src/renderer/src/components/StatusBar.vue'
import SweepForm from '../../src/renderer/src/components/sweep/SweepForm.vue'
import { useStatusStore } from '../../src/renderer/src/stores/status'
import type { ComputeState } from '../../src/shared/api'
import type { ClusterWorkerInfo } from '../../src/shared/results'
import { fakeClient, STATUS, sweepRow, type FakeClient } from './fake-client'

const WORKER: ClusterWorkerInfo = {
  id: 'box/42',
  host: 'box',
  pid: 42,
  engine: 'native',
  isa: 'avx2',
  concurrency: 8,
  stepsPerSecond: 200,
  runsDone: 3,
  running: [],
  startedAt: 0,
  lastHeartbeat: Date.now()
}

let client: FakeClient
const mounted: VueWrapper[] = []
const byTest = (w: VueWrapper, id: string) => w.find(`[data-testid="${id}"]`)

/** A back end whose compute follows setCompute; a URL containing "unreachable" is refused like a Redis that does not answer. */
async function setup(): Promise<ReturnType<typeof createPinia>> {
  let compute: ComputeState = { kind: 'local' }
  client = fakeClient({
    getStatus: () => ({ ...structuredClone(STATUS), compute }),
    getCluster: () => ({ compute, workers: compute.kind === 'cluster' ? [WORKER] : [] }),
    setCompute: (choice) => {
      if (choice.kind === 'cluster' && choice.url.includes('unreachable')) throw new Error('cannot reach Redis at redis://unreachable:6379 within 10 s')
      compute = choice.kind === 'local' ? { kind: 'local' } : { kind: 'cluster', url: choice.url }
      return compute
    },
    queueSweep: () => sweepRow({ id: 7, status: 'queued' })
  })
  setApiClient(client)
  const pinia = createPinia()
  setActivePinia(pinia)
  await useStatusStore().refresh()
  return pinia
}

beforeEach(() => {
  window.location.hash = '#/sweep'
})
afterEach(() => {
  for (const w of mounted.splice(0)) w.unmount()
  setApiClient(null)
})

describe('Compute: this machine / cluster at …', () => {
  it('switches to the cluster before queueing, and the status bar then shows it with its workers', async () => {
    const pinia = await setup()
    const form = mount(SweepForm, { global: { plugins: [pinia] }, attachTo: document.body })
    const bar = mount(StatusBar, { global: { plugins: [pinia] } })
    mounted.push(form, bar)
    await flushPromises()
    expect(bar.find('[data-testid="compute"] .mono').text()).toBe('this machine')
    await byTest(form, 'compute-cluster').setValue(true)
    await byTest(form, 'cluster-url').setValue('redis://lab:6379')
    await byTest(form, 'queue').trigger('submit')
    await flushPromises()
    expect(client.callsTo('setCompute')).toEqual([[{ kind: 'cluster', url: 'redis://lab:6379' }]])
    expect(client.calls.findIndex((c) => c.method === 'setCompute')).toBeLessThan(client.calls.findIndex((c) => c.method === 'queueSweep'))
    expect(bar.find('[data-testid="compute"] .mono').text()).toBe('cluster at redis://lab:6379 · 1 worker')
    expect(byTest(bar, 'compute').attributes('title')).toContain('box/42: native/avx2 × 8, 3 runs done')
  })

  it('does not queue when the cluster cannot be reached, and says why', async () => {
    const pinia = await setup()
    const form = mount(SweepForm, { global: { plugins: [pinia] }, attachTo: document.body })
    mounted.push(form)
    await flushPromises()
    await byTest(form, 'compute-cluster').setValue(true)
    await byTest(form, 'cluster-url').setValue('redis://unreachable:6379')
    await byTest(form, 'queue').trigger('submit')
    await flushPromises()
    expect(byTest(form, 'compute-error').text()).toContain('cannot reach Redis at redis://unreachable:6379')
    expect(client.callsTo('queueSweep')).toHaveLength(0)
  })
})
