import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nativeAddonPath } from '../../src/main/engine/native-engine'

// Which native modules the main process and the worker threads load, and which
// of them need one build per ABI. A Node-API addon exports napi_register_module_v1
// and loads in Node and Electron alike; a V8 addon exports
// node_register_module_v<NODE_MODULE_VERSION> and loads only in the runtime it
// was built for. Only better-sqlite3 may be the latter (it has its own Electron build).

const root = resolve(__dirname, '../..')
const nodeModules = join(root, 'node_modules')

function kind(file: string): 'node-api' | `v8-abi-${string}` | 'unknown' {
  const text = readFileSync(file).toString('latin1')
  const v8 = /node_register_module_v(\d+)/.exec(text)
  if (v8) return `v8-abi-${v8[1]}`
  return text.includes('napi_register_module_v1') || text.includes('napi_module_register') ? 'node-api' : 'unknown'
}

/** The packages the app loads at run time: its dependencies and optional dependencies, and theirs. */
function runtimePackages(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; optionalDependencies: Record<string, string> }
  const seen = new Set<string>()
  const queue = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies).filter((n) => n !== 'electron')]
  while (queue.length) {
    const name = queue.shift()!
    if (seen.has(name) || !existsSync(join(nodeModules, name, 'package.json'))) continue
    seen.add(name)
    const p = JSON.parse(readFileSync(join(nodeModules, name, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>
      optionalDependencies?: Record<string, string>
    }
    queue.push(...Object.keys(p.dependencies ?? {}), ...Object.keys(p.optionalDependencies ?? {}))
  }
  return [...seen]
}

function nodeFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory() && !e.isSymbolicLink()) nodeFiles(p, out)
    else if (e.name.endsWith('.node') && statSync(p).isFile()) out.push(p)
  }
  return out
}

/** The training kernel this install loads: a local compile or the prebuild for this platform. */
function kernel(): string {
  const path = nativeAddonPath()
  if (!path) throw new Error('the native kernel is not built: npm install builds it (or uses a prebuild)')
  return path
}

describe('native modules and ABIs', () => {
  it('classifies real addons: the Node build of better-sqlite3 is V8-ABI bound, the training kernel is Node-API', () => {
    expect(kind(join(nodeModules, 'better-sqlite3/build/Release/better_sqlite3.node'))).toBe(`v8-abi-${process.versions.modules}`)
    expect(kind(kernel())).toBe('node-api')
  })

  it('nothing the main process or the workers load needs a per-ABI build except better-sqlite3', () => {
    const found = runtimePackages().flatMap((name) =>
      nodeFiles(join(nodeModules, name)).map((f) => ({ file: relative(nodeModules, f), pkg: name, kind: kind(f) }))
    )
    found.push({ file: relative(root, kernel()), pkg: 'alpha-workbench', kind: kind(kernel()) })
    // A package is bound to one ABI when none of its addons is Node-API. (msgpackr-extract ships
    // abi115 builds beside Node-API ones; node-gyp-build falls back to the latter under Electron.
    // better-sqlite3's test_extension.node is an SQLite extension it never loads at run time.)
    const packages = [...new Set(found.map((f) => f.pkg))]
    const perAbiOnly = packages.filter((p) => !found.some((f) => f.pkg === p && f.kind === 'node-api'))
    expect(perAbiOnly).toEqual(['better-sqlite3'])
    expect(found.some((f) => f.pkg === 'bullmq' || f.pkg.startsWith('@msgpackr-extract/'))).toBe(true)
    // tfjs-node (optional; not installable on this machine) ships Node-API bindings, lib/napi-v<N>/tfjs_binding.node.
    for (const f of found.filter((x) => x.pkg === '@tensorflow/tfjs-node')) expect(f.kind, f.file).toBe('node-api')
  })
})
