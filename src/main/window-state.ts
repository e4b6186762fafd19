import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/** The window's size and position between launches (window-state.json in the user-data folder). */

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface WindowState {
  /** Position is absent when the saved one is off every screen: the window is then centred. */
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

export const DEFAULT_WINDOW = { width: 1440, height: 920 } as const
export const MIN_WINDOW = { width: 1000, height: 640 } as const
/** How much of the title bar must be on a screen for a saved position to be kept. */
const VISIBLE = { width: 120, height: 40 } as const

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v)
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  }
}

/**
 * The state to open the window with: the saved one when it is readable, its
 * size clamped to [minimum, largest screen] and its position kept only where
 * the window's top strip lands on a screen (a monitor may have gone). Anything
 * unreadable falls back to the default size, centred.
 */
export function loadWindowState(file: string, workAreas: readonly Rect[]): WindowState {
  let saved: Record<string, unknown> = {}
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
    if (parsed && typeof parsed === 'object') saved = parsed as Record<string, unknown>
  } catch {
    // No saved state yet, or unreadable: defaults.
  }
  const maxW = Math.max(MIN_WINDOW.width, ...workAreas.map((a) => a.width))
  const maxH = Math.max(MIN_WINDOW.height, ...workAreas.map((a) => a.height))
  const clamp = (v: unknown, min: number, max: number, dflt: number): number => (finite(v) ? Math.round(Math.min(max, Math.max(min, v))) : Math.min(max, dflt))
  const width = clamp(saved.width, MIN_WINDOW.width, maxW, DEFAULT_WINDOW.width)
  const height = clamp(saved.height, MIN_WINDOW.height, maxH, DEFAULT_WINDOW.height)
  const state: WindowState = { width, height, maximized: saved.maximized === true }
  if (finite(saved.x) && finite(saved.y)) {
    const top: Rect = { x: Math.round(saved.x), y: Math.round(saved.y), width, height: VISIBLE.height }
    const onScreen = workAreas.some((a) => {
      const o = overlap(top, a)
      return o.width >= Math.min(VISIBLE.width, width) && o.height >= VISIBLE.height
    })
    if (onScreen) {
      state.x = top.x
      state.y = top.y
    }
  }
  return state
}

/** Writes the state atomically (a crash mid-write leaves the previous file). */
export function saveWindowState(file: string, bounds: Rect, maximized: boolean): void {
  mkdirSync(dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify({ ...bounds, maximized }))
  renameSync(tmp, file)
}
