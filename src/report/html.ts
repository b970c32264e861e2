/**
 * `ablate report`: one self-contained HTML file (inline CSS, inline SVG charts, no script, no
 * external resource) with the results tables, charts, paired statistics, data cards, training
 * curves and the provenance of every number. Deterministic: no timestamps, stable order.
 */
import { mkdirSync } from 'node:fs';
import { experimentDir } from '../bundle/lock.js';
import path from 'node:path';
import { writeFileAtomic } from '../exec/fsutil.js';
import { ADJUSTMENT_NAMES } from '../results/adjust.js';
import type { ResultsView } from '../results/aggregate.js';
import type { RunRow } from '../results/collect.js';
import { formatP, mainTable, notes, pivotTable, pivotView, referenceTable, signed, statsTable, type TableModel } from '../results/table.js';
import { complexityChart, metricCharts, renderSvg, trainingCurveChart, type ChartSpec } from './charts.js';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const CSS = `
:root { --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --bg-alt: #f9fafb; --accent: #2563eb; --warn-bg: #fffbeb; --warn: #92400e; --bad: #b91c1c; --good: #047857; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0; background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 8px; }
p.lead { color: var(--muted); margin: 0 0 12px; }
nav { margin: 12px 0 0; font-size: 13px; }
nav a { color: var(--accent); margin-right: 14px; text-decoration: none; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.table-wrap { overflow-x: auto; margin: 8px 0 4px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
td { white-space: pre-line; }
th { text-align: left; background: var(--bg-alt); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td[title] { cursor: help; }
tr.baseline td { background: #eff6ff; }
.missing { color: var(--muted); }
.ok { color: var(--good); font-weight: 600; }
.bad { color: var(--bad); font-weight: 600; }
.pos { color: var(--good); }
.neg { color: var(--bad); }
ul.notes { margin: 6px 0; padding-left: 20px; }
.warnings { background: var(--warn-bg); color: var(--warn); border: 1px solid #fcd34d; border-radius: 6px; padding: 8px 14px; margin: 12px 0; }
.warnings ul { margin: 4px 0; padding-left: 18px; }
.charts { display: flex; flex-wrap: wrap; gap: 20px; }
figure { margin: 0; padding: 12px; border: 1px solid var(--line); border-radius: 8px; background: #fff; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 6px; max-width: 520px; }
figcaption strong { color: var(--fg); display: block; font-size: 13px; }
.hint { color: var(--muted); font-size: 12px; }
footer { margin-top: 48px; color: var(--muted); font-size: 12px; }
`;

