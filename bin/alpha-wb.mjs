#!/usr/bin/env node
// α-Workbench command line. Runs the TypeScript sources through tsx, so the
// CLI needs no build step; worker threads register tsx themselves.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/main/cli.ts')
process.exitCode = await main(process.argv.slice(2))
// Every command closes what it opened; should anything still hold the event loop
// (a worker thread after an unforeseen error), the command is over all the same.
setTimeout(() => process.exit(), 10_000).unref()
