import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ExperimentSpec } from './types.generated.js';
import { suggest } from './schema.js';

/** A problem a rule found, at a path of the run's resolved config. */
export interface RuleIssue {
  path: (string | number)[];
  message: string;
  /** Point at the key rather than the value (unknown names). */
  at?: 'key' | 'value';
}

/** Cross-field checks the schema cannot express. Each rule is a small pure function (plus file existence). */
export type Rule = (spec: ExperimentSpec, ctx: RuleContext) => RuleIssue[];

export interface RuleContext {
  /** Directory relative paths resolve against. */
  specDir: string;
}

/** Study B's grouping, the default when `annotate.task_type.categories` is the preset. */
export const SEED_B_GROUPS = ['algorithmic', 'practical'] as const;

export function taskTypeGroups(spec: ExperimentSpec): string[] {
  const cats = spec.annotate?.task_type?.categories;
  if (!cats || typeof cats === 'string') return [...SEED_B_GROUPS];
  return [...new Set(cats.map((c) => c.group))];
}

const RATIO_TOLERANCE = 1e-6;

const sourcesDefined: Rule = (spec) => {
  const names = Object.keys(spec.sources ?? {});
  const issues: RuleIssue[] = [];
  if (spec.data?.source !== undefined && !names.includes(spec.data.source)) {
    issues.push({ path: ['data', 'source'], message: `unknown source \`${spec.data.source}\`${suggest(spec.data.source, names)} (defined under sources: ${names.join(', ') || 'none'})` });
  }
  const mix = spec.data?.filter?.cross_domain?.mix ?? {};
  for (const name of Object.keys(mix)) {
    if (!names.includes(name)) issues.push({ path: ['data', 'filter', 'cross_domain', 'mix', name], at: 'key', message: `unknown source \`${name}\`${suggest(name, names)} (defined under sources: ${names.join(', ')})` });
    else if (name === spec.data.source) issues.push({ path: ['data', 'filter', 'cross_domain', 'mix', name], at: 'key', message: `\`${name}\` is the code source itself; mix in a different source` });
  }
  const total = Object.values(mix).reduce((a, b) => a + b, 0);
  if (total >= 1) issues.push({ path: ['data', 'filter', 'cross_domain', 'mix'], message: `shares sum to ${round(total)}; they must leave room for code records (sum < 1)` });
  return issues;
};

const compositionRatios: Rule = (spec) => {
  const groups = spec.data?.filter?.composition?.groups;
  if (!groups) return [];
  const issues: RuleIssue[] = [];
  const known = taskTypeGroups(spec);
  for (const g of Object.keys(groups)) {
    if (!known.includes(g)) issues.push({ path: ['data', 'filter', 'composition', 'groups', g], at: 'key', message: `unknown task-type group \`${g}\`${suggest(g, known)} (groups of annotate.task_type.categories: ${known.join(', ')})` });
  }
  const sum = Object.values(groups).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > RATIO_TOLERANCE) {
    issues.push({ path: ['data', 'filter', 'composition', 'groups'], message: `ratios sum to ${round(sum)}, not 1; make them add up to 1 (e.g. algorithmic: 0.8, practical: 0.2)` });
  }
  return issues;
};

function binCount(bins: number | undefined, cuts: number[] | undefined): number {
  return cuts ? cuts.length + 1 : bins ?? 3;
}

function checkBinChoice(keep: unknown, count: number, where: (string | number)[], what: string): RuleIssue[] {
  if (typeof keep === 'number' && keep > count) return [{ path: where, message: `bin ${keep} does not exist: there are ${count} ${what}` }];
  if ((keep === 'low' || keep === 'medium' || keep === 'high') && count !== 3) {
    return [{ path: where, message: `\`${keep}\` names one of three bins, but there are ${count}; use a bin number (1..${count}) or lowest/highest` }];
  }
  return [];
}

