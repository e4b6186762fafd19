import type { GridComponentOption, TitleComponentOption } from 'echarts'

export interface Panel {
  grid: GridComponentOption
  title: TitleComponentOption
}

export interface MultiplesLayout {
  panels: Panel[]
  /** Chart height in px that fits every row. */
  height: number
}

/**
 * Small multiples in one chart: `n` panels on a grid of `cols` columns,
 * widths in % of the chart, rows in px (the height is returned), so one
 * export holds the whole figure.
 */
export function smallMultiples(n: number, cols: number, titles: readonly string[], rowHeight = 150, top = 34): MultiplesLayout {
  const c = Math.max(1, Math.min(cols, n))
  const rows = Math.max(1, Math.ceil(n / c))
  const left0 = 5
  const usable = 93
  const cellW = usable / c
  const panels: Panel[] = []
  for (let i = 0; i < n; i++) {
    const col = i % c
    const row = Math.floor(i / c)
    const x = left0 + col * cellW
    const y = top + row * rowHeight
    panels.push({
      grid: { left: `${x + 2.5}%`, width: `${cellW - 4}%`, top: y + 20, height: rowHeight - 52 },
      title: { text: titles[i] ?? '', left: `${x + 2.5}%`, top: y, textStyle: { fontSize: 11, fontWeight: 600, color: '#334' } }
    })
  }
  return { panels, height: top + rows * rowHeight + 4 }
}
