import type { EChartsOption } from 'echarts'
import { initChart } from './echarts'

/**
 * Renders a chart option to a standalone SVG document with ECharts' SVG
 * renderer (server-side mode: no DOM needed), on a white background and
 * without animation, as "export SVG" writes it.
 */
export function renderSvg(option: EChartsOption, width: number, height: number): string {
  const off = initChart(null, undefined, { renderer: 'svg', ssr: true, width, height })
  try {
    off.setOption({ ...option, animation: false, backgroundColor: '#ffffff' })
    return off.renderToSVGString()
  } finally {
    off.dispose()
  }
}

/**
 * Why `svg` is not a well-formed XML document, or null when it is. Uses the
 * platform's XML parser (DOMParser with image/svg+xml reports errors as a
 * <parsererror> element instead of throwing).
 */
export function svgProblem(svg: string, parser: { parseFromString(s: string, type: 'image/svg+xml'): Document } = new DOMParser()): string | null {
  const doc = parser.parseFromString(svg, 'image/svg+xml')
  const err = doc.getElementsByTagName('parsererror')[0]
  if (err) return (err.textContent ?? 'not well-formed XML').trim().slice(0, 300)
  if (doc.documentElement?.localName !== 'svg') return `the root element is <${doc.documentElement?.localName ?? '?'}>, not <svg>`
  return null
}
