/**
 * Rendering the results view: table models (pure data: head, rows of strings, notes) and the four
 * output formats. The HTML report builds on the same models, so every surface shows the same numbers.
 */
import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import { UsageError } from '../errors.js';
import { canonicalJson } from '../util/hash.js';
import { ADJUSTMENT_NAMES } from './adjust.js';
import type { AggregateCell, ArmRow, Column, PairedComparison, ResultsView } from './aggregate.js';
import type { RunRow } from './collect.js';

import type { ResultsFormat } from './options.js';
export { RESULT_FORMATS, type ResultsFormat } from './options.js';

export type Align = 'left' | 'right';

export interface TableModel {
  title: string;
  head: string[];
  align: Align[];
  rows: string[][];
  /** Per-cell hover text (provenance, missing reasons), parallel to `rows`; '' for none. */
  details?: string[][];
}

export const MISSING = '-';

/** Axis values as run names show them: objects as `k:v+k:v`, lists as `a+b`. */
export function formatAxisValue(v: unknown): string {
  if (v === undefined) return MISSING;
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const entries = Object.entries(v as Record<string, unknown>);
    return entries.length ? entries.map(([k, x]) => `${k}:${formatAxisValue(x)}`).join('+') : 'none';
  }
  if (Array.isArray(v)) return v.map(formatAxisValue).join('+');
  return String(v);
}

function digitsFor(column: Pick<Column, 'percent' | 'metric'>): number {
  if (column.percent) return 2;
  if (column.metric === 'dataset.size') return 0;
  return 4;
}

export function formatNumber(x: number, column: Pick<Column, 'percent' | 'metric'>): string {
  const d = digitsFor(column);
  // Means of integer sizes can be fractional; show one decimal rather than hide it.
  if (d === 0 && !Number.isInteger(x)) return x.toFixed(1);
  return x.toFixed(d);
}

/** `61.00`, or with repeats `61.00 ± 1.23 (n=3)`, `61.00 (n=2/3)` when some repeats are missing. */
export function formatCell(cell: AggregateCell, column: Pick<Column, 'percent' | 'metric'>): string {
  if (cell.mean === null) return MISSING;
  const mean = formatNumber(cell.mean, column);
  if (cell.of <= 1) return mean;
  const sd = cell.sd !== null ? ` ± ${formatNumber(cell.sd, column)}` : '';
  const n = cell.n === cell.of ? `n=${cell.n}` : `n=${cell.n}/${cell.of}`;
  return `${mean}${sd} (${n})`;
}

/** `+1.50`, `-0.25`, and `0.00` for anything that rounds to zero (never `-0.00` or `+0.00`). */
export function signed(x: number, digits = 2): string {
  const s = x.toFixed(digits);
  if (Number(s) === 0) return (0).toFixed(digits);
  return x > 0 ? `+${s}` : s;
}

export function formatP(p: number): string {
  return p < 0.0001 ? p.toExponential(1) : p.toFixed(4);
}

/** Hover text of a cell: where each value came from, and why any are missing. */
export function cellDetail(cell: AggregateCell): string {
  const lines = cell.sources.map((s, i) => {
    const extra = [s.tool && `${s.tool}${s.toolVersion ? ` ${s.toolVersion}` : ''}`, s.setupHash && `setup ${s.setupHash.slice(0, 12)}`].filter(Boolean).join(', ');
    return `${cell.values[i]!.toString()}: ${s.kind} stage ${s.stage} (${s.file})${extra ? ` [${extra}]` : ''}`;
  });
  for (const m of cell.missing) lines.push(`missing ${m.run}: ${m.reason}`);
  return lines.join('\n');
}

const evalColumns = (view: ResultsView): Column[] => view.columns.filter((c) => c.task !== undefined);

function axisCells(view: ResultsView, arm: Pick<ArmRow, 'axes' | 'arm'>, axes = view.axes): string[] {
  return axes.length ? axes.map((p) => formatAxisValue(arm.axes[p])) : [arm.arm];
}

function axisHead(view: ResultsView, axes = view.axes): string[] {
  return axes.length ? axes.map((p) => view.axisLabels[p] ?? p) : ['arm'];
}

