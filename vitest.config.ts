import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'
import { alias } from './vite.renderer.config'

export default defineConfig({
  // Compiles .vue single-file components for the renderer's component tests (test/renderer).
  plugins: [vue()],
  resolve: { alias },
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: CI's 2-core machines have run the suite up to 4x slower than an idle one;
    // a test that hangs still fails, and the few that need longer (kill-resume, chaos, force-reset) set their own.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Engine tests spin up TF.js backends and worker threads; two cores only.
    maxWorkers: 2,
    reporters: ['default']
  }
})
