/**
 * LiveCodeBench (`python -m lcb_runner.runner.main`, repo LiveCodeBench/LiveCodeBench at 28fef95):
 * arguments from lcb_runner/runner/parser.py; outputs from runner/main.py + utils/path_utils.py:
 * `output/<model_repr>/Scenario.codegeneration_<n>_<temperature>.json`, plus `_eval.json`
 * ([metrics, results, metadata]) and `_eval_all.json` (per problem) with --evaluate.
 */
import { cpSync, existsSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { hubOfflineEnv } from '../../util/locations.js';
import { SCRATCH_PLACEHOLDER } from '../../util/scratch.js';
import type { StageCommand } from '../../plan/types.js';
import type { EvalInvocation, EvalTaskIssue } from '../evalCommon.js';
import { pythonFloat } from '../evalCommon.js';
import { ablateDefaults, argKind, evalArgSpecs, userEvalArgs } from '../evalArgs.js';

/** The scenario ablate can parse per problem. */
export const LCB_SCENARIOS = ['codegeneration'] as const;

/** Its arguments (schemas/eval-args.schema.json): kinds of those a spec may set, and those ablate sets. */
const LCB_SPECS = evalArgSpecs('livecodebench');
const LCB_ARGS: Readonly<Record<string, 'int' | 'float' | 'bool' | 'string'>> = Object.fromEntries(
  userEvalArgs('livecodebench').map((name) => [name, argKind(LCB_SPECS[name]!)]),
);
const MANAGED = new Set(Object.keys(LCB_SPECS).filter((name) => LCB_SPECS[name]!['x-ablate-managed'] !== undefined));

export function checkLcbTasks(tasks: readonly string[], args: Record<string, unknown> = {}): EvalTaskIssue[] {
  const issues: EvalTaskIssue[] = [];
  for (const task of tasks) {
    if (!(LCB_SCENARIOS as readonly string[]).includes(task)) {
      issues.push({ task, message: `LiveCodeBench task '${task}' is not supported`, suggestion: "use 'codegeneration' (the scenario ablate scores per problem)" });
    }
    if (typeof args.model !== 'string') {
      issues.push({ task, message: 'LiveCodeBench needs eval.args.model: a model name registered in lcb_runner/lm_styles.py (it selects the prompt format)', suggestion: 'e.g. eval.args.model: deepseek-ai/deepseek-coder-6.7b-instruct; ablate passes the trained weights as --local_model_path' });
    }
    for (const [name, value] of Object.entries(args)) {
      if (MANAGED.has(name)) {
        issues.push({ task, message: `eval.args.${name} is set by ablate` });
        continue;
      }
      const kind = LCB_ARGS[name];
      if (kind === undefined) {
        issues.push({ task, message: `eval.args.${name} is not a LiveCodeBench argument`, suggestion: `use one of: ${Object.keys(LCB_ARGS).join(', ')}` });
      } else if ((kind === 'int' && !Number.isInteger(value)) || (kind === 'float' && typeof value !== 'number') || (kind === 'bool' && typeof value !== 'boolean') || (kind === 'string' && typeof value !== 'string')) {
        issues.push({ task, message: `eval.args.${name}: expected ${kind === 'bool' ? 'true or false' : `a ${kind}`}, got ${JSON.stringify(value)}` });
      }
    }
  }
  return issues;
}

export function lcbEffectiveArgs(inv: Pick<EvalInvocation, 'args'>): Record<string, unknown> {
  return { ...ablateDefaults('livecodebench'), ...inv.args };
}

export function lcbModel(inv: EvalInvocation): string {
  if (inv.model.merged) return inv.model.merged;
  if (inv.model.adapter) throw new Error('LiveCodeBench (vLLM) loads one model folder and cannot apply a LoRA adapter: set train.merge: true');
  return inv.model.base;
}

/** `output/*\/Scenario.codegeneration_<n>_<temperature>_eval_all.json`, relative to the stage folder. */
export function lcbEvalAllName(n: number, temperature: number): string {
  return `Scenario.codegeneration_${n}_${pythonFloat(temperature)}_eval_all.json`;
}

export function lcbSteps(inv: EvalInvocation): StageCommand[] {
  const effective = lcbEffectiveArgs(inv);
  const argv = [
    inv.python, '-m', 'lcb_runner.runner.main',
    '--model', String(effective.model),
    '--local_model_path', lcbModel(inv),
    '--scenario', 'codegeneration',
    '--evaluate',
    '--tensor_parallel_size', String(Math.max(1, inv.gpus)),
  ];
  for (const name of Object.keys(effective).sort()) {
    if (name === 'model') continue;
    const value = effective[name];
    if (LCB_ARGS[name] === 'bool') {
      if (value === true) argv.push(`--${name}`);
    } else {
      argv.push(`--${name}`, LCB_ARGS[name] === 'float' ? pythonFloat(Number(value)) : String(value));
    }
  }
  // LiveCodeBench opens its prompt files relative to the working folder when imported, and writes
  // ./output/ there: it runs in a private working folder laid out like its clone (lcb_runner linked
  // in), so concurrent evaluations never share ./output/; the outputs then move to the stage folder.
  return [{ argv, env: { ...hubOfflineEnv(), TOKENIZERS_PARALLELISM: 'false', PYTHONUNBUFFERED: '1' }, cwd: inv.tmpDir ?? SCRATCH_PLACEHOLDER }];
}

/** The private working folder: `lcb_runner` (the clone's, linked) where LiveCodeBench expects it. */
export function lcbWorkingFolder(clone: string, dir: string): void {
  symlinkSync(path.join(clone, 'lcb_runner'), path.join(dir, 'lcb_runner'), 'dir');
}

/** Moves `output/` of the working folder into the stage folder (a copy when they are on different filesystems). */
export function collectLcbOutputs(dir: string, stageDir: string): void {
  const from = path.join(dir, LCB_OUTPUT_DIR);
  if (!existsSync(from)) return;
  const to = path.join(stageDir, LCB_OUTPUT_DIR);
  rmSync(to, { recursive: true, force: true });
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    cpSync(from, to, { recursive: true });
  }
}

export const LCB_OUTPUT_DIR = 'output';
export function lcbOutputDir(outDir: string): string {
  return path.join(outDir, LCB_OUTPUT_DIR);
}