/** One row per arm: axes, repeats, every metric as mean ± sd (n), and Δ vs the baseline for eval metrics. */
export function mainTable(view: ResultsView): TableModel {
  const hasBaseline = view.baseline.arm !== null;
  const head = [...axisHead(view), 'runs'];
  const align: Align[] = [...head.map((): Align => 'left')];
  align[align.length - 1] = 'right';
  for (const c of view.columns) {
    head.push(c.percent ? `${c.label} %` : c.label);
    align.push('right');
    if (hasBaseline && c.task !== undefined) {
      head.push(`Δ ${c.label} pp`);
      align.push('right');
    }
  }
  const rows: string[][] = [];
  const details: string[][] = [];
  for (const arm of view.arms) {
    const row = [...axisCells(view, arm), String(arm.runs.length)];
    const detail = row.map(() => '');
    detail[0] = `arm ${arm.arm}\nruns: ${arm.runs.join(', ')}`;
    for (const c of view.columns) {
      const cell = arm.cells[c.key]!;
      row.push(formatCell(cell, c));
      detail.push(cellDetail(cell));
      if (hasBaseline && c.task !== undefined) {
        const d = arm.delta[c.key];
        row.push(arm.isBaseline ? 'baseline' : d === null || d === undefined ? MISSING : signed(d));
        detail.push('');
      }
    }
    rows.push(row);
    details.push(detail);
  }
  return { title: `${view.experiment}: results by arm`, head, align, rows, details };
}

export interface PivotRow {
  axes: Record<string, unknown>;
  /** Column key → pivot value (formatted) → the arm's cell. */
  cells: Record<string, Record<string, AggregateCell | null>>;
}

export interface Pivot {
  axis: string;
  values: string[];
  columns: Column[];
  otherAxes: string[];
  rows: PivotRow[];
}

/** Arms regrouped so one axis' values become columns (for example pass@1 by complexity tertile). */
export function pivotView(view: ResultsView, axis: string): Pivot {
  const resolved = view.axes.includes(axis) ? axis : view.axes.find((p) => view.axisLabels[p] === axis || p.split('.').pop() === axis);
  if (resolved === undefined) {
    throw new UsageError(`--pivot ${axis}: not a sweep axis of ${view.experiment} (axes: ${view.axes.map((p) => (view.axisLabels[p] !== p ? `${p} (${view.axisLabels[p]})` : p)).join(', ') || 'none'})`);
  }
  const otherAxes = view.axes.filter((p) => p !== resolved);
  const evalCols = evalColumns(view);
  const columns = evalCols.length ? evalCols : view.columns;
  const values: string[] = [];
  const byKey = new Map<string, PivotRow>();
  for (const arm of view.arms) {
    const v = formatAxisValue(arm.axes[resolved]);
    if (!values.includes(v)) values.push(v);
    const others = Object.fromEntries(otherAxes.map((p) => [p, arm.axes[p]]));
    const key = canonicalJson(others);
    let row = byKey.get(key);
    if (!row) {
      row = { axes: others, cells: Object.fromEntries(columns.map((c) => [c.key, {}])) };
      byKey.set(key, row);
    }
    for (const c of columns) row.cells[c.key]![v] = arm.cells[c.key]!;
  }
  return { axis: resolved, values, columns, otherAxes, rows: [...byKey.values()] };
}

export function pivotTable(view: ResultsView, pivot: Pivot): TableModel {
  const label = view.axisLabels[pivot.axis] ?? pivot.axis;
  const head = pivot.otherAxes.length ? pivot.otherAxes.map((p) => view.axisLabels[p] ?? p) : [''];
  const align: Align[] = head.map(() => 'left');
  for (const c of pivot.columns) {
    for (const v of pivot.values) {
      head.push(`${c.label}${c.percent ? ' %' : ''} ${label}=${v}`);
      align.push('right');
    }
  }
  const rows: string[][] = [];
  const details: string[][] = [];
  for (const r of pivot.rows) {
    const row = pivot.otherAxes.length ? pivot.otherAxes.map((p) => formatAxisValue(r.axes[p])) : ['all'];
    const detail = row.map(() => '');
    for (const c of pivot.columns) {
      for (const v of pivot.values) {
        const cell = r.cells[c.key]![v];
        row.push(cell ? formatCell(cell, c) : MISSING);
        detail.push(cell ? cellDetail(cell) : `no arm with ${label}=${v}`);
      }
    }
    rows.push(row);
    details.push(detail);
  }
  return { title: `${view.experiment}: by ${label}`, head, align, rows, details };
}

/** Paired statistics: each arm against the baseline, per benchmark. */
export function statsTable(view: ResultsView): TableModel {
  const s = view.statsSettings;
  const adj = ADJUSTMENT_NAMES[s.adjustment];
  const head = ['arm', 'vs baseline', 'task', 'pass arm %', 'pass base %', 'diff pp', `McNemar p (${s.mcnemar}; ${adj}) per config`, `p<${s.alpha} raw`, `${adj} p<${s.alpha}`, `${s.level}% CI pp`];
  const align: Align[] = ['left', 'left', 'left', 'right', 'right', 'right', 'left', 'right', 'right', 'right'];
  const rows = view.stats.map((c) => statsRow(c, s.alpha));
  return { title: `Paired statistics (${s.resamples} bootstrap resamples of problems, seed ${s.seed}; ${adj} over ${s.family} tests)`, head, align, rows };
}

