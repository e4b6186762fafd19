import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DEFAULT_WINDOW, loadWindowState, MIN_WINDOW, saveWindowState } from '../../src/main/window-state'
import { tempHome } from '../helpers/cli'

const home = tempHome('awb-winstate-')
afterAll(() => home.cleanup())
const file = join(home.home, 'window-state.json')
const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }]

describe('window state', () => {
  it('round-trips size, position and maximized', () => {
    saveWindowState(file, { x: 10, y: 20, width: 1300, height: 900 }, true)
    expect(loadWindowState(file, screen)).toEqual({ x: 10, y: 20, width: 1300, height: 900, maximized: true })
  })
  it('uses the default size, centred, without a saved state or with a corrupt one', () => {
    expect(loadWindowState(join(home.home, 'none.json'), screen)).toEqual({ ...DEFAULT_WINDOW, maximized: false })
    writeFileSync(file, '{not json')
    expect(loadWindowState(file, screen)).toEqual({ ...DEFAULT_WINDOW, maximized: false })
  })
  it('clamps the size to the minimum and the largest screen, and drops a position off every screen', () => {
    saveWindowState(file, { x: 3000, y: 10, width: 5000, height: 100 }, false)
    expect(loadWindowState(file, screen)).toEqual({ width: 1920, height: MIN_WINDOW.height, maximized: false })
    // On a second monitor that is still there, the position is kept.
    expect(loadWindowState(file, [...screen, { x: 1920, y: 0, width: 2560, height: 1440 }])).toMatchObject({ x: 3000, y: 10 })
  })
  it('ignores non-numbers', () => {
    writeFileSync(file, JSON.stringify({ x: 'a', y: null, width: 'wide', height: Infinity, maximized: 'yes' }))
    expect(loadWindowState(file, screen)).toEqual({ ...DEFAULT_WINDOW, maximized: false })
  })
})
