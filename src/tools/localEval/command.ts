/**
 * ablate's own offline evaluator, runners/local_eval.py: greedy completions for a HumanEval-format
 * problem file, scored by running each problem's tests in a subprocess.
 */
import path from 'node:path';
import { hubOfflineEnv } from '../../util/locations.js';
import type { StageCommand } from '../../plan/types.js';
import type { EvalInvocation, EvalTaskIssue } from '../evalCommon.js';
import { ablateDefaults, argValueProblem, evalArgSpecs } from '../evalArgs.js';

/** Its arguments, types, bounds and defaults: schemas/eval-args.schema.json. */
const LOCAL_ARGS = evalArgSpecs('local');

export const LOCAL_FILES = { result: 'local_eval.json', generations: 'generations.jsonl' } as const;

export function checkLocalTasks(tasks: readonly string[], opts: { args?: Record<string, unknown>; problems?: string } = {}): EvalTaskIssue[] {
  const issues: EvalTaskIssue[] = [];
  for (const task of tasks) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(task)) {
      issues.push({ task, message: `local task name '${task}' must be letters, digits, '.', '_' or '-'`, suggestion: 'it only labels the results of eval.problems' });
    }
    if (opts.problems === undefined) {
      issues.push({ task, message: 'the local evaluator needs eval.problems: a HumanEval-format .jsonl or .jsonl.gz file', suggestion: 'e.g. eval.problems: data/quickstart-problems.jsonl' });
    }
    for (const [name, value] of Object.entries(opts.args ?? {})) {
      const spec = LOCAL_ARGS[name];
      const problem = spec && argValueProblem(spec, value);
      if (spec === undefined) {
        issues.push({ task, message: `eval.args.${name} is not an argument of the local evaluator`, suggestion: `use one of: ${Object.keys(LOCAL_ARGS).join(', ')}` });
      } else if (problem) {
        issues.push({ task, message: `eval.args.${name}: ${problem}` });
      }
    }
  }
  return issues;
}

export function localEffectiveArgs(inv: Pick<EvalInvocation, 'args' | 'limit'>): Record<string, unknown> {
  return { ...ablateDefaults('local'), ...inv.args, ...(inv.limit !== undefined ? { limit: inv.limit } : {}) };
}

export function localSteps(inv: EvalInvocation): StageCommand[] {
  if (!inv.problems) throw new Error('the local evaluator needs eval.problems');
  const effective = localEffectiveArgs(inv);
  const argv = [
    inv.python,
    path.join(inv.runnersDir, 'local_eval.py'),
    '--problems', inv.problems,
    '--task', inv.task,
    '--out', path.join(inv.outDir, LOCAL_FILES.result),
    '--generations-out', path.join(inv.outDir, LOCAL_FILES.generations),
  ];
  if (inv.model.merged) argv.push('--model', inv.model.merged);
  else {
    argv.push('--model', inv.model.base);
    if (inv.model.adapter) argv.push('--adapter', inv.model.adapter);
    if (inv.model.adapter && inv.model.revision) argv.push('--revision', inv.model.revision);
  }
  for (const name of ['limit', 'max_new_tokens', 'timeout', 'workers', 'seed']) {
    if (effective[name] !== undefined) argv.push(`--${name.replaceAll('_', '-')}`, String(effective[name]));
  }
  return [{ argv, env: { ...hubOfflineEnv(), TOKENIZERS_PARALLELISM: 'false', PYTHONUNBUFFERED: '1' }, cwd: inv.outDir }];
}
