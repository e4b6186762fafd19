#!/usr/bin/env node
// npm's install step for the project: builds the native training kernel
// (native/, a Node-API addon) with node-gyp. Node-API is ABI-stable, so the
// same build loads in Node and in Electron. If the build fails (no compiler),
// the install still succeeds and the app trains with TF.js, saying why.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const nativeDir = join(root, 'native')

function nodeGyp() {
  // npm tells lifecycle scripts where its bundled node-gyp is.
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
  ]
  return candidates.find((c) => c && existsSync(c)) ?? null
}

if (process.env.ALPHA_WB_SKIP_NATIVE) {
  console.log('alpha-workbench: ALPHA_WB_SKIP_NATIVE is set; not building the native kernel (TF.js will train)')
  process.exit(0)
}
const gyp = nodeGyp()
const started = Date.now()
const result = gyp
  ? spawnSync(process.execPath, [gyp, 'rebuild', '--release'], { cwd: nativeDir, stdio: 'inherit' })
  : spawnSync('node-gyp', ['rebuild', '--release'], { cwd: nativeDir, stdio: 'inherit', shell: process.platform === 'win32' })
if (result.status === 0) {
  console.log(`alpha-workbench: native training kernel built in ${((Date.now() - started) / 1000).toFixed(0)} s`)
} else {
  console.warn(
    `alpha-workbench: the native training kernel did not build (${result.error?.message ?? `node-gyp exit ${result.status}`}).\n` +
      'The app still works: training uses TF.js, and `npm run cli -- doctor` says which engine is active.'
  )
}
