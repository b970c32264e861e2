/**
 * EvalPlus (PyPI `evalplus`, 0.3.1): `python -m evalplus.codegen` then `python -m evalplus.evaluate`.
 * Both are python-fire CLIs over run_codegen(...) / evaluate(...); flags below are their parameters.
 */
import path from 'node:path';
import type { StageCommand } from '../../plan/types.js';
import type { EvalInvocation, EvalTaskIssue } from '../evalCommon.js';
import { pythonFloat } from '../evalCommon.js';
import { ablateDefaults, argKind, evalArgSpecs } from '../evalArgs.js';

export const EVALPLUS_DATASETS = ['humaneval', 'mbpp'] as const;

/**
 * Spec `eval.args` ablate passes through, and the command each belongs to (schemas/eval-args.schema.json).
 * `version` goes to both: evaluate(version=...) loads the dataset version it scores against, so a
 * version given to codegen alone would score samples against another version's tests.
 */
const EVALPLUS_SPECS = evalArgSpecs('evalplus');
const argsOfStep = (step: 'codegen' | 'evaluate'): Readonly<Record<string, 'int' | 'float' | 'bool' | 'string'>> =>
  Object.fromEntries(
    Object.entries(EVALPLUS_SPECS)
      .filter(([, spec]) => spec['x-ablate-step'] === step || spec['x-ablate-step'] === 'both')
      .map(([name, spec]) => [name, argKind(spec)]),
  );
const CODEGEN_ARGS = argsOfStep('codegen');
const EVALUATE_ARGS = argsOfStep('evaluate');

export const EVALPLUS_FILES = { root: 'evalplus_results', problems: 'problems.jsonl' } as const;

/** The dataset override variable EvalPlus reads for a task. */
export function evalplusOverrideVar(task: string): string {
  return task === 'mbpp' ? 'MBPP_OVERRIDE_PATH' : 'HUMANEVAL_OVERRIDE_PATH';
}

export function checkEvalplusTasks(tasks: readonly string[], opts: { args?: Record<string, unknown>; limit?: number; problems?: string } = {}): EvalTaskIssue[] {
  const issues: EvalTaskIssue[] = [];
  for (const task of tasks) {
    if (!(EVALPLUS_DATASETS as readonly string[]).includes(task)) {
      const base = task.replace(/plus$/, '').replace(/\+$/, '');
      const suggestion = (EVALPLUS_DATASETS as readonly string[]).includes(base)
        ? `use '${base}': EvalPlus reports both the base and the plus tests of '${base}'`
        : `EvalPlus tasks are ${EVALPLUS_DATASETS.join(', ')}`;
      issues.push({ task, message: `EvalPlus has no task '${task}'`, suggestion });
    }
    for (const [name, value] of Object.entries(opts.args ?? {})) {
      const kind = CODEGEN_ARGS[name] ?? EVALUATE_ARGS[name];
      if (kind === undefined) {
        issues.push({ task, message: `eval.args.${name} is not an EvalPlus codegen/evaluate argument ablate passes`, suggestion: `use one of: ${Object.keys(EVALPLUS_SPECS).join(', ')}` });
      } else if ((kind === 'int' && !Number.isInteger(value)) || (kind === 'float' && typeof value !== 'number') || (kind === 'bool' && typeof value !== 'boolean') || (kind === 'string' && typeof value !== 'string')) {
        issues.push({ task, message: `eval.args.${name}: expected ${kind === 'bool' ? 'true or false' : `a ${kind}`}, got ${JSON.stringify(value)}` });
      }
    }
    // Settings EvalPlus 0.3.1 accepts and then fails on (after codegen) or silently ignores.
    if (task === 'mbpp' && opts.args?.mini === true) {
      issues.push({ task, message: 'eval.args.mini: EvalPlus 0.3.1 has no mini MBPP+ (evaluate asserts mini is False, after generation)', suggestion: 'drop eval.args.mini for mbpp' });
    }
    if (task === 'humaneval' && opts.args?.version !== undefined && opts.args.version !== 'default') {
      issues.push({ task, message: `eval.args.version: EvalPlus 0.3.1 ignores the version for humaneval (it always loads HumanEvalPlus v0.1.10), so '${String(opts.args.version)}' would label results it did not produce`, suggestion: 'drop eval.args.version, or give the dataset file as eval.problems' });
    }
    // evaluate asserts every problem of the dataset has a sample: a subset needs a subset file.
    if (opts.limit !== undefined && opts.problems === undefined) {
      issues.push({ task, message: 'EvalPlus scores every problem of its dataset; eval.limit needs a local problem file', suggestion: 'set eval.problems to a HumanEvalPlus/MbppPlus .jsonl (ablate evaluates its first N problems) or drop eval.limit' });
    }
  }
  return issues;
}

