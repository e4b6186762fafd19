import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import type { UserConfig } from 'vite'

const root = fileURLToPath(new URL('./src/renderer', import.meta.url))

/** `@shared/…` is src/shared (the contract and result types), for the renderer and its tests; tsconfig.web.json's `paths` says the same. */
export const alias = { '@shared': fileURLToPath(new URL('./src/shared', import.meta.url)) }

/**
 * The renderer's build, shared by electron-vite (desktop) and plain vite
 * (`npm run build:web`, the browser mode served by `npm run serve`).
 */
export const rendererConfig: UserConfig = {
  root,
  base: './',
  plugins: [vue()],
  resolve: { alias },
  build: {
    outDir: fileURLToPath(new URL('./out/renderer', import.meta.url)),
    emptyOutDir: true,
    // ECharts is one lazily loaded chunk of ≈680 kB; the views load without it.
    chunkSizeWarningLimit: 800,
    rollupOptions: { input: { index: fileURLToPath(new URL('./src/renderer/index.html', import.meta.url)) } }
  }
}

export default rendererConfig