/** `percentiles` must rise strictly; the schema already bounds each one to (0, 100). */
function checkPercentiles(p: number[] | undefined, where: (string | number)[]): RuleIssue[] {
  if (!p) return [];
  const i = p.findIndex((x, k) => k > 0 && x <= p[k - 1]!);
  return i > 0 ? [{ path: [...where, i], message: `percentiles must be strictly ascending (${p[i]} follows ${p[i - 1]}), e.g. [33, 66]` }] : [];
}

/**
 * `bins`/`levels` default to 3 (the resolved config always carries them), so only a different value
 * set beside explicit cut points is a contradiction.
 */
function checkCountAgrees(count: number | undefined, cuts: number[], where: (string | number)[], name: string, cutName: string): RuleIssue[] {
  if (count === undefined || count === 3 || count === cuts.length + 1) return [];
  return [{ path: where, message: `${name} (${count}) disagrees with ${cuts.length} ${cutName}, which make ${cuts.length + 1}; give one or the other` }];
}

const binsConsistent: Rule = (spec) => {
  const f = spec.data?.filter;
  const issues: RuleIssue[] = [];
  if (f?.complexity) {
    const c = f.complexity;
    const t = c.thresholds;
    const p = c.percentiles;
    const at = ['data', 'filter', 'complexity'];
    if (t && t.some((x, i) => i > 0 && x <= t[i - 1]!)) issues.push({ path: [...at, 'thresholds'], message: 'thresholds must be strictly ascending' });
    issues.push(...checkPercentiles(p, [...at, 'percentiles']));
    if (t && p) {
      issues.push({ path: [...at, 'percentiles'], message: 'give either thresholds (fixed scores) or percentiles (cut points from the score distribution), not both' });
    }
    const cuts = t ?? p;
    if (cuts) issues.push(...checkCountAgrees(c.bins, cuts, [...at, 'bins'], 'bins', t ? 'thresholds' : 'percentiles'));
    issues.push(...checkBinChoice(c.keep, binCount(c.bins, cuts), [...at, 'keep'], 'complexity bins'));
  }
  if (f?.diversity) {
    const d = f.diversity;
    const p = d.percentiles;
    const at = ['data', 'filter', 'diversity'];
    if (d.method === 'greedy') {
      if (p) issues.push({ path: [...at, 'percentiles'], message: 'greedy selection keeps or rejects records, it has no score to cut; drop percentiles or use method mean-similarity or knn-density' });
    } else {
      issues.push(...checkPercentiles(p, [...at, 'percentiles']));
      if (p) issues.push(...checkCountAgrees(d.levels, p, [...at, 'levels'], 'levels', 'percentiles'));
      issues.push(...checkBinChoice(d.keep, binCount(d.levels, p), [...at, 'keep'], 'diversity levels'));
    }
  }
  return issues;
};

const annotatorsPresent: Rule = (spec) => {
  const issues: RuleIssue[] = [];
  const c = spec.annotate?.complexity;
  if (c?.method === 'endpoint' && !c.url) issues.push({ path: ['annotate', 'complexity'], message: 'method `endpoint` needs `url` (the completions server, e.g. http://localhost:8000/v1)' });
  if (c?.method === 'field') {
    const src = spec.sources?.[spec.data?.source ?? ''];
    if (src && !src.fields?.complexity) issues.push({ path: ['annotate', 'complexity', 'method'], message: `method \`field\` reads sources.${spec.data.source}.fields.complexity, which is not set` });
  }
  const e = spec.annotate?.embedding;
  if (e?.method === 'file' && !e.path) issues.push({ path: ['annotate', 'embedding'], message: 'method `file` needs `path` (precomputed vectors)' });
  return issues;
};