function statsRow(c: PairedComparison, alpha: number): string[] {
  const what = c.metric === `${c.task}.pass@1` ? c.task : c.metric;
  const task = c.setup ? `${what} [setup ${c.setup.slice(0, 8)}]` : what;
  if (c.reason !== undefined || c.mean_diff === null || c.ci === null) return [c.arm, c.baseline, task, MISSING, MISSING, MISSING, c.reason ?? 'not computed', MISSING, MISSING, MISSING];
  const star = (p: number): string => (p < alpha ? '*' : '');
  const ps = c.configs
    .map((k) => `${k.a.split(' ').pop()}/${k.b.split(' ').pop()} ${formatP(k.p)}${star(k.p)}; ${formatP(k.p_adjusted)}${star(k.p_adjusted)}${k.identical ? ' (identical!)' : ''}`)
    .join(', ');
  return [
    c.arm,
    c.baseline,
    task,
    c.pass_arm!.toFixed(2),
    c.pass_baseline!.toFixed(2),
    signed(c.mean_diff),
    ps,
    `${c.significant}/${c.total}`,
    `${c.significant_adjusted}/${c.total}`,
    `[${signed(c.ci[0])}, ${signed(c.ci[1])}]`,
  ];
}

/** Our numbers against the paper's, with the tolerance stated. */
export function referenceTable(view: ResultsView): TableModel {
  const head = ['arm', 'metric', 'paper', 'ours', 'diff pp', `within ±${view.tolerance} pp`, 'note'];
  const align: Align[] = ['left', 'left', 'right', 'right', 'right', 'left', 'left'];
  const rows = view.references.map((r) => [
    r.arm ?? formatAxisValue(r.armSelector),
    r.metric,
    r.reference.toFixed(2),
    r.observed === null ? MISSING : r.observed.toFixed(2),
    r.diff === null ? MISSING : signed(r.diff),
    r.ok === null ? `${MISSING} (${r.reason ?? 'no value'})` : r.ok ? 'ok' : '✗',
    r.note ?? '',
  ]);
  return { title: `Against published numbers (tolerance ±${view.tolerance} pp)`, head, align, rows };
}

/** Everything a reader needs to trust the table: baseline, setups, missing reasons, warnings. */
export function notes(view: ResultsView): string[] {
  const out: string[] = [];
  out.push(view.baseline.arm !== null ? `baseline: ${view.baseline.arm}` : `baseline: none (${view.baseline.reason ?? 'not set'})`);
  for (const [task, bySetup] of Object.entries(view.setups)) {
    const list = Object.entries(bySetup).map(([h, t]) => `${h.slice(0, 12)}${t.tool ? ` (${t.tool}${t.toolVersion ? ` ${t.toolVersion}` : ''})` : ''}`);
    out.push(`${task} evaluation setup: ${list.join(', ')}`);
  }
  const reasons = new Map<string, number>();
  for (const arm of view.arms) for (const c of view.columns) for (const m of arm.cells[c.key]!.missing) reasons.set(m.reason, (reasons.get(m.reason) ?? 0) + 1);
  if (reasons.size > 0) out.push(`missing values (${MISSING}): ${[...reasons].map(([r, n]) => `${r} (${n})`).join('; ')}`);
  out.push(...view.warnings.map((w) => `warning: ${w}`));
  for (const s of view.stats) out.push(...s.warnings.map((w) => `warning: ${w}`));
  return out;
}

export interface RenderOptions {
  pivot?: string;
}

/** The tables of a results view, in reading order. */
export function resultTables(view: ResultsView, opts: RenderOptions = {}): TableModel[] {
  const tables = [opts.pivot ? pivotTable(view, pivotView(view, opts.pivot)) : mainTable(view)];
  if (view.stats.length > 0) tables.push(statsTable(view));
  if (view.references.length > 0) tables.push(referenceTable(view));
  return tables;
}

export function renderTerminal(tables: readonly TableModel[], noteLines: readonly string[]): string {
  const parts: string[] = [];
  for (const t of tables) {
    const table = new Table({ head: t.head, colAligns: t.align, style: { head: [], border: [] } });
    for (const r of t.rows) table.push(r);
    parts.push(t.title, table.toString(), '');
  }
  parts.push(...noteLines);
  return `${parts.join('\n')}\n`;
}

/** Cell text for a Markdown table: pipes and backslashes escaped, and no raw HTML (renderers would run it). */
function mdEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>');
}

