import { describe, expect, it } from 'vitest'
import { ref } from 'vue'
import { latestRequest } from '../../src/renderer/src/lib/latest'

function deferred<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('latestRequest', () => {
  it('applies only the latest response, whatever order they arrive in', async () => {
    const loading = ref(false)
    const error = ref<string | null>('old error')
    const latest = latestRequest({ loading, error })
    const applied: string[] = []
    const a = deferred<string>()
    const b = deferred<string>()
    const first = latest.run(() => a.promise, (v) => applied.push(v))
    const second = latest.run(() => b.promise, (v) => applied.push(v))
    expect(loading.value).toBe(true)
    b.resolve('second')
    a.resolve('first')
    expect(await Promise.all([first, second])).toEqual([false, true])
    expect(applied).toEqual(['second'])
    expect(loading.value).toBe(false)
    expect(error.value).toBeNull()
  })

  it("reports only the latest request's error", async () => {
    const error = ref<string | null>(null)
    const latest = latestRequest({ error })
    const failures: unknown[] = []
    const a = deferred<number>()
    const b = deferred<number>()
    const first = latest.run(() => a.promise, () => undefined, (e) => failures.push(e))
    const second = latest.run(() => b.promise, () => undefined, (e) => failures.push(e))
    a.reject(new Error('stale failure'))
    b.reject(new Error('no run #4'))
    await Promise.all([first, second])
    expect(error.value).toBe('no run #4')
    expect(failures).toHaveLength(1)
  })

  it('drops a response made stale by invalidate()', async () => {
    const loading = ref(false)
    const latest = latestRequest({ loading })
    const a = deferred<number>()
    let applied = false
    const p = latest.run(() => a.promise, () => (applied = true))
    latest.invalidate()
    expect(loading.value).toBe(false)
    a.resolve(1)
    expect(await p).toBe(false)
    expect(applied).toBe(false)
  })
})