function tableHtml(t: TableModel, opts: { baselineRow?: (i: number) => boolean; caption?: boolean } = {}): string {
  const head = t.head.map((h, i) => `<th class="${t.align[i] === 'right' ? 'num' : ''}">${escapeHtml(h)}</th>`).join('');
  const rows = t.rows
    .map((r, ri) => {
      const cells = r
        .map((cell, ci) => {
          const cls = [t.align[ci] === 'right' ? 'num' : '', cell === '-' || cell.startsWith('- (') ? 'missing' : '', toneOf(cell)].filter(Boolean).join(' ');
          const title = t.details?.[ri]?.[ci];
          return `<td${cls ? ` class="${cls}"` : ''}${title ? ` title="${escapeHtml(title)}"` : ''}>${escapeHtml(cell)}</td>`;
        })
        .join('');
      return `<tr${opts.baselineRow?.(ri) ? ' class="baseline"' : ''}>${cells}</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table></div>`;
}

function toneOf(cell: string): string {
  if (cell === 'ok') return 'ok';
  if (cell === '✗') return 'bad';
  if (/^\+\d/.test(cell)) return 'pos';
  if (/^-\d/.test(cell)) return 'neg';
  return '';
}

function list(items: readonly string[]): string {
  return `<ul class="notes">${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
}

/**
 * Inline SVG in HTML needs no namespace declarations (the parser puts <svg> in the SVG namespace),
 * and dropping them leaves the report with no http(s) URL in any attribute at all.
 */
export function inlineSvg(svg: string): string {
  return svg.replace(/^<svg\b[^>]*>/, (open) => open.replace(/\s+xmlns(?::[\w-]+)?="[^"]*"/g, ''));
}

async function figure(chart: ChartSpec): Promise<string> {
  const svg = inlineSvg(await renderSvg(chart.spec));
  return `<figure id="${escapeHtml(chart.id)}">${svg}<figcaption><strong>${escapeHtml(chart.title)}</strong>${escapeHtml(chart.caption)}</figcaption></figure>`;
}

function rel(view: ResultsView, file: string): string {
  const r = path.relative(view.resultsRoot, file);
  return r.startsWith('..') ? file : r.split(path.sep).join('/');
}

const round = (x: number, digits: number): string => String(Number(x.toFixed(digits)));

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function shares(o: Record<string, number> | undefined): string {
  if (!o) return '-';
  const entries = Object.entries(o);
  return entries.length ? entries.map(([k, v]) => `${k} ${pct(v)}`).join(', ') : '-';
}

/** One row per materialized dataset: the facts that show each arm has the property it claims. */
function datacardTable(view: ResultsView): TableModel {
  const head = ['run', 'dataset stage', 'records', 'instruction chars (median / mean)', 'output chars (median / mean)', 'complexity (mean / median)', 'task-type groups', 'diversity', 'domains', 'sources', 'overlap', 'warnings'];
  const align: TableModel['align'] = ['left', 'left', 'right', 'right', 'right', 'right', 'left', 'right', 'left', 'left', 'left', 'left'];
  const rows: string[][] = [];
  const details: string[][] = [];
  const byStage = new Map<string, RunRow[]>();
  for (const row of view.collected.rows) {
    if (!row.stages.materialize) continue;
    const list = byStage.get(row.stages.materialize) ?? [];
    list.push(row);
    byStage.set(row.stages.materialize, list);
  }
  for (const [stage, runs] of byStage) {
    const names = runs.map((r) => r.name).join('; ');
    const dc = runs.find((r) => r.datacard)?.datacard;
    if (!dc) {
      const reason = runs[0]!.cells['dataset.size'];
      rows.push([names, stage, '-', '-', '-', '-', '-', '-', '-', '-', '-', reason && reason.value === null ? reason.reason : 'no datacard.json']);
      details.push(rows[rows.length - 1]!.map(() => ''));
      continue;
    }
    const c = dc.card;
    const overlap = (c.overlap ?? []).filter((o) => o.flag || o.jaccard > 0).map((o) => `${o.other}: J=${o.jaccard.toFixed(3)}${o.flag ? ` (${o.flag})` : ''}`);
    rows.push([
      names,
      stage,
      String(c.size),
      c.instructionChars ? `${round(c.instructionChars.median, 1)} / ${round(c.instructionChars.mean, 1)}` : '-',
      c.outputChars ? `${round(c.outputChars.median, 1)} / ${round(c.outputChars.mean, 1)}` : '-',
      c.complexity ? `${round(c.complexity.mean, 3)} / ${round(c.complexity.median, 3)} (${c.complexity.method})` : '-',
      c.taskTypes ? shares(c.taskTypes.groups) : '-',
      c.diversity ? `${round(c.diversity.meanScore, 4)} (${c.diversity.method})` : '-',
      shares(c.domains),
      shares(c.sources),
      overlap.length ? overlap.join('; ') : '-',
      c.warnings?.length ? c.warnings.join('; ') : '',
    ]);
    const d = rows[rows.length - 1]!.map(() => '');
    d[1] = rel(view, dc.source.file);
    if (c.taskTypes) d[6] = `categories: ${shares(c.taskTypes.categories)}`;
    if (c.diversity) d[7] = c.diversity.note;
    details.push(d);
  }
  return { title: 'Data cards', head, align, rows, details };
}

function pairedDetailTable(view: ResultsView): TableModel {
  const { alpha, adjustment, mcnemar } = view.statsSettings;
  const head = ['arm', 'task', 'A (arm run)', 'B (baseline run)', 'pass A %', 'pass B %', 'diff pp', 'A only', 'B only', `p (${mcnemar})`, `p ${ADJUSTMENT_NAMES[adjustment]}`, 'note'];
  const align: TableModel['align'] = ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'];
  const star = (p: number): string => `${formatP(p)}${p < alpha ? ' *' : ''}`;
  const rows: string[][] = [];
  for (const s of view.stats) {
    for (const c of s.configs) {
      const what = s.metric === `${s.task}.pass@1` ? s.task : s.metric;
      rows.push([s.arm, s.setup ? `${what} [${s.setup.slice(0, 8)}]` : what, c.a, c.b, c.pass_a.toFixed(2), c.pass_b.toFixed(2), signed(c.diff), String(c.a_only), String(c.b_only), star(c.p), star(c.p_adjusted), c.identical ? 'identical outcome columns' : '']);
    }
  }
  return { title: 'Per configuration', head, align, rows };
}

function provenanceTable(view: ResultsView): TableModel {
  const head = ['run', 'repeat', 'run id', 'materialize', 'train', 'evaluations (task: stage · tool version · setup)'];
  const align: TableModel['align'] = ['left', 'right', 'left', 'left', 'left', 'left'];
  const rows: string[][] = [];
  const details: string[][] = [];
  for (const row of view.collected.rows) {
    const evals = row.evals.map((e) => {
      const r = e.result;
      return `${e.task}: ${e.stage}${r ? ` · ${r.tool}${r.tool_version ? ` ${r.tool_version}` : ''} · ${r.setup_hash ? r.setup_hash.slice(0, 12) : 'no setup hash'}` : ` · ${e.reason ?? 'no result'}`}`;
    });
    const status = (key: string): string => {
      const cell = row.cells[key];
      return cell && cell.value === null && / stage (failed|interrupted|pending)/.test(cell.reason) ? `\n${cell.reason}` : '';
    };
    rows.push([row.name, String(row.repeat), row.run, row.stages.materialize ? `${row.stages.materialize}${status('dataset.size')}` : '-', row.stages.train ? `${row.stages.train}${status('train.loss')}` : '-', evals.join('\n') || '-']);
    const files = [row.manifest?.source.file, row.curve?.source.file, ...row.evals.map((e) => e.file)].filter((f): f is string => f !== undefined).map((f) => rel(view, f));
    details.push(['', '', '', row.stages.materialize ? `stages/materialize/${row.stages.materialize}` : '', row.stages.train ? `stages/train/${row.stages.train}` : '', files.join('\n')]);
  }
  return { title: 'Provenance', head, align, rows, details };
}

/** The whole report as one HTML string. */
export async function buildReportHtml(view: ResultsView): Promise<string> {
  const main = mainTable(view);
  const baselineRow = (i: number): boolean => view.arms[i]?.isBaseline === true;
  const warnings = [...view.warnings, ...view.stats.flatMap((s) => s.warnings)];
  const noteLines = notes(view).filter((n) => !n.startsWith('warning: '));
  const charts = metricCharts(view);
  const curve = trainingCurveChart(view);
  const complexity = complexityChart(view);
  const sections: string[] = [];

  sections.push(`<section id="results"><h2>Results by arm</h2>
<p class="hint">One row per arm; repeats as mean ± sd (n). Δ columns are percentage points against the baseline arm. Hover a number for the stage and file it was read from; "-" marks a missing value (hover for the reason).</p>
${tableHtml(main, { baselineRow })}
${list(noteLines)}
${view.axes.length > 1 ? view.axes.map((a) => `<h3>By ${escapeHtml(view.axisLabels[a] ?? a)}</h3>${tableHtml(pivotTable(view, pivotView(view, a)))}`).join('\n') : ''}
</section>`);

  if (charts.length) {
    const figures = await Promise.all(charts.map(figure));
    sections.push(`<section id="charts"><h2>Metrics against the swept property</h2><div class="charts">${figures.join('\n')}</div></section>`);
  }

  if (view.stats.length) {
    const s = view.statsSettings;
    sections.push(`<section id="statistics"><h2>Paired statistics against the baseline</h2>
<p class="hint">Per benchmark, from per-problem outcomes: pass@1 of each arm, the difference in percentage points, a McNemar test (${escapeHtml(s.mcnemar)}) per configuration (paired by repeat), and a ${s.level}% percentile interval of the mean difference from ${s.resamples} paired bootstrap resamples of problems (seed ${s.seed}). * marks p &lt; ${s.alpha}. Beside each raw p-value, the ${escapeHtml(ADJUSTMENT_NAMES[s.adjustment])}-adjusted one over all ${s.family} tests of this report: the differences still marked there survive the correction; the raw values stay for comparison with papers that did not adjust.</p>
${tableHtml(statsTable(view))}
<h3>Per configuration</h3>
${tableHtml(pairedDetailTable(view))}
</section>`);
  }

  if (view.references.length) {
    sections.push(`<section id="reference"><h2>Against published numbers</h2>
<p class="hint">Tolerance ±${view.tolerance} percentage points (report.tolerance).</p>
${tableHtml(referenceTable(view))}</section>`);
  }

  if (curve) sections.push(`<section id="training"><h2>Training curves</h2><div class="charts">${await figure(curve)}</div></section>`);

  const cards = datacardTable(view);
  sections.push(`<section id="datacards"><h2>Data cards</h2>
<p class="hint">What each arm's training data actually contains (from each materialize stage's datacard.json).</p>
${complexity ? `<div class="charts">${await figure(complexity)}</div>` : ''}
${tableHtml(cards)}</section>`);

  const s = view.statsSettings;
  sections.push(`<section id="provenance"><h2>Provenance</h2>
<p class="hint">Stage folders are under <code>${escapeHtml(view.resultsRoot)}</code>/stages/&lt;kind&gt;/&lt;id&gt;; hover a row for the files read. Statistics: McNemar ${escapeHtml(s.mcnemar)}, ${s.resamples} bootstrap resamples, seed ${s.seed}, alpha ${s.alpha}.</p>
${tableHtml(provenanceTable(view))}
${Object.keys(view.setups).length ? `<h3>Evaluation setups</h3>${list(Object.entries(view.setups).flatMap(([task, by]) => Object.entries(by).map(([h, t]) => `${task}: ${h}${t.tool ? ` — ${t.tool}${t.toolVersion ? ` ${t.toolVersion}` : ''}` : ''}`)))}` : ''}
</section>`);

  const nav = [['results', 'Results'], ...(charts.length ? [['charts', 'Charts']] : []), ...(view.stats.length ? [['statistics', 'Statistics']] : []), ...(view.references.length ? [['reference', 'Paper numbers']] : []), ...(curve ? [['training', 'Training']] : []), ['datacards', 'Data cards'], ['provenance', 'Provenance']]
    .map(([id, label]) => `<a href="#${id}">${label}</a>`)
    .join('');
  const baseline = view.baseline.arm !== null ? `baseline ${view.baseline.arm}` : 'no baseline';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(view.experiment)} — ablate report</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(view.experiment)}</h1>
${view.description ? `<p class="lead">${escapeHtml(view.description)}</p>` : ''}
<p class="hint">${view.arms.length} arms · ${view.collected.rows.length} runs · ${escapeHtml(baseline)} · spec <code>${escapeHtml(view.specFile)}</code></p>
<nav>${nav}</nav>
</header>
${warnings.length ? `<div class="warnings"><strong>Warnings</strong><ul>${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></div>` : ''}
${sections.join('\n')}
<footer>Generated by ablate from the finished stages of ${escapeHtml(view.experiment)}. Charts: Vega-Lite, rendered to SVG at build time.</footer>
</main>
</body>
</html>
`;
}

export function defaultReportPath(view: Pick<ResultsView, 'resultsRoot' | 'experiment'>): string {
  return path.join(experimentDir(view.resultsRoot, view.experiment), 'report.html');
}

/** Writes the report atomically; returns its path. */
export async function writeReport(view: ResultsView, file = defaultReportPath(view)): Promise<string> {
  const html = await buildReportHtml(view);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomic(path.resolve(file), html);
  return path.resolve(file);
}

