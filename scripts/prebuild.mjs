#!/usr/bin/env node
// `npm run prebuilds [-- x64 arm64]`: builds the native training kernel as
// Node-API prebuilds (prebuildify --napi) into native/prebuilds/<platform>-<arch>/,
// where node-gyp-build finds them, so an install on a machine without a C++
// toolchain still trains natively. Prebuilds are build output: they go into the
// published package, never into git.
//
// Linux: x64 with the host compiler, arm64 with Debian's cross compiler
// (g++-aarch64-linux-gnu). Node-API is ABI-stable: one build per platform and
// architecture serves every Node and Electron version with Node-API 8.
// The build runs in a temporary copy of native/, so native/build (the local
// compile) is left as it was.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const nativeDir = join(root, 'native')
const require = createRequire(import.meta.url)

/** Cross toolchains by Node's arch name, for a Linux x64 host. */
const CROSS = {
  arm64: { triple: 'aarch64-linux-gnu', package: 'g++-aarch64-linux-gnu' }
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0
}

/** node-gyp: npm's own (lifecycle scripts are told where), else the project's, else npm's bundled copy. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(root, 'node_modules', '.bin', 'node-gyp'),
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
  ]
  return candidates.find((c) => c && existsSync(c)) ?? 'node-gyp'
}

function prebuild(arch) {
  const env = { ...process.env, NODE_PATH: join(root, 'node_modules'), PREBUILD_NODE_GYP: nodeGyp(), JOBS: process.env.JOBS ?? 'max' }
  // node-gyp must not download headers: use this Node's own, when it ships them.
  const nodedir = join(dirname(process.execPath), '..')
  if (!env.npm_config_nodedir && existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) env.npm_config_nodedir = nodedir
  const args = ['--napi', '--strip', '--tag-libc', '--name', 'alpha_native', '--arch', arch, '--target', process.versions.node, '--out', nativeDir]
  if (arch !== process.arch) {
    const cross = process.platform === 'linux' && process.arch === 'x64' ? CROSS[arch] : undefined
    if (!cross) return `no cross toolchain known for ${process.platform}-${arch} on ${process.arch}`
    if (!onPath(`${cross.triple}-g++`)) return `${cross.triple}-g++ is not installed (apt-get install ${cross.package})`
    Object.assign(env, {
      CC: `${cross.triple}-gcc`,
      CXX: `${cross.triple}-g++`,
      LINK: `${cross.triple}-g++`,
      AR: `${cross.triple}-ar`,
      PREBUILD_STRIP_BIN: `${cross.triple}-strip`
    })
  }
  const work = mkdtempSync(join(tmpdir(), 'alpha-prebuild-'))
  try {
    cpSync(join(nativeDir, 'binding.gyp'), join(work, 'binding.gyp'))
    cpSync(join(nativeDir, 'src'), join(work, 'src'), { recursive: true })
    const bin = require.resolve('prebuildify/bin.js')
    const r = spawnSync(process.execPath, [bin, ...args, '--cwd', work], { cwd: work, env, stdio: 'inherit' })
    if (r.status !== 0) return `prebuildify exited with ${r.status ?? r.signal}`
    return null
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

const archs = process.argv.slice(2).length ? process.argv.slice(2) : process.platform === 'linux' ? ['x64', 'arm64'] : [process.arch]
let failed = 0
for (const arch of archs) {
  const started = Date.now()
  const why = prebuild(arch)
  const dir = join(nativeDir, 'prebuilds', `${process.platform}-${arch}`)
  if (why) {
    failed++
    console.error(`alpha-workbench: no ${process.platform}-${arch} prebuild: ${why}`)
  } else {
    console.log(`alpha-workbench: ${process.platform}-${arch} prebuild in ${((Date.now() - started) / 1000).toFixed(0)} s: ${readdirSync(dir).map((f) => join('native', 'prebuilds', `${process.platform}-${arch}`, f)).join(', ')}`)
  }
}
process.exit(failed ? 1 : 0)
