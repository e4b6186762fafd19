import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'
import { alias } from './vite.renderer.config'

export default defineConfig({
  // Compiles .vue single-file components for the renderer's component tests (test/renderer).
  plugins: [vue()],
  resolve: { alias },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Engine tests spin up TF.js backends and worker threads; two cores only.
    maxWorkers: 2,
    reporters: ['default']
  }
})
