#!/usr/bin/env node
// Renders resources/icon.svg to resources/icon.png (1024×1024, transparent
// corners) with a headless Chromium: the app and installer icon. Run it after
// editing the SVG:  node scripts/render-icon.mjs [/path/to/chromium]
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const resources = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources')
const svg = readFileSync(join(resources, 'icon.svg'), 'utf8')
const browser = await chromium.launch({
  executablePath: process.argv[2] ?? process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']
})
try {
  const page = await browser.newPage({ viewport: { width: 1024, height: 1024 } })
  await page.setContent(`<!doctype html><style>html,body{margin:0;background:transparent}</style>${svg}`)
  const png = await page.locator('svg').screenshot({ omitBackground: true })
  writeFileSync(join(resources, 'icon.png'), png)
  console.log(`resources/icon.png: ${png.length} bytes`)
} finally {
  await browser.close()
}
