/**
 * From collected runs to the numbers a paper table needs: one row per arm (repeats as mean ± sd
 * with n), deltas against the baseline arm and against published reference numbers, and paired
 * statistics of every arm against the baseline. Pure apart from `resultsFromPlan`, which reads the
 * stage outputs through `collectResults` first.
 */
import { AblateError } from '../errors.js';
import type { ExperimentSpec } from '../spec/types.generated.js';
import { canonicalJson } from '../util/hash.js';
import type { Plan } from '../plan/types.js';
import { collectResults, SIZE_KEY, TRAIN_LOSS_KEY, type Cell, type Collected, type Provenance, type RunRow } from './collect.js';
import { compareArms, DEFAULT_ALPHA, DEFAULT_RESAMPLES, DEFAULT_SEED, type ArmPair, type ConfigComparison } from './compare.js';
import { outcomeTableFromResults } from './fromEvalResults.js';
import { seededResamples, type McNemarVariant } from './stats.js';
import type { EvalResult } from './types.js';

export type ReportConfig = NonNullable<ExperimentSpec['report']>;

/** A table column: a metric, possibly restricted to one evaluation setup. */
export interface Column {
  key: string;
  /** The metric key (`dataset.size`, `train.loss`, `humaneval.pass@1`). */
  metric: string;
  label: string;
  /** Eval metrics: the task, and the setup hash when the task was evaluated under several setups. */
  task?: string;
  setup?: string;
  /** Value in percent: deltas are percentage points. */
  percent: boolean;
}

export interface MissingValue {
  run: string;
  repeat: number;
  reason: string;
}

export interface AggregateCell {
  /** Mean over the repeats that have a value; null when none has. */
  mean: number | null;
  /** Sample standard deviation (n − 1); null with fewer than two values. */
  sd: number | null;
  n: number;
  /** Repeats the arm has (n plus the missing ones). */
  of: number;
  values: number[];
  missing: MissingValue[];
  sources: Provenance[];
}

export interface ArmRow {
  arm: string;
  axes: Record<string, unknown>;
  runs: string[];
  isBaseline: boolean;
  cells: Record<string, AggregateCell>;
  /** Column key → mean minus the baseline's mean (percentage points for percent columns). */
  delta: Record<string, number | null>;
  /** Task → distinct setup hashes of the arm's results. */
  setups: Record<string, string[]>;
}

export interface PairedComparison {
  arm: string;
  baseline: string;
  task: string;
  metric: string;
  setup?: string;
  /** Mean pass@1 (percent) of the arm and the baseline over the paired configurations. */
  pass_arm: number | null;
  pass_baseline: number | null;
  configs: ConfigComparison[];
  mean_diff: number | null;
  ci: [number, number] | null;
  significant: number;
  total: number;
  problems: number;
  /** Why the comparison could not be made, when it could not. */
  reason?: string;
  warnings: string[];
}

export interface ReferenceCheck {
  arm: string | null;
  armSelector: Record<string, unknown>;
  metric: string;
  reference: number;
  observed: number | null;
  diff: number | null;
  /** |diff| ≤ tolerance; null when there is nothing to compare. */
  ok: boolean | null;
  note?: string;
  reason?: string;
}

export interface StatsSettings {
  mcnemar: McNemarVariant;
  resamples: number;
  seed: number;
  alpha: number;
  level: number;
}

export interface ResultsView {
  experiment: string;
  resultsRoot: string;
  specFile: string;
  description?: string;
  /** Sweep axis paths in first-seen order, with display labels. */
  axes: string[];
  axisLabels: Record<string, string>;
  columns: Column[];
  arms: ArmRow[];
  baseline: { selector: Record<string, unknown> | null; arm: string | null; reason?: string };
  stats: PairedComparison[];
  statsSettings: StatsSettings;
  references: ReferenceCheck[];
  tolerance: number;
  /** Task → setup hash → tool and version, from the results that carry them. */
  setups: Record<string, Record<string, { tool?: string; toolVersion?: string }>>;
  warnings: string[];
  collected: Collected;
}

