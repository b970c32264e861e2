/**
 * `ablate compare`: paired comparison of two arms across one or more per-problem outcome tables.
 * Column selection and alignment are pure; `compareFiles` is the only part that reads files.
 */
import { InputError, UsageError, type Diagnostic } from '../errors.js';
import { readOutcomesCsv, type OutcomeTable } from './outcomesCsv.js';
import { readResamples } from './resamplesFile.js';
import { adjust, type Adjustment } from './adjust.js';
import { discordant, mcnemarP, meanDiff, pairedBootstrap, passPercent, seededResamples, type McNemarVariant, type PairedOutcomes } from './stats.js';

export { DEFAULT_RESAMPLES, DEFAULT_SEED } from './options.js';
export const DEFAULT_ALPHA = 0.05;

/** One configuration (a file, and a capture value when the patterns have groups) and its two arms' columns. */
export interface ArmPair {
  file: string;
  a: string;
  b: string;
  outcomes: PairedOutcomes;
}

/**
 * One row of the comparison. pass_a / pass_b are pass@1 in percent (0–100) and diff is
 * pass_a − pass_b in percentage points; a_only / b_only count problems only that arm solves.
 */
export interface ConfigComparison {
  file: string;
  a: string;
  b: string;
  pass_a: number;
  pass_b: number;
  diff: number;
  b_only: number;
  a_only: number;
  p: number;
  /** p adjusted for multiple comparisons over the whole family of tests of the report (see `adjustment`). */
  p_adjusted: number;
  /** The two arms have identical outcome columns: usually a copy-paste or wiring mistake upstream. */
  identical: boolean;
}

export interface CompareReport {
  configs: ConfigComparison[];
  /** Mean over configurations of diff, in percentage points. */
  mean_diff: number;
  /** 95% paired bootstrap percentile interval of mean_diff, in percentage points. */
  ci: [number, number];
  /** How many configurations have p < alpha. */
  significant: number;
  /** How many configurations have p_adjusted < alpha: the differences that survive the correction. */
  significant_adjusted: number;
  total: number;
  /** How p_adjusted was computed, and over how many tests (the family may span several comparisons). */
  adjustment: Adjustment;
  family: number;
  mcnemar: McNemarVariant;
  alpha: number;
  problems: number;
  bootstrap: { resamples: number; seed: number | null; file: string | null };
  warnings: string[];
}

export type ResampleSource = { kind: 'seeded'; count: number; seed: number } | { kind: 'file'; file: string };

export interface CompareOptions {
  a: string;
  b: string;
  mcnemar: McNemarVariant;
  resamples: ResampleSource;
  alpha?: number;
  /** Multiple-comparison adjustment (default Holm). */
  adjustment?: Adjustment;
}

/** Compiles a user pattern; a bad one is a usage error, not a crash. */
export function compilePattern(flag: string, source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (err) {
    throw new UsageError(`${flag} ${JSON.stringify(source)} is not a valid regular expression: ${(err as Error).message}`);
  }
}

function hasCaptureGroup(re: RegExp): boolean {
  // Matching the empty alternative always succeeds and reports every group, matched or not.
  return (new RegExp(`${re.source}|`).exec('')?.length ?? 1) > 1;
}

/** Matching columns of `table` keyed by their captures ('' without groups), in header order. */
function matchColumns(table: OutcomeTable, re: RegExp, flag: string, diagnostics: Diagnostic[]): Map<string, string> {
  const byKey = new Map<string, string>();
  const grouped = hasCaptureGroup(re);
  const all: string[] = [];
  for (const name of table.columns.keys()) {
    const m = re.exec(name);
    if (!m) continue;
    all.push(name);
    const key = grouped ? m.slice(1).map((g) => g ?? '').join('\u0000') : '';
    const earlier = byKey.get(key);
    if (earlier !== undefined) {
      const what = grouped ? `capture ${JSON.stringify(m.slice(1).join(','))}` : 'the pattern';
      diagnostics.push({ file: table.file, line: 1, col: 1, path: name, message: `${flag} ${JSON.stringify(re.source)}: columns "${earlier}" and "${name}" both match ${what}; make the pattern pick one column${grouped ? ' per capture' : ''}` });
    } else byKey.set(key, name);
  }
  if (all.length === 0) {
    const names = [...table.columns.keys()].join(', ');
    diagnostics.push({ file: table.file, line: 1, col: 1, message: `${flag} ${JSON.stringify(re.source)} matches no column (columns: ${names})` });
  }
  return byKey;
}

/**
 * Pairs the A and B columns of every table. Without capture groups each pattern must match exactly
 * one column per file; with groups, A and B columns pair by equal captures.
 */
