/**
 * What every evaluator adapter shares: the resolved inputs of one evaluation, the issue type for
 * task/argument checks, pass@k, and the setup hash that keeps numbers from different setups apart.
 */
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { AblateError } from '../errors.js';
import { readJsonIfExists } from '../exec/fsutil.js';
import type { EvalResult, ProblemOutcome } from './evalResult.js';
import { hashId } from '../util/hash.js';

/** An evaluator's name (`eval.tool`): one of the registered adapters (src/tools/evalAdapter.ts). */
export type EvalTool = string;

/** The model an eval stage evaluates, as the train stage left it. */
export interface EvalModel {
  /** Folder (or hub id) of the base model the adapter was trained on. */
  base: string;
  /** LoRA adapter folder (the train stage's output_dir), when the weights were not merged. */
  adapter?: string;
  /** Merged full-weights folder, when the train stage merged (or trained fully). */
  merged?: string;
  /** Hub revision of `base` (train.revision): an adapter belongs on the weights it was trained on. */
  revision?: string;
}

/** Everything one evaluation (one tool, one task, one model) needs; paths are absolute. */
export interface EvalInvocation {
  tool: EvalTool;
  task: string;
  model: EvalModel;
  /** The eval stage folder: every output goes here. */
  outDir: string;
  /** Tool arguments from the spec's `eval.args`. */
  args: Record<string, unknown>;
  limit?: number;
  /** Local problem file (`eval.problems`), resolved against the spec folder. */
  problems?: string;
  /** bigcode: the harness clone (`eval.harness` or ABLATE_BIGCODE_HARNESS). */
  harness?: string;
  /** GPUs the eval stage gets; 0 means CPU. */
  gpus: number;
  /** Python interpreter that has the tool installed. */
  python: string;
  /** ablate's runners/ folder. */
  runnersDir: string;
  /**
   * The stage's short private temp folder (TMPDIR of its tools), created when it runs, outside
   * the results tree; absent in plans and dry runs, which show a placeholder.
   */
  tmpDir?: string;
}

/** A problem with one eval task name or argument, found before anything runs. */
export interface EvalTaskIssue {
  task: string;
  message: string;
  /** How to fix it, when there is an obvious fix. */
  suggestion?: string;
}

/** Unbiased pass@k estimator (Chen et al. 2021), the one every harness here uses. */
export function passAtK(n: number, c: number, k: number): number {
  if (n - c < k) return 1;
  let product = 1;
  for (let i = n - c + 1; i <= n; i++) product *= 1 - k / i;
  return 1 - product;
}

/** Mean pass@k over problems for each k every problem has enough samples for. */
export function meanPassAtK(counts: { n: number; c: number }[], ks: readonly number[] = [1, 10, 100]): Record<string, number> {
  const metrics: Record<string, number> = {};
  if (counts.length === 0) return metrics;
  for (const k of ks) {
    if (!counts.every(({ n }) => n >= k)) continue;
    metrics[`pass@${k}`] = counts.reduce((sum, { n, c }) => sum + passAtK(n, c, k), 0) / counts.length;
  }
  return metrics;
}

/**
 * Hash of what determines an evaluation's numbers: tool, task, its effective arguments and the tool
 * version. Paths (model folders, output folders) are left out on purpose: they differ per run.
 */
export function evalSetupHash(setup: { tool: string; task: string; args: Record<string, unknown>; toolVersion?: string }): string {
  return hashId('eval-setup', { tool: setup.tool, task: setup.task, args: setup.args, tool_version: setup.toolVersion ?? null });
}

/** Integer-valued floats print the way Python prints them ("0.0"), which tools use in file names. */
export function pythonFloat(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Tool-wide issues (arguments, a missing file) repeat per task: keep the first of each. */
export function dedupeIssues(issues: EvalTaskIssue[]): EvalTaskIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = i.message.includes(`'${i.task}'`) ? `${i.task}\0${i.message}` : i.message;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A JSON output the tool must have written; its absence names the tool. */
export function readToolJson(file: string, what: string): unknown {
  const json = readJsonIfExists<unknown>(file);
  if (json === undefined) throw new AblateError(`${what} did not write ${file}`);
  return json;
}

/** Non-empty lines of a .jsonl or .jsonl.gz problem file. */
export function readProblemLines(file: string): string[] {
  const raw = readFileSync(file);
  const text = file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** The installed version of a Python distribution in `python`'s env, or undefined. */
export async function pythonPackageVersion(python: string, pkg: string): Promise<string | undefined> {
  const r = await execa(python, ['-c', `import importlib.metadata as m; print(m.version(${JSON.stringify(pkg)}))`], { reject: false });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** Whether `python` can import `module`, asked once per (python, module) across the stages of a plan. */
export function canImport(python: string, module: string, memo: Map<string, Promise<boolean>>): Promise<boolean> {
  const key = `${python}\0${module}`;
  let job = memo.get(key);
  if (!job) {
    job = execa(python, ['-c', `import importlib.util, sys; sys.exit(0 if importlib.util.find_spec(${JSON.stringify(module)}) else 1)`], { reject: false }).then((r) => r.exitCode === 0, () => false);
    memo.set(key, job);
  }
  return job;
}

/** One problem's graded samples, as the tools report them (first sample = the greedy one). */
export interface GradedProblem {
  id: string;
  /** Pass/fail of each sample on the base tests. */
  graded: boolean[];
  /** EvalPlus: pass/fail of each sample on base and extended tests; absent when the tool did not run them. */
  plus?: boolean[];
}

/**
 * The common result from per-sample grades (EvalPlus, LiveCodeBench): the first sample's outcome per
 * problem, n_passed when there are several, and mean pass@k over problems (plus_pass@k when every
 * problem has extended-test grades).
 */
export function resultFromGraded(o: { tool: string; task: string; problems: readonly GradedProblem[]; ks?: readonly number[]; args: Record<string, unknown>; toolVersion?: string }): EvalResult {
  const problems: ProblemOutcome[] = [];
  const base: { n: number; c: number }[] = [];
  const plus: { n: number; c: number }[] = [];
  let nSamples = 0;
  for (const p of o.problems) {
    const c = p.graded.filter(Boolean).length;
    nSamples = Math.max(nSamples, p.graded.length);
    const outcome: ProblemOutcome = { id: p.id, passed: p.graded[0] === true };
    if (p.plus) outcome.plus = p.plus[0] === true;
    if (p.graded.length > 1) outcome.n_passed = c;
    problems.push(outcome);
    base.push({ n: p.graded.length, c });
    if (p.plus) plus.push({ n: p.plus.length, c: p.plus.filter(Boolean).length });
  }
  const metrics: Record<string, number> = { ...meanPassAtK(base, o.ks) };
  if (plus.length > 0 && plus.length === base.length) {
    for (const [name, value] of Object.entries(meanPassAtK(plus, o.ks))) metrics[`plus_${name}`] = value;
  }
  return evalResult({ tool: o.tool, task: o.task, metrics, problems, nSamples, args: o.args, toolVersion: o.toolVersion });
}

/** The common result with its setup hash and provenance. */
export function evalResult(o: { tool: string; task: string; metrics: Record<string, number>; problems: ProblemOutcome[]; nSamples: number; args: Record<string, unknown>; toolVersion?: string }): EvalResult {
  return {
    tool: o.tool,
    task: o.task,
    metrics: o.metrics,
    problems: o.problems,
    n_samples: o.nSamples,
    setup_hash: evalSetupHash({ tool: o.tool, task: o.task, args: o.args, toolVersion: o.toolVersion }),
    ...(o.toolVersion ? { tool_version: o.toolVersion } : {}),
  };
}
