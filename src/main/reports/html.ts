/**
 * The shareable report: one self-contained HTML file with every figure and
 * table of the statistics view (Figures 1–7, the collapse tables, the fits,
 * the tests in plain words), the sweeps' specs, every run's seeds, config
 * and engine, and the versions. ECharts is inlined and the data embedded as
 * JSON, so the file opens offline in any browser and asks the network for nothing.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { EChartsOption } from 'echarts'
import { collapseTable, DEFAULT_COLLAPSE_THRESHOLD, finalAlphaVsLambda, initialVsFinal, runCollapseTable } from '../analysis'
import type { Store } from '../store'
import { versions } from '../versions'
import { doseResponseOption, fitLabel, startHeatmapOption, survivalOption } from '../../shared/charts/fit-figures'
import type { CollapseRow, DoseFit, RunCollapseRow, SurvivalResult } from '../../shared/results'
import { collectSurvival, fitsFromRows, statisticRows, withPooled, type AnalysisQuery } from './collect'
import { collapseFigure, finalAlphaFigure, initFinalFigure, perAlphaFigure } from './figures'

const require = createRequire(import.meta.url)

export interface ReportFigure {
  id: string
  title: string
  caption: string
  option: EChartsOption
}

export interface ReportOptions extends AnalysisQuery {
  title?: string
  /** For tests: a fixed time instead of now. */
  now?: Date
}

function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)
}

const fmt = (v: number | null, digits = 4): string => (v === null ? '—' : Math.abs(v) >= 1000 ? v.toExponential(3) : v.toFixed(digits))