export function pairArms(tables: readonly OutcomeTable[], a: RegExp, b: RegExp): ArmPair[] {
  const diagnostics: Diagnostic[] = [];
  const pairs: ArmPair[] = [];
  for (const table of tables) {
    const as = matchColumns(table, a, '--a', diagnostics);
    const bs = matchColumns(table, b, '--b', diagnostics);
    if (as.size === 0 || bs.size === 0) continue;
    for (const [key, aName] of as) {
      const bName = bs.get(key);
      if (bName === undefined) {
        diagnostics.push({ file: table.file, line: 1, col: 1, path: aName, message: `--a column "${aName}" has no --b column with the same capture ${JSON.stringify(key.split('\u0000').join(','))}` });
        continue;
      }
      if (bName === aName) {
        diagnostics.push({ file: table.file, line: 1, col: 1, path: aName, message: `--a and --b both pick column "${aName}"; the two patterns must select different arms` });
        continue;
      }
      pairs.push({ file: table.file, a: aName, b: bName, outcomes: { a: table.columns.get(aName)!, b: table.columns.get(bName)! } });
    }
    for (const [key, bName] of bs) {
      if (!as.has(key)) diagnostics.push({ file: table.file, line: 1, col: 1, path: bName, message: `--b column "${bName}" has no --a column with the same capture ${JSON.stringify(key.split('\u0000').join(','))}` });
    }
  }
  if (diagnostics.length > 0) throw new InputError(diagnostics);
  return pairs;
}

/**
 * Reorders every table's rows into the first table's problem order. The bootstrap resamples
 * problems jointly across configurations, so all tables must cover exactly the same problems.
 */
export function alignProblems(tables: readonly OutcomeTable[]): { problemIds: string[]; tables: OutcomeTable[] } {
  const first = tables[0];
  if (!first) throw new UsageError('compare needs at least one outcome file');
  const indexOf = new Map(first.problemIds.map((id, i) => [id, i] as const));
  const diagnostics: Diagnostic[] = [];
  const aligned = tables.map((t, ti) => {
    if (ti === 0) return t;
    const order = new Int32Array(first.problemIds.length).fill(-1);
    t.problemIds.forEach((id, r) => {
      const at = indexOf.get(id);
      if (at === undefined) diagnostics.push({ file: t.file, line: t.lines[r]!, col: 1, path: 'problem_id', message: `problem "${id}" is not in ${first.file}; every compared file must cover the same problems` });
      else order[at] = r;
    });
    order.forEach((r, at) => {
      if (r < 0) diagnostics.push({ file: t.file, line: 0, col: 0, path: 'problem_id', message: `problem "${first.problemIds[at]}" (${first.file} line ${first.lines[at]}) is missing; every compared file must cover the same problems` });
    });
    if (diagnostics.length > 0) return t;
    const columns = new Map<string, Uint8Array>();
    for (const [name, v] of t.columns) columns.set(name, Uint8Array.from(order, (r) => v[r]!));
    return { file: t.file, problemIds: first.problemIds, lines: Array.from(order, (r) => t.lines[r]!), columns };
  });
  if (diagnostics.length > 0) throw new InputError(diagnostics.slice(0, 20));
  return { problemIds: first.problemIds, tables: aligned };
}

