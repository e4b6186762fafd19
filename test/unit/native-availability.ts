import { describe, it } from 'vitest'
import { nativeAvailable } from '../../src/main/engine/native-engine'

/**
 * The ISA paths the native tests run on: every one this CPU supports. When the
 * addon is not built the tests skip with the reason in the test name, unless
 * ALPHA_WB_REQUIRE_NATIVE=1 (CI), where a missing addon is a failure.
 */
export function nativeIsas(): string[] {
  const avail = nativeAvailable()
  if (avail.ok) return avail.isas
  describe('native engine', () => {
    if (process.env.ALPHA_WB_REQUIRE_NATIVE === '1') {
      it('is built and loads (required by ALPHA_WB_REQUIRE_NATIVE=1)', () => {
        throw new Error(avail.reason)
      })
    } else {
      it.skip(`skipped: ${avail.reason}`, () => {})
    }
  })
  return []
}
