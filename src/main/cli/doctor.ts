import { cacheState } from '../data'
import { knownAnswerCheck, KNOWN_ANSWER_TOLERANCE, type KnownAnswerResult } from '../engine/known-answer'
import { createNativeEngine, nativeAvailable } from '../engine/native-engine'
import { chooseEngine } from '../engine/select'
import { initTfjs } from '../engine/tfjs-backend'
import { createTfjsEngine } from '../engine/tfjs-engine'
import { PAPER_NETWORK } from '../../shared/network'
import { versions } from '../versions'
import { defaultDatasetCacheDir, defaultDbPath } from '../paths'
import { parseCommand } from './args'
import { describeSqliteBuilds, type SqliteBuilds } from '../store/sqlite-binding'

export const DOCTOR_HELP = `doctor [--json]
  Reports the engines and TF.js backend this machine uses (and why the others
  are not used), versions, the dataset cache, and runs the PyTorch known-answer
  check on every engine available. Exits 1 if a check fails.`

interface EngineCheck {
  engine: string
  results: KnownAnswerResult[]
  ok: boolean
}

export async function doctor(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { json: { type: 'boolean' } })
  const v = versions()
  const tfjs = await initTfjs()
  const native = nativeAvailable()
  const choice = await chooseEngine('auto', PAPER_NETWORK)
  const cacheDir = defaultDatasetCacheDir()
  const datasets = cacheState(cacheDir)

  const checks: EngineCheck[] = []
  const tfjsResults = knownAnswerCheck(createTfjsEngine)
  checks.push({ engine: `tfjs/${tfjs.active}`, results: tfjsResults, ok: tfjsResults.every((r) => r.ok) })
  if (native.ok) {
    const nativeResults = knownAnswerCheck(createNativeEngine)
    checks.push({ engine: `native/${native.isa}`, results: nativeResults, ok: nativeResults.every((r) => r.ok) })
  }
  const ok = checks.every((c) => c.ok)
  const sqlite = describeSqliteBuilds({ electron: v.electron, betterSqlite3: v.betterSqlite3 })

  if (values.json) {
    console.log(JSON.stringify({ ok, versions: v, tfjs, native, training: choice, sqlite, db: defaultDbPath(), cacheDir, datasets, checks }, null, 2))
    return ok ? 0 : 1
  }
  const line = (k: string, val: string): void => console.log(`  ${k.padEnd(16)} ${val}`)
  console.log('α-Workbench doctor')
  line('app', v.app)
  line('node', v.node)
  const noWindow = '`npm run serve` gives the same UI in a browser'
  line(
    'electron',
    !v.electron
      ? `not installed (its download failed): ${noWindow}`
      : v.electronRunning
        ? `${v.electron} (running)`
        : v.electronBinary
          ? `${v.electron} (installed)`
          : `${v.electron} package without its binary (download failed or skipped): ${noWindow}`
  )
  line('tfjs', v.tfjs)
  line('TF.js backend', `${tfjs.active}${tfjs.active === 'wasm' ? ` (SIMD ${tfjs.wasmSimd ? 'yes' : 'no'}, threads ${tfjs.wasmThreads ? 'yes' : 'no'})` : ''}`)
  for (const a of tfjs.attempts.filter((a) => !a.ok)) line('', `${a.backend}: ${a.reason}`)
  line('native kernel', native.ok ? `${native.isa}` : `unavailable: ${native.reason}`)
  line('training engine', `${choice.kind}/${choice.backend} for the paper's network${choice.notes.length ? ` (${choice.notes.join('; ')})` : ''}`)
  line('better-sqlite3', v.betterSqlite3 ?? 'missing')
  for (const l of sqliteLines(sqlite, v.electronBinary)) line('', l)
  line('database', defaultDbPath())
  line('dataset cache', cacheDir)
  for (const d of datasets) line('', `${d.name}: ${d.cached ? `cached (${((d.bytes ?? 0) / 1e6).toFixed(1)} MB)` : 'not cached yet (built on first use)'}`)
  console.log(`  known-answer check against the PyTorch fixture (tolerance ${KNOWN_ANSWER_TOLERANCE}):`)
  for (const c of checks) {
    const worst = Math.max(...c.results.map((r) => r.maxDiff))
    line('', `${c.engine}: ${c.ok ? 'ok' : 'FAILED'} — ${c.results.length} cases, max |Δ| ${worst.toExponential(1)}`)
    for (const r of c.results.filter((r) => !r.ok)) line('', `  ${r.case}: max |Δ| ${r.maxDiff.toExponential(2)}`)
  }
  console.log(ok ? 'doctor: all checks passed' : 'doctor: a known-answer check FAILED')
  return ok ? 0 : 1
}

/** Both better-sqlite3 builds, and which runtime loads which (better-sqlite3 is a V8 addon: one build per ABI). */
export function sqliteLines(s: SqliteBuilds, electronBinary: boolean): string[] {
  const node = s.node.path === null
    ? 'Node build: better-sqlite3 is not installed'
    : `Node build: ${s.node.exists ? (s.node.loads ? 'loads' : `does not load (${s.node.error ?? 'unknown error'})`) : 'missing'} — ${s.node.path}`
  let electron: string
  if (s.electron.exists) {
    const b = s.electron.built
    electron = `Electron build: ${b ? `for Electron ${b.electron} (${b.method}, ${b.platform}-${b.arch})` : 'present, no build record'}${s.electron.stale ? `, STALE (${s.electron.stale}): run ${s.fix}` : ''} — ${s.electron.path}`
  } else {
    electron = `Electron build: missing — ${s.electron.path}; ${electronBinary ? `run ${s.fix}` : `made by ${s.fix} once Electron's binary is installed`}`
  }
  return [node, electron, `uses: CLI and serve → ${s.uses.cli} build; desktop app → ${s.uses.desktop} build`]
}