/** Effective arguments: greedy single sample by default, fp32 on CPU. */
export function evalplusEffectiveArgs(inv: Pick<EvalInvocation, 'args' | 'gpus'>): Record<string, unknown> {
  const greedy = inv.args.greedy ?? !(typeof inv.args.temperature === 'number' && inv.args.temperature > 0);
  return {
    ...ablateDefaults('evalplus'),
    dtype: inv.gpus > 0 ? 'bfloat16' : 'float32',
    ...inv.args,
    greedy,
    ...(greedy ? { temperature: 0, n_samples: 1, bs: 1 } : {}),
  };
}

/**
 * Where codegen writes its samples: `<root>/<dataset>/<identifier>.jsonl`, identifier as in
 * run_codegen: `model.strip("./").replace("/", "--") + f"_{backend}_temp_{temperature}"`.
 */
export function evalplusSamplesPath(root: string, dataset: string, model: string, backend: string, temperature: number): string {
  const stripped = model.replace(/^[./]+/, '').replace(/[./]+$/, '');
  return path.join(root, dataset, `${stripped.replaceAll('/', '--')}_${backend}_temp_${pythonFloat(temperature)}.jsonl`);
}

/** evaluate's result file for a .jsonl samples file (`samples.replace(".jsonl", "_eval_results.json")`). */
export function evalplusResultsPath(samples: string): string {
  return samples.replaceAll('.jsonl', '_eval_results.json');
}

function flag(name: string, value: unknown): string[] {
  if (typeof value === 'boolean') return [`--${name}`, value ? 'True' : 'False'];
  if (typeof value === 'number') return [`--${name}`, pythonFloatIfNeeded(name, value)];
  return [`--${name}`, String(value)];
}

function pythonFloatIfNeeded(name: string, value: number): string {
  return CODEGEN_ARGS[name] === 'float' || EVALUATE_ARGS[name] === 'float' ? pythonFloat(value) : String(value);
}

/** The model folder EvalPlus loads: it cannot apply a LoRA adapter, so it needs merged weights. */
export function evalplusModel(inv: EvalInvocation): string {
  if (inv.model.merged) return inv.model.merged;
  if (inv.model.adapter) throw new Error('EvalPlus loads one model folder and cannot apply a LoRA adapter: set train.merge: true');
  return inv.model.base;
}

export function evalplusSteps(inv: EvalInvocation): StageCommand[] {
  const model = evalplusModel(inv);
  const effective = evalplusEffectiveArgs(inv);
  const root = path.join(inv.outDir, EVALPLUS_FILES.root);
  const env: Record<string, string> = { TOKENIZERS_PARALLELISM: 'false', PYTHONUNBUFFERED: '1' };
  if (inv.problems) env[evalplusOverrideVar(inv.task)] = inv.limit !== undefined ? path.join(inv.outDir, EVALPLUS_FILES.problems) : inv.problems;

  const codegen = ['--model', model, '--dataset', inv.task, '--root', root];
  for (const name of Object.keys(CODEGEN_ARGS).sort()) {
    if (effective[name] !== undefined) codegen.push(...flag(name, effective[name]));
  }
  const samples = evalplusSamplesPath(root, inv.task, model, String(effective.backend), Number(effective.temperature ?? 0));
  const evaluate = ['--dataset', inv.task, '--samples', samples];
  for (const name of Object.keys(EVALUATE_ARGS).sort()) {
    if (effective[name] !== undefined) evaluate.push(...flag(name, effective[name]));
  }
  return [
    { argv: [inv.python, '-m', 'evalplus.codegen', ...codegen], env, cwd: inv.outDir },
    { argv: [inv.python, '-m', 'evalplus.evaluate', ...evaluate], env, cwd: inv.outDir },
  ];
}
