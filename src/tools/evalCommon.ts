/**
 * What every evaluator adapter shares: the resolved inputs of one evaluation, the issue type for
 * task/argument checks, pass@k, and the setup hash that keeps numbers from different setups apart.
 */
import type { EvalResult } from './evalResult.js';
import { hashId } from '../util/hash.js';

export type EvalTool = EvalResult['tool'];
export const EVAL_TOOLS: readonly EvalTool[] = ['bigcode', 'evalplus', 'livecodebench', 'local'];

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
export function evalSetupHash(setup: { tool: EvalTool; task: string; args: Record<string, unknown>; toolVersion?: string }): string {
  return hashId('eval-setup', { tool: setup.tool, task: setup.task, args: setup.args, tool_version: setup.toolVersion ?? null });
}

/** Integer-valued floats print the way Python prints them ("0.0"), which tools use in file names. */
export function pythonFloat(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
