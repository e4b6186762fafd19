#!/usr/bin/env node
// npm's install step for the project: makes the native training kernel
// (native/, a Node-API addon) available.
//   1. A prebuild in native/prebuilds/<platform>-<arch>/ (shipped in the
//      package, made by `npm run prebuilds`) that loads here is used as is:
//      no compiler needed. npm_config_build_from_source=true compiles anyway.
//   2. Otherwise node-gyp compiles native/build/Release/alpha_native.node.
//   3. If that fails too (no compiler), the install still succeeds and the
//      app trains with TF.js, saying why.
// Node-API is ABI-stable, so the same binary loads in Node and in Electron.
import { spawnSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const nativeDir = join(root, 'native')
const tuple = `${process.platform}-${process.arch}`

function nodeGyp() {
  // npm tells lifecycle scripts where its bundled node-gyp is.
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
  ]
  return candidates.find((c) => c && existsSync(c)) ?? null
}

/** The prebuild node-gyp-build picks for this machine, if one loads here (checked in a child process); else why not. */
function fittingPrebuild() {
  if (!existsSync(join(nativeDir, 'prebuilds'))) return { why: 'no native/prebuilds folder (prebuilds ship in the published package; `npm run prebuilds` makes them)' }
  const probe = `const p = require('node-gyp-build').path(${JSON.stringify(nativeDir)}); const isas = require(p).isas(); console.log(JSON.stringify({ path: p, isas }))`
  const r = spawnSync(process.execPath, ['-e', probe], { cwd: root, encoding: 'utf8', env: { ...process.env, PREBUILDS_ONLY: '1' } })
  if (r.status !== 0) return { why: `no prebuild for ${tuple} loads here: ${(r.stderr.trim().split('\n').find((l) => /Error/.test(l)) ?? r.stderr.trim()).slice(0, 300)}` }
  return JSON.parse(r.stdout.trim())
}

if (process.env.ALPHA_WB_SKIP_NATIVE) {
  console.log('alpha-workbench: ALPHA_WB_SKIP_NATIVE is set; not building the native kernel (TF.js will train)')
  process.exit(0)
}

const fromSource = process.env.npm_config_build_from_source === 'true'
const prebuild = fromSource ? { why: 'npm_config_build_from_source=true' } : fittingPrebuild()
if (prebuild.path) {
  // A stale local compile would take precedence over the prebuild at run time (node-gyp-build looks there first).
  rmSync(join(nativeDir, 'build'), { recursive: true, force: true })
  console.log(`alpha-workbench: using the prebuilt native kernel ${prebuild.path.slice(root.length + 1)} (${prebuild.isas.join(', ')}); nothing to compile`)
  process.exit(0)
}
console.log(`alpha-workbench: compiling the native kernel (${prebuild.why})`)
const gyp = nodeGyp()
const started = Date.now()
// One job per core: the AVX2, AVX-512 and portable kernels are separate files (about 2x faster on 2 cores).
const env = { ...process.env, JOBS: process.env.JOBS ?? 'max' }
const result = gyp
  ? spawnSync(process.execPath, [gyp, 'rebuild', '--release'], { cwd: nativeDir, stdio: 'inherit', env })
  : spawnSync('node-gyp', ['rebuild', '--release'], { cwd: nativeDir, stdio: 'inherit', env, shell: process.platform === 'win32' })
if (result.status === 0) {
  console.log(`alpha-workbench: native training kernel built in ${((Date.now() - started) / 1000).toFixed(0)} s`)
} else {
  console.warn(
    `alpha-workbench: the native training kernel did not build (${result.error?.message ?? `node-gyp exit ${result.status}`}).\n` +
      'The app still works: training uses TF.js, and `npm run cli -- doctor` says which engine is active.'
  )
}