export function renderMarkdown(tables: readonly TableModel[], noteLines: readonly string[]): string {
  const parts: string[] = [];
  for (const t of tables) {
    parts.push(`### ${mdEscape(t.title)}`, '');
    parts.push(`| ${t.head.map(mdEscape).join(' | ')} |`);
    parts.push(`|${t.align.map((a) => (a === 'right' ? '---:' : '---')).join('|')}|`);
    for (const r of t.rows) parts.push(`| ${r.map(mdEscape).join(' | ')} |`);
    parts.push('');
  }
  for (const n of noteLines) parts.push(`- ${mdEscape(n)}`);
  return `${parts.join('\n')}\n`;
}

const num = (x: number | null | undefined): string => (x === null || x === undefined ? MISSING : String(Number(x.toFixed(6))));

/**
 * CSV for spreadsheets and scripts: one row per arm (or per pivot row), plain numbers (mean, sd,
 * n, delta in separate columns), `-` for missing values; the reasons are in the JSON output.
 */
export function renderCsv(view: ResultsView, opts: RenderOptions = {}): string {
  if (opts.pivot) {
    const pivot = pivotView(view, opts.pivot);
    const label = view.axisLabels[pivot.axis] ?? pivot.axis;
    const header = [...pivot.otherAxes];
    for (const c of pivot.columns) for (const v of pivot.values) header.push(`${c.key}[${label}=${v}]`, `${c.key}[${label}=${v}].sd`, `${c.key}[${label}=${v}].n`);
    const rows = pivot.rows.map((r) => {
      const row = pivot.otherAxes.map((p) => formatAxisValue(r.axes[p]));
      for (const c of pivot.columns) {
        for (const v of pivot.values) {
          const cell = r.cells[c.key]![v];
          row.push(num(cell?.mean), num(cell?.sd), cell ? String(cell.n) : MISSING);
        }
      }
      return row;
    });
    return stringify([header, ...rows]);
  }
  const tasks = Object.keys(view.setups);
  const header = [...view.axes, 'arm', 'baseline', 'runs'];
  for (const c of view.columns) {
    header.push(c.key, `${c.key}.sd`, `${c.key}.n`);
    if (c.task !== undefined) header.push(`${c.key}.delta`);
  }
  header.push(...tasks.map((t) => `${t}.setup`));
  const rows = view.arms.map((arm) => {
    const row = [...view.axes.map((p) => formatAxisValue(arm.axes[p])), arm.arm, String(arm.isBaseline), String(arm.runs.length)];
    for (const c of view.columns) {
      const cell = arm.cells[c.key]!;
      row.push(num(cell.mean), num(cell.sd), String(cell.n));
      if (c.task !== undefined) row.push(num(arm.delta[c.key]));
    }
    row.push(...tasks.map((t) => (arm.setups[t]?.length ? arm.setups[t]!.join(' ') : MISSING)));
    return row;
  });
  return stringify([header, ...rows]);
}

/**
 * One run of the JSON form: its cells, and per evaluated task how many problems its pass@k counts.
 * Experiment tracking (src/track/) logs exactly this, so tracker and tables never disagree.
 */
export function runJson(r: RunRow): RunJson {
  return {
    run: r.run,
    name: r.name,
    arm: r.arm,
    repeat: r.repeat,
    axes: r.axes,
    stages: r.stages,
    cells: r.cells,
    evals: r.evals.map((e) => ({ task: e.task, stage: e.stage, ...(e.result ? { problems: e.result.problems.length, n_samples: e.result.n_samples } : { reason: e.reason ?? 'no result' }) })),
  };
}

export interface RunJson {
  run: string;
  name: string;
  arm: string;
  repeat: number;
  axes: Record<string, unknown>;
  stages: RunRow['stages'];
  cells: RunRow['cells'];
  evals: Array<{ task: string; stage: string; problems?: number; n_samples?: number; reason?: string }>;
}

/** The JSON form: every number with its provenance, every missing value with its reason. */
export function resultsJson(view: ResultsView, opts: RenderOptions = {}): Record<string, unknown> {
  const { collected, ...rest } = view;
  return {
    ...rest,
    runs: collected.rows.map(runJson),
    ...(opts.pivot ? { pivot: pivotView(view, opts.pivot) } : {}),
  };
}

export function renderResults(view: ResultsView, format: ResultsFormat, opts: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(resultsJson(view, opts), null, 2)}\n`;
    case 'csv':
      return renderCsv(view, opts);
    case 'md':
      return renderMarkdown(resultTables(view, opts), notes(view));
    case 'table':
      return renderTerminal(resultTables(view, opts), notes(view));
  }
}