/** Local paths a spec names, with the config path that names them. */
function localPaths(spec: ExperimentSpec): Array<{ path: (string | number)[]; file: string; what: string }> {
  const out: Array<{ path: (string | number)[]; file: string; what: string }> = [];
  for (const [name, src] of Object.entries(spec.sources ?? {})) if (src.path) out.push({ path: ['sources', name, 'path'], file: src.path, what: 'source file' });
  if (spec.eval?.problems) out.push({ path: ['eval', 'problems'], file: spec.eval.problems, what: 'problem file' });
  if (spec.annotate?.embedding?.path) out.push({ path: ['annotate', 'embedding', 'path'], file: spec.annotate.embedding.path, what: 'vector file' });
  for (const [b, p] of Object.entries(spec.data?.decontaminate?.paths ?? {})) out.push({ path: ['data', 'decontaminate', 'paths', b], file: p, what: 'benchmark file' });
  if (spec.train?.deepspeed && !['z2', 'z3'].includes(spec.train.deepspeed)) out.push({ path: ['train', 'deepspeed'], file: spec.train.deepspeed, what: 'DeepSpeed config' });
  if (spec.train?.model && isLocalPath(spec.train.model)) out.push({ path: ['train', 'model'], file: spec.train.model, what: 'model folder' });
  return out;
}

/** Model ids look like `org/name`; local folders start with `.`, `/` or `~`. */
export function isLocalPath(s: string): boolean {
  return s.startsWith('.') || s.startsWith('/') || s.startsWith('~');
}

const filesExist: Rule = (spec, ctx) =>
  localPaths(spec)
    .filter((p) => !existsSync(path.resolve(ctx.specDir, p.file)))
    .map((p) => ({ path: p.path, message: `${p.what} \`${p.file}\` not found (resolved to ${path.resolve(ctx.specDir, p.file)}); paths are relative to the spec file` }));

const baselineIsAnArm: Rule = (spec) => {
  const b = spec.report?.baseline;
  if (!b) return [];
  const axes = new Set([...Object.keys(spec.sweep?.grid ?? {}), ...Object.keys(spec.sweep?.zip ?? {}), ...(spec.sweep?.include ?? []).flatMap((i) => Object.keys(i))]);
  return Object.keys(b)
    .filter((k) => !axes.has(k))
    .map((k) => ({ path: ['report', 'baseline', k], at: 'key' as const, message: `\`${k}\` is not a sweep axis${suggest(k, [...axes])}; the baseline names an arm by its axis values` }));
};

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * LiveCodeBench is decontaminated by date: the evaluation may only use problems released on or
 * after the training data's cutoff, so `livecodebench` needs the cutoff, and an evaluation that
 * starts earlier (eval.args.start_date) would count problems the data may contain.
 */
const livecodebenchByDate: Rule = (spec) => {
  const d = spec.data?.decontaminate;
  if (!d?.benchmarks.includes('livecodebench')) return [];
  const cutoff = d.livecodebench_cutoff;
  if (!cutoff) return [{ path: ['data', 'decontaminate', 'benchmarks'], message: 'livecodebench is decontaminated by date: set data.decontaminate.livecodebench_cutoff (YYYY-MM-DD, when the training data was collected)' }];
  if (spec.eval?.tool !== 'livecodebench') return [];
  const start = (spec.eval.args as Record<string, unknown> | undefined)?.start_date;
  if (typeof start === 'string' && start.slice(0, 10) >= cutoff) return [];
  return [{ path: ['eval', 'args'], message: `LiveCodeBench must be evaluated on problems released on or after the decontamination cutoff ${cutoff}: set eval.args.start_date to ${cutoff} or later${typeof start === 'string' ? ` (it is ${start})` : ''}` }];
};

/** Rules over one run's resolved config. Tool-specific checks (train args, eval tasks) are in src/tools/rules.ts; the commands pass them. */
export const coreRules: Rule[] = [sourcesDefined, compositionRatios, binsConsistent, annotatorsPresent, filesExist, livecodebenchByDate];

/** Rules over the whole spec (not per run). */
export const specRules: Rule[] = [baselineIsAnArm];
