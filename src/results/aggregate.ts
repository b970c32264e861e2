/**
 * From collected runs to the numbers a paper table needs: one row per arm (repeats as mean ± sd
 * with n), deltas against the baseline arm and against published reference numbers, and paired
 * statistics of every arm against the baseline. Pure apart from `resultsFromPlan`, which reads the
 * stage outputs through `collectResults` first. Each step lives in its own module: columns and
 * cells (columns.ts), arms (arms.ts), paired statistics (paired.ts), references (references.ts).
 */
import { canonicalJson } from '../util/hash.js';
import type { ExperimentSpec } from '../spec/types.generated.js';
import type { Plan } from '../plan/types.js';
import { getPath, groupArms, matchesSelector } from './arms.js';
import { collectResults, type Collected } from './collect.js';
import { aggregateCell, columnsOf } from './columns.js';
import { DEFAULT_ALPHA, DEFAULT_RESAMPLES, DEFAULT_SEED } from './compare.js';
import { adjustStats, hasPlusOutcomes, pairedForTask } from './paired.js';
import { spreadWarnings } from './spread.js';
import { checkReference, DEFAULT_TOLERANCE } from './references.js';
import type { AggregateOptions, ArmRow, PairedComparison, ResultsView, StatsSettings } from './view.js';

// Callers import the results view's shapes and steps from here.
export type * from './view.js';
export { columnsOf, meanSd } from './columns.js';
export { getPath, groupArms, matchesSelector, type ArmGroup } from './arms.js';
export { DEFAULT_TOLERANCE } from './references.js';

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
    adjustment: opts.adjustment ?? 'holm',
    family: 0,
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
  statsSettings.family = adjustStats(stats, statsSettings);
  warnings.push(...spreadWarnings(arms, columns));

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