function sameOutcomes(x: ArrayLike<number>, y: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** The per-configuration rows and the summary, given paired outcomes and bootstrap resamples. */
export function compareArms(
  pairs: readonly ArmPair[],
  resamples: readonly ArrayLike<number>[],
  mcnemar: McNemarVariant,
  alpha = DEFAULT_ALPHA,
  adjustment: Adjustment = 'holm',
): Pick<CompareReport, 'configs' | 'mean_diff' | 'ci' | 'significant' | 'significant_adjusted' | 'total' | 'adjustment' | 'family' | 'warnings'> {
  const configs = pairs.map((pair): ConfigComparison => {
    const { aOnly, bOnly } = discordant(pair.outcomes);
    const pass_a = passPercent(pair.outcomes.a);
    const pass_b = passPercent(pair.outcomes.b);
    return {
      file: pair.file,
      a: pair.a,
      b: pair.b,
      pass_a,
      pass_b,
      diff: pass_a - pass_b,
      b_only: bOnly,
      a_only: aOnly,
      p: mcnemarP(aOnly, bOnly, mcnemar),
      p_adjusted: Number.NaN,
      identical: sameOutcomes(pair.outcomes.a, pair.outcomes.b),
    };
  });
  const outcomes = pairs.map((p) => p.outcomes);
  const { lo, hi } = pairedBootstrap(outcomes, resamples);
  const warnings = configs
    .filter((c) => c.identical)
    .map((c) => `${c.file}: columns "${c.a}" and "${c.b}" have identical outcomes on every problem; check that they are really different arms`);
  const out = {
    configs,
    mean_diff: meanDiff(outcomes),
    ci: [lo, hi] as [number, number],
    significant: configs.filter((c) => c.p < alpha).length,
    significant_adjusted: 0,
    total: configs.length,
    adjustment,
    family: 0,
    warnings,
  };
  const family = { ...out, alpha };
  adjustFamily([family], adjustment);
  return { ...out, significant_adjusted: family.significant_adjusted, family: family.family };
}

/** A set of comparisons whose configurations' p-values form one family. */
export interface Adjustable {
  configs: Array<{ p: number; p_adjusted: number }>;
  alpha: number;
  significant_adjusted: number;
  adjustment: Adjustment;
  family: number;
}

/**
 * Adjusts the p-values of every configuration of every comparison together (one family) and
 * updates each comparison's surviving count. Mutates, so callers adjust once over all they show.
 */
export function adjustFamily(comparisons: readonly Adjustable[], method: Adjustment): void {
  const all = comparisons.flatMap((c) => c.configs);
  const adjusted = adjust(all.map((c) => c.p), method);
  all.forEach((c, i) => (c.p_adjusted = adjusted[i]!));
  for (const c of comparisons) {
    c.adjustment = method;
    c.family = all.length;
    c.significant_adjusted = c.configs.filter((x) => x.p_adjusted < c.alpha).length;
  }
}

/** Reads the outcome files (and the resamples file, if any) and compares arm A with arm B. */
export async function compareFiles(files: readonly string[], options: CompareOptions): Promise<CompareReport> {
  if (files.length === 0) throw new UsageError('compare needs at least one outcome CSV file');
  // Patterns first: a typo in a flag should not wait for, or hide behind, file errors.
  compilePattern('--a', options.a);
  compilePattern('--b', options.b);
  return compareTables(await Promise.all(files.map((f) => readOutcomesCsv(f))), options);
}

/**
 * Compares arm A with arm B over outcome tables from any source (CSV files, or `result.json`
 * files through `outcomeTableFromResults`). Only a resamples file, if given, is read.
 */
export async function compareTables(read: readonly OutcomeTable[], options: CompareOptions): Promise<CompareReport> {
  const a = compilePattern('--a', options.a);
  const b = compilePattern('--b', options.b);
  // Aligned first, so every configuration indexes problems the same way.
  const { problemIds, tables } = alignProblems(read);
  const pairs = pairArms(tables, a, b);
  const source = options.resamples;
  const resamples =
    source.kind === 'file'
      ? await readResamples(source.file, new Map(problemIds.map((id, i) => [id, i] as const)))
      : seededResamples(problemIds.length, source.count, source.seed);
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  return {
    ...compareArms(pairs, resamples, options.mcnemar, alpha, options.adjustment),
    mcnemar: options.mcnemar,
    alpha,
    problems: problemIds.length,
    bootstrap: {
      resamples: resamples.length,
      seed: source.kind === 'seeded' ? source.seed : null,
      file: source.kind === 'file' ? source.file : null,
    },
  };
}

/** Several comparisons run at once: every benchmark (group of files over the same problems) against every B pattern. */
export interface CompareFamily {
  comparisons: Array<CompareReport & { files: string[]; b_pattern: string }>;
  adjustment: Adjustment;
  /** Number of tests adjusted together. */
  family: number;
  a_pattern: string;
}

/**
 * Groups tables into benchmarks: tables sharing any problem id belong together (and must then
 * cover exactly the same problems, as `alignProblems` checks); tables with disjoint problem ids
 * (HumanEval's `HumanEval/0`…, MBPP's `2`…) are different benchmarks.
 */
export function groupByBenchmark(tables: readonly OutcomeTable[]): OutcomeTable[][] {
  const groups: Array<{ ids: Set<string>; tables: OutcomeTable[] }> = [];
  for (const t of tables) {
    const g = groups.find((x) => t.problemIds.some((id) => x.ids.has(id)));
    if (g) g.tables.push(t);
    else groups.push({ ids: new Set(t.problemIds), tables: [t] });
  }
  return groups.map((g) => g.tables);
}

/**
 * Arm A against each of `bs` on each benchmark among the files, with the p-values of all their
 * configurations adjusted as one family. Raw p-values, differences and intervals are exactly those
 * of the single comparisons.
 */
export async function compareFamily(files: readonly string[], options: Omit<CompareOptions, 'b'> & { bs: readonly string[] }): Promise<CompareFamily> {
  if (files.length === 0) throw new UsageError('compare needs at least one outcome CSV file');
  if (options.bs.length === 0) throw new UsageError('compare needs at least one --b pattern');
  compilePattern('--a', options.a);
  for (const b of options.bs) compilePattern('--b', b);
  const groups = groupByBenchmark(await Promise.all(files.map((f) => readOutcomesCsv(f))));
  const comparisons: CompareFamily['comparisons'] = [];
  for (const tables of groups) {
    for (const b of options.bs) {
      const report = await compareTables(tables, { ...options, b });
      comparisons.push({ ...report, files: tables.map((t) => t.file), b_pattern: b });
    }
  }
  const adjustment = options.adjustment ?? 'holm';
  adjustFamily(comparisons, adjustment);
  return { comparisons, adjustment, family: comparisons.reduce((n, c) => n + c.configs.length, 0), a_pattern: options.a };
}
