// Before/after numbers of Figures 1 and 3 (issue 10, defects 2 and 5) from one database:
// "before" applies the first version's rules (every run counted, float32 α ≤ 0.05 as a double,
// Figure 3's dark bar = the first of 10 equal bins [0, 0.1)); "after" is what the app shows now (stats --json).
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { wilsonInterval as wilson } from '../src/main/analysis/wilson'

// npx tsx bench/before-after-figures.ts DB (the closing note of issue 10: two `sweep --preset paper`, then `import` of study CSVs)
const BIN = fileURLToPath(new URL('../bin/alpha-wb.mjs', import.meta.url))
const db = process.argv[2]
const cli = (args: string[]): unknown => JSON.parse(execFileSync(process.execPath, [BIN, ...args, '--json', '--db', db], { encoding: 'utf8', maxBuffer: 1 << 28 }))
interface Run { id: number; dataset: string; lambda: number; finalAlpha: number[] | null; status: string }
interface Row { dataset: string; lambda: number; n: number; collapsed: number; pct: number; ci_low: number; ci_high: number; repeats: number }
const runs = (cli(['runs', '--limit', '10000']) as Run[]).filter((r) => r.status === 'done' && r.finalAlpha)
const rows = cli(['stats']) as Row[]
const datasets = [...new Set(rows.map((r) => r.dataset))]
for (const ds of datasets) {
  console.log(`\n${ds}`)
  console.log('λ | before: n, collapsed (%, 95% CI), Fig. 3 dark bar | after: n, collapsed (%, 95% CI), Fig. 3 dark bar, repeats left out')
  for (const row of rows.filter((r) => r.dataset === ds).sort((a, b) => a.lambda - b.lambda)) {
    const alphas = runs.filter((r) => r.dataset === ds && Math.abs(r.lambda - row.lambda) < 1e-12).flatMap((r) => r.finalAlpha!)
    const n = alphas.length
    const col = alphas.filter((a) => a <= 0.05).length
    const bar = alphas.filter((a) => a >= 0 && a < 0.1).length
    const w = wilson(col, n)
    const f = (x: number): string => (100 * x).toFixed(1)
    console.log(`${row.lambda} | ${n}, ${col} (${f(col / n)}%, ${f(w.low)}–${f(w.high)}), ${bar} | ${row.n}, ${row.collapsed} (${row.pct.toFixed(1)}%, ${row.ci_low.toFixed(1)}–${row.ci_high.toFixed(1)}), ${row.collapsed}, ${row.repeats}`)
  }
}
