/**
 * Paired statistics of each arm against the baseline, per task: McNemar per configuration and a
 * paired bootstrap interval, from per-problem outcomes.
 */
import { AblateError } from '../errors.js';
import type { ArmGroup } from './arms.js';
import type { RunRow } from './collect.js';
import { adjustFamily, compareArms, type ArmPair } from './compare.js';
import { outcomeTableFromResults } from './fromEvalResults.js';
import { seededResamples } from './stats.js';
import type { EvalResult } from '../tools/evalResult.js';
import type { PairedComparison, StatsSettings } from './view.js';

/** True when every result of the task in these arms has a `plus` outcome on every problem (EvalPlus). */
export function hasPlusOutcomes(groups: readonly ArmGroup[], task: string): boolean {
  const results = groups.flatMap((g) => g.rows.flatMap((r) => r.evals.filter((e) => e.task === task && e.result).map((e) => e.result!)));
  return results.length > 0 && results.every((r) => r.problems.length > 0 && r.problems.every((p) => typeof p.plus === 'boolean'));
}

/**
 * Paired statistics of one arm against the baseline on one task, one comparison per shared
 * setup. Configurations pair by repeat number when both arms have repeats; when only one has,
 * each of its repeats pairs with the other's single run.
 */
export function pairedForTask(
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
    significant_adjusted: 0,
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
    const summary = compareArms(pairs, resamples, settings.mcnemar, settings.alpha, settings.adjustment);
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
      significant_adjusted: summary.significant_adjusted,
      total: summary.total,
      problems: table.problemIds.length,
      warnings: summary.warnings,
    });
  }
  return out;
}

/**
 * Adjusts the p-values of every configuration of every comparison of the view as one family (arms
 * × tasks × configurations): a report of many comparisons otherwise finds "significant"
 * differences by chance. Returns the family size.
 */
export function adjustStats(stats: readonly PairedComparison[], settings: Pick<StatsSettings, 'adjustment' | 'alpha'>): number {
  const family = stats.map((c) => ({ configs: c.configs, alpha: settings.alpha, significant_adjusted: 0, adjustment: settings.adjustment, family: 0 }));
  adjustFamily(family, settings.adjustment);
  stats.forEach((c, i) => (c.significant_adjusted = family[i]!.significant_adjusted));
  return family.reduce((n, c) => n + c.configs.length, 0);
}