function table(headers: string[], rows: (string | number)[][]): string {
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`
}

function collapseHtml(rows: readonly CollapseRow[]): string {
  return table(
    ['dataset', 'λ', 'runs', 'collapsed', '% [Wilson 95%]', 'per α_i'],
    rows.map((r) => [r.dataset, r.lambda, r.runs, `${r.collapsed}/${r.n}`, `${r.pct.toFixed(1)} [${r.ci_low.toFixed(1)}, ${r.ci_high.toFixed(1)}]`, r.per_alpha.map((a) => `α${a.index} ${a.collapsed}/${a.n}`).join(', ')])
  )
}

function runCollapseHtml(rows: readonly RunCollapseRow[]): string {
  return table(
    ['dataset', 'λ', 'runs', 'any α collapsed', 'all α collapsed'],
    rows.map((r) => [r.dataset, r.lambda, r.runs, `${r.any_collapsed} (${r.any_pct.toFixed(0)}% [${r.any_ci_low.toFixed(0)}, ${r.any_ci_high.toFixed(0)}])`, `${r.all_collapsed} (${r.all_pct.toFixed(0)}% [${r.all_ci_low.toFixed(0)}, ${r.all_ci_high.toFixed(0)}])`])
  )
}

function fitsHtml(fits: readonly DoseFit[]): string {
  return table(
    ['dataset', 'α', 'n', 'b0 (se)', 'b1 (se; cluster se)', 'λ50 [95%]', 'λ50 cluster [95%]', 'note'],
    fits.map((f) => [
      fitLabel(f),
      f.alpha_index === null ? 'all' : `α${f.alpha_index}`,
      f.n,
      `${fmt(f.b0, 3)} (${fmt(f.se_b0, 3)})`,
      `${fmt(f.b1, 2)} (${fmt(f.se_b1, 2)}; ${fmt(f.cluster_se_b1, 2)})`,
      `${fmt(f.lambda50)} [${fmt(f.lambda50_ci_low)}, ${fmt(f.lambda50_ci_high)}]`,
      `[${fmt(f.lambda50_cluster_ci_low)}, ${fmt(f.lambda50_cluster_ci_high)}]`,
      f.problem ?? ''
    ])
  )
}

function testsHtml(fits: readonly DoseFit[], survival: SurvivalResult): string {
  const rows = [
    ...fits.flatMap((f) => f.tests).map((t) => [t.kind === 'datasets' ? 'same curve: datasets' : 'same curve: α_i', t.stat === null ? '—' : t.stat.toFixed(3), t.df, t.p === null ? '—' : t.p.toPrecision(3), t.sentence]),
    ...survival.tests.map((t) => [t.kind === 'datasets' ? 'log-rank: datasets' : 'log-rank: λ', t.stat === null ? '—' : t.stat.toFixed(3), t.df, t.p === null ? '—' : t.p.toPrecision(3), t.sentence])
  ]
  return table(['test', 'χ²', 'df', 'p', 'in words'], rows)
}

/** Everything the report shows, computed from the store. */
export function reportContent(store: Store, q: ReportOptions = {}) {
  const threshold = q.threshold ?? DEFAULT_COLLAPSE_THRESHOLD
  const pool = q.pool ?? false
  const { rows, repeats } = statisticRows(store, q)
  const collapse = collapseTable(withPooled(rows, pool), { threshold, repeats: withPooled(repeats, pool) })
  const runCollapse = runCollapseTable(withPooled(rows, pool), { threshold, repeats: withPooled(repeats, pool) })
  const { fits, start } = fitsFromRows(rows, threshold, pool, repeats)
  const survival = collectSurvival(store, { sweepId: q.sweepId, sweepIds: q.sweepIds, datasets: q.datasets, threshold, pool })
  const figures: ReportFigure[] = [
    { id: 'fig1', title: 'Figure 1. α collapsed per λ', caption: `Share of final α ≤ ${threshold} per λ, with Wilson 95% bounds (dashed).`, option: collapseFigure(collapse) },
    { id: 'fig2', title: 'Figure 2. Collapse per α_i', caption: 'Share collapsed per λ for each α_i (solid α0, dashed α1, dotted α2).', option: perAlphaFigure(collapse) },
    { id: 'fig3', title: 'Figure 3. Final α against λ', caption: `Every final α (dashed: the threshold ${threshold}).`, option: finalAlphaFigure(finalAlphaVsLambda(rows), threshold) },
    { id: 'fig4', title: 'Figure 4. Initial against final α', caption: 'Does α end near where it started?', option: initFinalFigure(initialVsFinal(rows), threshold) }
  ]
  const fig5 = doseResponseOption(fits, collapse)
  if (fig5) figures.push({ id: 'fig5', title: 'Figure 5. Dose–response fits', caption: 'Observed % collapsed (points, Wilson bars), the logistic fit (line), λ50 (diamond) with its delta-method 95% interval (bar at 50%).', option: fig5 })
  const groups = [...new Set(survival.curves.map((c) => c.dataset ?? ''))]
  groups.forEach((name, i) => {
    const option = survivalOption(
      survival.curves.filter((c) => c.dataset === name && c.lambda !== null),
      (c) => `λ ${c.lambda}`
    )
    if (option) figures.push({ id: `fig6-${i}`, title: `Figure 6${groups.length > 1 ? String.fromCharCode(97 + (i % 26)) : ''}. Time to collapse: ${name}`, caption: `Kaplan–Meier share of α not yet collapsed, per λ, with cloglog 95% bands (dashed).${survival.reconstructed_steps ? ' Imported runs: the step axis is reconstructed from the recording cadence.' : ''}`, option })
  })
  start.forEach((s, i) => {
    const option = startHeatmapOption(s)
    if (option) figures.push({ id: `fig7-${i}`, title: `Figure 7${start.length > 1 ? String.fromCharCode(97 + (i % 26)) : ''}. Does the start decide? ${s.dataset ?? 'pooled'}`, caption: 'Observed share collapsed per (initial α, λ) next to the two-covariate logistic fit.', option })
  })
  const sweepIds = [...new Set(rows.map((r) => r.sweepId))].sort((a, b) => a - b)
  const sweeps = sweepIds.map((id) => store.getSweep(id)).filter((s) => s !== null)
  const runs = rows.map((r) => store.getRun(r.runId)).filter((r) => r !== null)
  return { threshold, pool, collapse, runCollapse, fits, start, survival, figures, sweeps, runs }
}

/** The report as one HTML document. */
export function renderReport(store: Store, q: ReportOptions = {}): string {
  const c = reportContent(store, q)
  const v = versions()
  const echarts = readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8')
  const echartsVersion = (require('echarts/package.json') as { version: string }).version
  const title = q.title ?? `α-Workbench report${q.sweepId !== undefined ? `: sweep #${q.sweepId}` : ''}`
  const data = JSON.stringify({ figures: c.figures }).replace(/</g, '\\u003c')
  const engines = [...new Set(c.runs.map((r) => (r.engine ? `${r.engine.engine} / ${r.engine.backend}` : r.imported ? 'imported (no engine)' : 'unknown')))]
  const filter = [q.sweepId !== undefined ? `sweep #${q.sweepId}` : null, q.datasets?.length ? `datasets ${q.datasets.join(', ')}` : null].filter(Boolean).join('; ') || 'every finished run'
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font:13px/1.45 -apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#223;margin:24px auto;max-width:1100px;padding:0 16px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid #dde;padding-bottom:4px}
.figure{margin:18px 0}.figure .chart{width:100%;height:380px;border:1px solid #eef}.caption{color:#556;font-size:12px}
table{border-collapse:collapse;margin:8px 0;font-size:12px}td,th{border:1px solid #dde;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f4f5f9}
pre{background:#f7f7fa;padding:8px;overflow:auto;font-size:11px;max-height:320px}.meta td:first-child{font-weight:600}
</style></head>
<body data-figures="${c.figures.length}">
<h1>${esc(title)}</h1>
<table class="meta"><tbody>
<tr><td>generated</td><td>${esc((q.now ?? new Date()).toISOString())}</td></tr>
<tr><td>selection</td><td>${esc(filter)}; threshold: final α ≤ ${c.threshold} (compared at float32 precision)${c.pool ? '; repeats pooled' : ''}</td></tr>
<tr><td>engines</td><td>${esc(engines.join(', ') || '—')}</td></tr>
<tr><td>versions</td><td>α-Workbench ${esc(v.app)}, Node ${esc(v.node)}, TF.js ${esc(v.tfjs)}${v.tfjsNode ? `, tfjs-node ${esc(v.tfjsNode)}` : ''}, better-sqlite3 ${esc(v.betterSqlite3 ?? '—')}, ECharts ${esc(echartsVersion)}</td></tr>
</tbody></table>

<h2>Figures</h2>
${c.figures.map((f) => `<div class="figure"><h3>${esc(f.title)}</h3><div class="chart" id="${f.id}"></div><div class="caption">${esc(f.caption)}</div></div>`).join('\n')}

<h2>Tests</h2>
${testsHtml(c.fits, c.survival)}

<h2>Dose–response fits</h2>
<p class="caption">Logistic regression of collapsed (final α ≤ ${c.threshold}) on λ. Standard errors: model-based and cluster-robust by run (statsmodels' cov_type="cluster" with its small-sample correction). λ50 = −b0/b1 with delta-method 95% intervals.</p>
${fitsHtml(c.fits)}

<h2>Does the start decide?</h2>
${table(
  ['dataset', 'n', 'b0', 'b_α (se)', 'b_λ (se)', 'note'],
  c.start.map((s) => [s.dataset ?? 'pooled', s.n, fmt(s.b0, 3), `${fmt(s.b_alpha, 3)} (${fmt(s.se_b_alpha, 3)})`, `${fmt(s.b_lambda, 2)} (${fmt(s.se_b_lambda, 2)})`, s.problem ?? ''])
)}

<h2>Time to collapse</h2>
${c.survival.reconstructed_steps ? '<p class="caption">Imported runs: the step axis is reconstructed from the recording cadence.</p>' : ''}
${table(
  ['dataset', 'λ', 'α', 'collapsed', 'median step [95%]'],
  c.survival.curves.map((s) => [s.dataset ?? '', s.lambda ?? 'all', s.n, s.events, s.median === null ? 'not reached' : `${s.median} [${s.median_ci_low ?? '—'}, ${s.median_ci_high ?? '∞'}]`])
)}

<h2>Collapse table (α level)</h2>
${collapseHtml(c.collapse)}

<h2>Collapse table (run level)</h2>
${runCollapseHtml(c.runCollapse)}

<h2>Sweeps</h2>
${c.sweeps.map((s) => `<h3>#${s.id} ${esc(s.name)}</h3><pre>${esc(JSON.stringify(s.spec, null, 2))}</pre>`).join('\n')}

<h2>Runs: seeds and engines</h2>
${table(
  ['run', 'sweep', 'dataset', 'λ', 'index', 'seeds', 'engine', 'final α'],
  c.runs.map((r) => [r.id, r.sweepId, r.dataset, r.lambda, r.runIndex, r.seeds ? JSON.stringify(r.seeds) : '—', r.engine ? `${r.engine.engine} / ${r.engine.backend}` : r.imported ? 'imported' : '—', (r.finalAlpha ?? []).map((a) => a.toFixed(4)).join(', ')])
)}
<details><summary>Run configs (JSON)</summary><pre>${esc(JSON.stringify(c.runs.map((r) => ({ id: r.id, config: r.config, engine: r.engine })), null, 1))}</pre></details>

<script>${echarts}</script>
<script type="application/json" id="report-data">${data}</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var done = 0;
  data.figures.forEach(function (f) {
    var el = document.getElementById(f.id);
    var chart = echarts.init(el, null, { renderer: 'svg' });
    chart.setOption(f.option);
    el.setAttribute('data-rendered', 'true');
    done++;
  });
  document.body.setAttribute('data-rendered', String(done));
  window.addEventListener('resize', function () { data.figures.forEach(function (f) { var c = echarts.getInstanceByDom(document.getElementById(f.id)); if (c) c.resize(); }); });
})();
</script>
</body></html>
`
}
