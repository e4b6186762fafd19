import { join } from 'node:path'
import { ESLint } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'

/**
 * The layer rule of eslint.config.js, run through ESLint's Node API on
 * in-memory files placed in each layer: a forbidden import must fail lint,
 * an allowed one must pass.
 */
const root = join(import.meta.dirname, '../..')
let eslint: ESLint

beforeAll(() => {
  eslint = new ESLint({ cwd: root })
})

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) })
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

describe('layer boundaries (eslint no-restricted-imports)', () => {
  it('forbids shared from importing main, renderer, preload or Node', async () => {
    expect(await layerErrors('src/shared/probe.ts', "import { WorkbenchService } from '../main/service'\nvoid WorkbenchService\n")).toEqual([
      expect.stringMatching(/src\/shared imports nothing of main/)
    ])
    expect(await layerErrors('src/shared/probe.ts', "import { apiClient } from '../renderer/src/api/client'\nvoid apiClient\n")).toHaveLength(1)
    expect(await layerErrors('src/shared/probe.ts', "import { readFileSync } from 'node:fs'\nvoid readFileSync\n")).toHaveLength(1)
    expect(await layerErrors('src/shared/probe.ts', "import { lambdaKey } from './lambda'\nvoid lambdaKey\n")).toEqual([])
  })

  it('lets the renderer import only shared (as @shared) and its API client', async () => {
    const file = 'src/renderer/src/stores/probe.ts'
    expect(await layerErrors(file, "import { openStore } from '../../../main/store'\nvoid openStore\n")).toEqual([expect.stringMatching(/only through src\/renderer\/src\/api\/client\.ts/)])
    expect(await layerErrors(file, "import { ipcRenderer } from 'electron'\nvoid ipcRenderer\n")).toHaveLength(1)
    expect(await layerErrors(file, "import type { SweepRow } from '../../../shared/results'\nexport type R = SweepRow\n")).toEqual([expect.stringMatching(/@shared/)])
    expect(await layerErrors(file, "import type { SweepRow } from '@shared/results'\nimport { apiClient } from '../api/client'\nexport type R = SweepRow\nvoid apiClient\n")).toEqual([])
  })

  it('forbids the engine from importing the store or the sweep layer', async () => {
    const file = 'src/main/engine/probe.ts'
    expect(await layerErrors(file, "import { openStore } from '../store'\nvoid openStore\n")).toEqual([expect.stringMatching(/neither the store nor the sweep/)])
    expect(await layerErrors(file, "import { SweepRunner } from '../sweep/runner'\nvoid SweepRunner\n")).toHaveLength(1)
    expect(await layerErrors(file, "import { loadDataset } from '../data'\nvoid loadDataset\n")).toEqual([])
  })

  it('keeps analysis pure', async () => {
    const file = 'src/main/analysis/probe.ts'
    expect(await layerErrors(file, "import { openStore } from '../store'\nvoid openStore\n")).toEqual([expect.stringMatching(/analysis is pure/)])
    expect(await layerErrors(file, "import { writeFileSync } from 'node:fs'\nvoid writeFileSync\n")).toHaveLength(1)
    expect(await layerErrors(file, "import { lambdaKey } from '../../shared/lambda'\nimport { wilsonInterval } from './wilson'\nvoid lambdaKey\nvoid wilsonInterval\n")).toEqual([])
  })

  it('lets only index.ts and ipc.ts in main import Electron', async () => {
    expect(await layerErrors('src/main/service-probe.ts', "import { app } from 'electron'\nvoid app\n")).toEqual([expect.stringMatching(/only src\/main\/index\.ts and ipc\.ts/)])
    expect(await layerErrors('src/main/ipc.ts', "import { ipcMain } from 'electron'\nvoid ipcMain\n")).toEqual([])
  })
})