export interface AggregateOptions {
  report?: ReportConfig;
  description?: string;
  /** Sweep axis display labels (`sweep.names`). */
  names?: Record<string, string>;
  /** Reads a dotted path of a run's resolved config (selectors may name paths that are not sweep axes). */
  configValue?: (run: RunRow, path: string) => unknown;
  mcnemar?: McNemarVariant;
  resamples?: number;
  seed?: number;
  alpha?: number;
}

export const DEFAULT_TOLERANCE = 2;

/** Reads `a.b.c` from a nested object. */
export function getPath(obj: unknown, dotted: string): unknown {
  let cur: unknown = obj;
  for (const seg of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

const same = (a: unknown, b: unknown): boolean => a !== undefined && b !== undefined && canonicalJson(a) === canonicalJson(b);

/** True when the run has every path → value of the selector (sweep axes first, then its config). */
export function matchesSelector(row: RunRow, selector: Record<string, unknown>, configValue?: AggregateOptions['configValue']): boolean {
  return Object.entries(selector).every(([p, v]) => same(p in row.axes ? row.axes[p] : configValue?.(row, p), v));
}

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

function aggregateCell(rows: readonly RunRow[], column: Column): AggregateCell {
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

export interface ArmGroup {
  arm: string;
  axes: Record<string, unknown>;
  /** Every run of the arm, by repeat. */
  all: RunRow[];
  /**
   * The distinct measurements: repeats whose stages are all shared (a deterministic data selection
   * gives every repeat the same dataset, hence the same training and scores) count once.
   */
  rows: RunRow[];
  /** Repeat numbers folded into an earlier repeat because they share every stage. */
  shared: Array<{ repeat: number; sameAs: number }>;
}

/** Groups runs into arms (equal in every axis, any repeat), in plan order. */
export function groupArms(rows: readonly RunRow[]): ArmGroup[] {
  const byKey = new Map<string, ArmGroup>();
  for (const row of rows) {
    const key = canonicalJson(row.axes);
    let g = byKey.get(key);
    if (!g) {
      g = { arm: row.arm, axes: row.axes, all: [], rows: [], shared: [] };
      byKey.set(key, g);
    }
    g.all.push(row);
  }
  for (const g of byKey.values()) {
    g.all.sort((a, b) => a.repeat - b.repeat);
    const seen = new Map<string, number>();
    for (const row of g.all) {
      const chain = canonicalJson(row.stages);
      const first = seen.get(chain);
      if (first === undefined) {
        seen.set(chain, row.repeat);
        g.rows.push(row);
      } else g.shared.push({ repeat: row.repeat, sameAs: first });
    }
  }
  return [...byKey.values()];
}

export function aggregateResults(collected: Collected, opts: AggregateOptions = {}): ResultsView {
  const report = opts.report;
  const { columns, setups, warnings } = columnsOf(collected, report);
  const groups = groupArms(collected.rows);
  const folded = groups.filter((g) => g.shared.length > 0);
  if (folded.length > 0) {
    const which = folded.map((g) => `${g.arm} (${g.shared.map((s) => `r${s.repeat} = r${s.sameAs}`).join(', ')})`).join('; ');
    warnings.push(`repeats that share every stage (the data selection does not depend on the seed) are counted once: ${which}`);
  }
  const axes: string[] = [];
  for (const row of collected.rows) for (const p of Object.keys(row.axes)) if (!axes.includes(p)) axes.push(p);
  const axisLabels = Object.fromEntries(axes.map((p) => [p, opts.names?.[p] ?? p]));

  const selector = report?.baseline ? (report.baseline as Record<string, unknown>) : null;
  let baselineIndex = -1;
  let baselineReason: string | undefined;
  if (selector) {
    const matching = groups.map((g, i) => (g.all.some((r) => matchesSelector(r, selector, opts.configValue)) ? i : -1)).filter((i) => i >= 0);
    if (matching.length === 0) baselineReason = `no arm matches report.baseline ${canonicalJson(selector)}`;
    else {
      baselineIndex = matching[0]!;
      if (matching.length > 1) warnings.push(`report.baseline ${canonicalJson(selector)} matches ${matching.length} arms (${matching.map((i) => groups[i]!.arm).join('; ')}); using "${groups[baselineIndex]!.arm}". Name more axes to pick one.`);
    }
    if (baselineReason) warnings.push(baselineReason);
  } else baselineReason = 'the spec has no report.baseline';

  const arms: ArmRow[] = groups.map((g, i) => {
    const cells = Object.fromEntries(columns.map((c) => [c.key, aggregateCell(g.rows, c)] as const));
    const armSetups: Record<string, string[]> = {};
    for (const row of g.rows) {
      for (const ev of row.evals) {
        if (!ev.result) continue;
        const list = (armSetups[ev.task] ??= []);
        const h = ev.result.setup_hash ?? 'unknown';
        if (!list.includes(h)) list.push(h);
      }
    }
    return { arm: g.arm, axes: g.axes, runs: g.all.map((r) => r.run), isBaseline: i === baselineIndex, cells, delta: {}, setups: armSetups };
  });
  const base = arms[baselineIndex];
  for (const arm of arms) {
    for (const c of columns) {
      const a = arm.cells[c.key]!.mean;
      const b = base?.cells[c.key]!.mean;
      arm.delta[c.key] = a !== null && b !== null && b !== undefined ? a - b : null;
    }
  }

  const statsSettings: StatsSettings = {
    mcnemar: opts.mcnemar ?? 'midp',
    resamples: opts.resamples ?? DEFAULT_RESAMPLES,
    seed: opts.seed ?? DEFAULT_SEED,
    alpha: opts.alpha ?? DEFAULT_ALPHA,
    level: 95,
  };
  const stats: PairedComparison[] = [];
  if (baselineIndex >= 0) {
    const baseGroup = groups[baselineIndex]!;
    const tasks = [...new Set(columns.filter((c) => c.task !== undefined).map((c) => c.task!))];
    groups.forEach((g, i) => {
      if (i === baselineIndex) return;
      for (const task of tasks) {
        stats.push(...pairedForTask(g, baseGroup, task, statsSettings));
        if (hasPlusOutcomes([g, baseGroup], task)) stats.push(...pairedForTask(g, baseGroup, task, statsSettings, 'plus'));
      }
    });
  }

  const tolerance = report?.tolerance ?? DEFAULT_TOLERANCE;
  const references = (report?.reference ?? []).map((ref) => checkReference(ref, groups, arms, columns, tolerance, opts.configValue));

  return {
    experiment: collected.experiment,
    resultsRoot: collected.resultsRoot,
    specFile: collected.specFile,
    ...(opts.description ? { description: opts.description } : {}),
    axes,
    axisLabels,
    columns,
    arms,
    baseline: { selector, arm: base?.arm ?? null, ...(baselineReason ? { reason: baselineReason } : {}) },
    stats,
    statsSettings,
    references,
    tolerance,
    setups,
    warnings,
    collected,
  };
}

function checkReference(
  ref: NonNullable<ReportConfig['reference']>[number],
  groups: ArmGroup[],
  arms: ArmRow[],
  columns: Column[],
  tolerance: number,
  configValue: AggregateOptions['configValue'],
): ReferenceCheck {
  const armSelector = ref.arm as Record<string, unknown>;
  const base = { armSelector, metric: ref.metric, reference: ref.value, ...(ref.note ? { note: ref.note } : {}) };
  const matching = groups.flatMap((g, i) => (g.all.some((r) => matchesSelector(r, armSelector, configValue)) ? [i] : []));
  if (matching.length === 0) return { ...base, arm: null, observed: null, diff: null, ok: null, reason: `no arm matches ${canonicalJson(armSelector)}` };
  // A paper number belongs to one arm: comparing it with whichever arm came first would be a silent guess.
  if (matching.length > 1) {
    return { ...base, arm: null, observed: null, diff: null, ok: null, reason: `${canonicalJson(armSelector)} matches ${matching.length} arms (${matching.map((i) => groups[i]!.arm).join('; ')}); name more axes to pick one` };
  }
  const arm = arms[matching[0]!]!;
  const cols = columns.filter((c) => c.metric === ref.metric);
  if (cols.length === 0) return { ...base, arm: arm.arm, observed: null, diff: null, ok: null, reason: `no column ${ref.metric}` };
  const withValue = cols.filter((c) => arm.cells[c.key]!.mean !== null);
  if (withValue.length === 0) {
    const reasons = [...new Set(cols.flatMap((c) => arm.cells[c.key]!.missing.map((m) => m.reason)))];
    return { ...base, arm: arm.arm, observed: null, diff: null, ok: null, reason: reasons.join('; ') || 'no value' };
  }
  if (withValue.length > 1) {
    return { ...base, arm: arm.arm, observed: null, diff: null, ok: null, reason: `${ref.metric} of this arm comes from ${withValue.length} evaluation setups; compare one setup with the paper` };
  }
  const observed = arm.cells[withValue[0]!.key]!.mean!;
  const diff = observed - ref.value;
  // A rounding epsilon: 65.9 vs 67.9 at tolerance 2 must count as within.
  return { ...base, arm: arm.arm, observed, diff, ok: Math.abs(diff) <= tolerance + 1e-9 };
}

/** True when every result of the task in these arms has a `plus` outcome on every problem (EvalPlus). */
function hasPlusOutcomes(groups: readonly ArmGroup[], task: string): boolean {
  const results = groups.flatMap((g) => g.rows.flatMap((r) => r.evals.filter((e) => e.task === task && e.result).map((e) => e.result!)));
  return results.length > 0 && results.every((r) => r.problems.length > 0 && r.problems.every((p) => typeof p.plus === 'boolean'));
}

/**
 * Paired statistics of one arm against the baseline on one task, one comparison per shared
 * setup. Configurations pair by repeat number when both arms have repeats; when only one has,
 * each of its repeats pairs with the other's single run.
 */
function pairedForTask(
  arm: ArmGroup,
  base: ArmGroup,
  task: string,
  settings: StatsSettings,
  outcome: 'base' | 'plus' = 'base',
): PairedComparison[] {
  const metric = outcome === 'plus' ? `${task}.plus_pass@1` : `${task}.pass@1`;
  // EvalPlus's extended tests: the same statistics on each problem's `plus` outcome.
  const asPlus = (r: EvalResult): EvalResult => ({ ...r, problems: r.problems.map((p) => ({ ...p, passed: p.plus === true })) });
  const resultsOf = (rows: RunRow[]): Array<{ row: RunRow; result: EvalResult }> =>
    rows.flatMap((row) => row.evals.filter((e) => e.task === task && e.result).map((e) => ({ row, result: outcome === 'plus' ? asPlus(e.result!) : e.result! })));
  // Aggregate-only results (no per-problem outcomes) cannot be paired; they are skipped, with the reason below.
  const perProblem = (x: { result: EvalResult }): boolean => x.result.problems.length > 0;
  const allA = resultsOf(arm.rows);
  const allB = resultsOf(base.rows);
  const a = allA.filter(perProblem);
  const b = allB.filter(perProblem);
  const empty = (reason: string, setup?: string): PairedComparison => ({
    arm: arm.arm,
    baseline: base.arm,
    task,
    metric,
    ...(setup !== undefined ? { setup } : {}),
    pass_arm: null,
    pass_baseline: null,
    configs: [],
    mean_diff: null,
    ci: null,
    significant: 0,
    total: 0,
    problems: 0,
    reason,
    warnings: [],
  });
  if ((a.length === 0 && allA.length > 0) || (b.length === 0 && allB.length > 0)) {
    return [empty(`${a.length === 0 ? 'the arm' : 'the baseline'}'s ${task} results have no per-problem outcomes (only aggregate metrics), so they cannot be paired`)];
  }
  if (a.length === 0 || b.length === 0) {
    const side = a.length === 0 ? arm : base;
    const reasons = [...new Set(side.rows.flatMap((r) => r.evals.filter((e) => e.task === task && !e.result).map((e) => e.reason ?? 'no result')))];
    return [empty(`${side === arm ? 'the arm' : 'the baseline'} has no ${task} outcomes${reasons.length ? ` (${reasons.join('; ')})` : ''}`)];
  }
  const setupOf = (x: { result: EvalResult }): string => x.result.setup_hash ?? 'unknown';
  const setups = [...new Set([...a, ...b].map(setupOf))].sort();
  const out: PairedComparison[] = [];
  for (const setup of setups) {
    const as = a.filter((x) => setupOf(x) === setup);
    const bs = b.filter((x) => setupOf(x) === setup);
    const tag = setups.length > 1 ? setup : undefined;
    if (as.length === 0 || bs.length === 0) {
      out.push(empty(`setup ${setup.slice(0, 8)} has results for ${as.length === 0 ? 'the baseline' : 'the arm'} only; outcomes of different setups are never paired`, tag));
      continue;
    }
    const configs: Array<[typeof as[number], typeof bs[number]]> = [];
    // Arms with repeats pair by repeat number even when some repeats have no result yet.
    if (arm.rows.length > 1 && base.rows.length > 1) {
      for (const x of as) {
        const y = bs.find((z) => z.row.repeat === x.row.repeat);
        if (y) configs.push([x, y]);
      }
    } else if (as.length === 1) for (const y of bs) configs.push([as[0]!, y]);
    else for (const x of as) configs.push([x, bs[0]!]);
    if (configs.length === 0) {
      out.push(empty('the arm and the baseline share no repeat number with results', tag));
      continue;
    }
    const columnName = (x: { row: RunRow }, side: 'arm' | 'baseline'): string => `${side === 'arm' ? arm.arm : base.arm} r${x.row.repeat}`;
    const results = new Map<string, EvalResult>();
    for (const [x, y] of configs) {
      results.set(columnName(x, 'arm'), x.result);
      results.set(columnName(y, 'baseline'), y.result);
    }
    let table;
    try {
      table = outcomeTableFromResults(task, results);
    } catch (err) {
      if (!(err instanceof AblateError)) throw err;
      out.push(empty(`per-problem outcomes do not line up: ${err.message.split('\n')[0]}`, tag));
      continue;
    }
    const pairs: ArmPair[] = configs.map(([x, y]) => {
      const an = columnName(x, 'arm');
      const bn = columnName(y, 'baseline');
      return { file: task, a: an, b: bn, outcomes: { a: table.columns.get(an)!, b: table.columns.get(bn)! } };
    });
    const resamples = seededResamples(table.problemIds.length, settings.resamples, settings.seed);
    const summary = compareArms(pairs, resamples, settings.mcnemar, settings.alpha);
    const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;
    out.push({
      arm: arm.arm,
      baseline: base.arm,
      task,
      metric,
      ...(tag !== undefined ? { setup: tag } : {}),
      pass_arm: mean(summary.configs.map((c) => c.pass_a)),
      pass_baseline: mean(summary.configs.map((c) => c.pass_b)),
      configs: summary.configs,
      mean_diff: summary.mean_diff,
      ci: summary.ci,
      significant: summary.significant,
      total: summary.total,
      problems: table.problemIds.length,
      warnings: summary.warnings,
    });
  }
  return out;
}

/**
 * The results view of a plan: collects every run's stage outputs and aggregates them with the
 * spec's report section. What `ablate results`, `ablate report` and the end of `ablate run` show.
 */
export function resultsFromPlan(
  plan: Plan,
  opts: Omit<AggregateOptions, 'report' | 'names' | 'configValue' | 'description'> & { spec?: ExperimentSpec } = {},
): ResultsView {
  const { spec, ...stats } = opts;
  const first = plan.runs[0]?.config;
  const report = spec?.report ?? first?.report;
  const description = spec?.description ?? first?.description;
  const configs = new Map(plan.runs.map((r) => [r.id, r.config] as const));
  return aggregateResults(collectResults(plan), {
    ...stats,
    ...(report ? { report } : {}),
    ...(description ? { description } : {}),
    ...(spec?.sweep?.names ? { names: spec.sweep.names } : {}),
    configValue: (row, p) => getPath(configs.get(row.run), p),
  });
}
