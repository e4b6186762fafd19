/**
 * The PyTorch parity check of test/unit/native-parity.test.ts as a plain
 * script, for a Node that cannot run vitest: the arm64 prebuild under
 * qemu-user with Debian's arm64 Node 18 (see .ci/prebuilt-kernel). Same
 * fixture, same 1e-5 bound, same checks: step 1's loss, CE, log-softmax and
 * gradients; the clamped parameters after step 1; the 3-step trajectory in
 * one-step calls and in one 4-step call. Bundled with esbuild before it runs.
 * Prints the addon it loaded and `N passed, N failed`; exits non-zero on any
 * failure or when the addon does not load.
 */
import { createNativeEngine, nativeAddonPath, nativeAvailable } from '../../src/main/engine/native-engine'
import { caseOptions, goldenBatch, loadGolden, maxAbsDiff, paramsDiff, probeDiffs, toCanonical } from '../../src/main/engine/golden'

const TOL = 1e-5
let passed = 0
let failed = 0
function check(what: string, diff: number): void {
  if (diff <= TOL) passed++
  else {
    failed++
    console.log(`FAIL ${what}: |Δ| = ${diff}`)
  }
}

const avail = nativeAvailable()
if (!avail.ok) {
  console.log(`the native addon does not load: ${avail.reason}`)
  process.exit(1)
}
console.log(`${process.platform}-${process.arch}, Node ${process.version}: ${nativeAddonPath()} (ISAs ${avail.isas.join(', ')})`)
const golden = loadGolden()
const batch = goldenBatch(golden)
const order = (steps: number) => Int32Array.from({ length: 8 * steps }, (_, i) => i % 8)
for (const isa of avail.isas) {
  for (const c of golden.cases) {
    const make = () => {
      const e = createNativeEngine(caseOptions(golden, c), isa)
      e.setParams(toCanonical(golden.init_params, c.alpha_init))
      e.setTrainData(batch)
      return e
    }
    const tag = `${isa} ${c.name}`
    let e = make()
    for (const [name, d] of Object.entries(probeDiffs(e.probe(batch), c))) check(`${tag} step 1 ${name}`, d)
    const alpha = new Float32Array(3)
    const loss = new Float32Array(1)
    e.trainSteps(order(1), 8, 0, 1, alpha, loss)
    check(`${tag} step 1 loss`, Math.abs(loss[0] - c.step1.loss))
    for (const [name, d] of Object.entries(paramsDiff(e.getParams(), toCanonical(c.step1.params_after, c.step1.params_after.alpha.data))))
      check(`${tag} after step 1 ${name}`, d)
    for (const t of c.trajectory) {
      e.trainSteps(order(1), 8, 0, 1, alpha, loss)
      check(`${tag} loss before step ${t.step}`, Math.abs(loss[0] - t.loss_before_step))
      check(`${tag} α after step ${t.step}`, maxAbsDiff(alpha, t.alpha_after_step))
    }
    for (const [name, d] of Object.entries(paramsDiff(e.getParams(), toCanonical(c.params_after_last_step, c.params_after_last_step.alpha.data))))
      check(`${tag} after the last step ${name}`, d)
    e.dispose()
    e = make()
    const alpha4 = new Float32Array(12)
    const loss4 = new Float32Array(4)
    e.trainSteps(order(4), 8, 0, 4, alpha4, loss4)
    check(`${tag} 4 steps in one call: losses`, maxAbsDiff(loss4, [c.step1.loss, ...c.trajectory.map((t) => t.loss_before_step)]))
    check(`${tag} 4 steps in one call: α`, maxAbsDiff(alpha4, [c.step1.params_after.alpha.data, ...c.trajectory.map((t) => t.alpha_after_step)].flat()))
    e.dispose()
  }
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed || !passed ? 1 : 0)
