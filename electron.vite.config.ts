import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'electron-vite'
import { rendererConfig } from './vite.renderer.config'

const root = fileURLToPath(new URL('.', import.meta.url))
// The main-process tests build main and preload only (test/main/built.ts sets this): faster, and
// independent of the renderer.
const mainOnly = Boolean(process.env.ALPHA_WB_BUILD_MAIN_ONLY)

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // Optional dependency, loaded at run time where it installed.
        external: ['@tensorflow/tfjs-node'],
        input: {
          index: resolve(root, 'src/main/index.ts'),
          // Worker threads are separate entries so the built app starts them from out/main.
          'train-worker': resolve(root, 'src/main/engine/train-worker.ts'),
          'csv-import-worker': resolve(root, 'src/main/store/csv-import-worker.ts')
        }
      }
    }
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  ...(mainOnly ? {} : { renderer: rendererConfig })
})
