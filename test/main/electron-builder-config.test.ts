import Ajv from 'ajv'
import { readFileSync } from 'node:fs'
import { minimatch } from 'minimatch'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nativeAddonPath } from '../../src/main/engine/native-engine'
import { ELECTRON_SQLITE_DIR, SQLITE_ADDON } from '../../src/main/store/sqlite-binding'

// electron-builder.json against electron-builder's own JSON schema, plus what issue 8 asks of it.

const root = resolve(__dirname, '../..')
const schema = JSON.parse(readFileSync(join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8')) as object
const config = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8')) as Record<string, unknown> & {
  files: string[]
  asarUnpack: string[]
  linux: { target: string[]; icon: string }
  mac: { target: string[] }
  win: { target: string[] }
}
// The options electron-builder itself validates with (app-builder-lib/out/util/config/schemaValidator.js).
const validate = new Ajv({ allErrors: true, strict: false, coerceTypes: true }).compile(schema)

describe('electron-builder.json', () => {
  it("validates against electron-builder's schema", () => {
    const ok = validate(structuredClone(config))
    expect(validate.errors ?? []).toEqual([])
    expect(ok).toBe(true)
  })

  it('the schema check catches mistakes (a misspelt key, a value outside an enum)', () => {
    expect(validate({ ...structuredClone(config), asarUnpak: ['**/*.node'] })).toBe(false)
    expect(validate({ ...structuredClone(config), compression: 'extreme' })).toBe(false)
  })

  it('builds AppImage and deb, dmg, nsis, with app id, product name and the icon', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z0-9-]+)+$/)
    expect(config.productName).toBe('α-Workbench')
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.win.target).toEqual(['nsis'])
    const png = readFileSync(join(root, String(config.icon)))
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    // IHDR: width and height, big-endian, at bytes 16 and 20. electron-builder needs ≥ 512 for macOS.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024])
  })

  it('ships resources/, the native addons (unpacked from the asar) and the Electron build of better-sqlite3, and does not rebuild node_modules', () => {
    expect(config.files).toContain('resources/**')
    expect(config.files).toContain('out/**')
    expect(config.files).toContain(join(ELECTRON_SQLITE_DIR, SQLITE_ADDON))
    // The training kernel, whether the install compiled it (native/build/Release) or took the prebuild for this platform.
    expect(config.files).toContain('native/build/Release/alpha_native.node')
    expect(config.files).toContain('native/prebuilds/**/*.node')
    const kernel = nativeAddonPath()
    expect(kernel, 'the native kernel is built or prebuilt').not.toBeNull()
    const shipped = (file: string): boolean => config.files.some((p) => !p.startsWith('!') && minimatch(file, p))
    expect(shipped(relative(root, kernel!))).toBe(true)
    expect(shipped('native/prebuilds/linux-arm64/alpha_native.glibc.node')).toBe(true)
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', '**/*.wasm']))
    // Not the Electron package (its dist/ is the runtime electron-builder adds itself) nor the CLI's TypeScript loader.
    expect(config.files).toContain('!node_modules/{electron,tsx,esbuild,@esbuild,@types,undici-types}/**')
    // A rebuild would replace node_modules/better-sqlite3's Node build, which the CLI needs.
    expect(config.npmRebuild).toBe(false)
  })

  it('package.json has the dist and postinstall steps', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    expect(pkg.scripts.dist).toBe('node scripts/dist.mjs')
    expect(pkg.scripts.postinstall).toBe('node scripts/electron-sqlite.mjs')
    expect(pkg.scripts['electron:sqlite']).toBe('node scripts/electron-sqlite.mjs --force')
  })
})
