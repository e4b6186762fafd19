import { cpus } from 'node:os'
import type { SweepBreakdown } from './sweep-bench'

/** The CPU, its widest vector ISA and the load the figures were taken under. */
export function machineLine(loadBefore: number): string {
  const model = cpus()[0]?.model ?? 'unknown CPU'
  return `  machine: ${model}, ${cpus().length} cores; 1-minute load average before the run ${loadBefore.toFixed(2)}`
}

function pct(part: number, whole: number): string {
  return `${((100 * part) / Math.max(whole, 1e-9)).toFixed(1).padStart(5)}%`
}

/** `bench sweep`'s breakdown of the core-seconds, and the kernel's share of the measured peak. */
export function printBreakdown(b: SweepBreakdown, wallSeconds: number, workers: number, flopsStep: number, peak: { isa: string; gflops: number } | null): void {
  const line = (label: string, seconds: number) => console.log(`      ${label.padEnd(44)} ${seconds.toFixed(2).padStart(8)} s ${pct(seconds, b.coreSeconds)}`)
  console.log(`    where the time went (${workers} worker(s) × ${wallSeconds.toFixed(2)} s wall = ${b.coreSeconds.toFixed(2)} core-seconds):`)
  line(`kernel: trainSteps (${b.native.trainSteps.items.toLocaleString('en')} steps)`, b.kernel)
  line(`per-epoch evaluation (${b.native.evaluate.calls} calls, ${b.native.evaluate.items.toLocaleString('en')} images)`, b.evaluation)
  line(`parameter copies (${b.native.params.calls} set/getParams)`, b.paramCopies)
  line('worker JS: chunk copies, history rows, messages', b.workerJs)
  let rest = 0
  for (const [name, s] of Object.entries(b.storeWrites)) {
    if (s >= 0.05 * Math.max(...Object.values(b.storeWrites))) line(`main thread, SQLite: store.${name}`, s)
    else rest += s
  }
  if (rest > 0) line('main thread, SQLite: other store calls', rest)
  line('main thread, other (events, message handling)', b.mainOther)
  line('idle cores: hand-offs, waits, other load', b.idle)
  const waited = b.native.trainSteps.wallSeconds - b.native.trainSteps.cpuSeconds
  console.log(`      (inside trainSteps, threads also waited ${waited.toFixed(2)} s for a core: wall ${b.native.trainSteps.wallSeconds.toFixed(2)} s vs CPU ${b.kernel.toFixed(2)} s)`)
  const kernelGflops = flopsStep / b.kernelCpuPerStep / 1e9
  const share = peak ? ` = ${pct(kernelGflops, peak.gflops).trim()} of the measured ${peak.isa} FMA peak (goal ≥ 75%)` : ''
  console.log(`    kernel alone   ${(b.kernelCpuPerStep * 1000).toFixed(3)} ms/step of thread CPU time, ${kernelGflops.toFixed(1)} GFLOP/s per core${share}`)
}
