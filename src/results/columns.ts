/**
 * The metric columns of the results tables and each arm's cell in them: mean ± sd over the
 * arm's distinct repeats, with the reason for every missing value.
 */
import { SIZE_KEY, TRAIN_LOSS_KEY, type Cell, type Collected, type Provenance, type RunRow } from './collect.js';
import type { AggregateCell, Column, MissingValue, ReportConfig, ResultsView } from './view.js';

export function meanSd(values: readonly number[]): { mean: number | null; sd: number | null } {
  const n = values.length;
  if (n === 0) return { mean: null, sd: null };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, sd: null };
  const ss = values.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(ss / (n - 1)) };
}

function isEvalSource(cell: Cell | undefined): cell is { value: number; source: Provenance } {
  return cell !== undefined && cell.value !== null && cell.source.kind === 'eval';
}

/** The metric columns: size, training loss, then each task's metrics (split by setup when they differ). */
export function columnsOf(collected: Collected, report?: ReportConfig): { columns: Column[]; setups: ResultsView['setups']; warnings: string[] } {
  const warnings: string[] = [];
  const setups: ResultsView['setups'] = {};
  const metricsByTask = new Map<string, Set<string>>(collected.tasks.map((t) => [t, new Set(['pass@1'])]));
  for (const row of collected.rows) {
    for (const ev of row.evals) {
      if (!metricsByTask.has(ev.task)) metricsByTask.set(ev.task, new Set(['pass@1']));
      if (!ev.result) continue;
      for (const m of Object.keys(ev.result.metrics)) metricsByTask.get(ev.task)!.add(m);
      const hash = ev.result.setup_hash ?? 'unknown';
      const bySetup = (setups[ev.task] ??= {});
      bySetup[hash] ??= { ...(ev.result.tool ? { tool: ev.result.tool } : {}), ...(ev.result.tool_version ? { toolVersion: ev.result.tool_version } : {}) };
    }
  }
  const columns: Column[] = [
    { key: SIZE_KEY, metric: SIZE_KEY, label: 'size', percent: false },
    { key: TRAIN_LOSS_KEY, metric: TRAIN_LOSS_KEY, label: 'train loss', percent: false },
  ];
  const wanted = report?.metrics?.filter((m) => m !== SIZE_KEY && m !== TRAIN_LOSS_KEY);
  const evalMetrics: Array<{ task: string; metric: string }> = [];
  if (wanted && wanted.length > 0) {
    for (const key of wanted) {
      // The longest task name that prefixes the key: `lcb.easy.pass@1` is task `lcb.easy`, not `lcb`.
      const task = [...metricsByTask.keys()].filter((t) => key.startsWith(`${t}.`)).sort((x, y) => y.length - x.length)[0];
      if (task === undefined) {
        warnings.push(`report.metrics names "${key}", which no evaluated task produces (tasks: ${[...metricsByTask.keys()].join(', ') || 'none'})`);
        continue;
      }
      evalMetrics.push({ task, metric: key.slice(task.length + 1) });
    }
  } else {
    for (const [task, metrics] of metricsByTask) {
      // pass@k in k order first, then the rest by name: pass@1 always leads.
      const sorted = [...metrics].sort((a, b) => passK(a) - passK(b) || a.localeCompare(b));
      for (const metric of sorted) evalMetrics.push({ task, metric });
    }
  }
  for (const { task, metric } of evalMetrics) {
    const key = `${task}.${metric}`;
    const hashes = Object.keys(setups[task] ?? {}).sort();
    if (hashes.length <= 1) {
      columns.push({ key, metric: key, label: key, task, percent: true });
      continue;
    }
    for (const h of hashes) columns.push({ key: `${key}#${h}`, metric: key, label: `${key} [setup ${h.slice(0, 8)}]`, task, setup: h, percent: true });
  }
  for (const [task, bySetup] of Object.entries(setups)) {
    const hashes = Object.keys(bySetup);
    if (hashes.length > 1) warnings.push(`${task} was evaluated under ${hashes.length} different setups (${hashes.map((h) => h.slice(0, 8)).join(', ')}); their numbers are shown in separate columns and never averaged or compared together`);
  }
  return { columns, setups, warnings };
}

function passK(metric: string): number {
  const m = /^pass@(\d+)/.exec(metric);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

/** One run's cell for a column, or the reason it has none. */
function cellFor(row: RunRow, column: Column): Cell {
  const cell = row.cells[column.metric];
  if (!cell) return { value: null, reason: column.task ? `no ${column.metric.slice(column.task.length + 1)} in the ${column.task} result` : 'not produced' };
  if (column.setup !== undefined && isEvalSource(cell) && (cell.source.setupHash ?? 'unknown') !== column.setup) {
    return { value: null, reason: `evaluated under setup ${(cell.source.setupHash ?? 'unknown').slice(0, 8)} (another column)`, source: cell.source };
  }
  return cell;
}

export function aggregateCell(rows: readonly RunRow[], column: Column): AggregateCell {
  const values: number[] = [];
  const missing: MissingValue[] = [];
  const sources: Provenance[] = [];
  for (const row of rows) {
    const cell = cellFor(row, column);
    if (cell.value === null) missing.push({ run: row.name, repeat: row.repeat, reason: cell.reason });
    else {
      values.push(cell.value);
      sources.push(cell.source);
    }
  }
  return { ...meanSd(values), n: values.length, of: rows.length, values, missing, sources };
}
