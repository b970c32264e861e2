import type { Rule, RuleIssue } from './rules.js';
import { llamafactoryTrainRule } from '../tools/llamafactory/check.js';
import { checkEvalTasks } from '../tools/eval.js';

/** Eval tasks the chosen tool does not have (e.g. `multiple-cpp` for the BigCode harness), with a hint. */
const evalTasksRule: Rule = (spec) => {
  const e = spec.eval;
  if (!e) return [];
  const tasks = e.tasks;
  return checkEvalTasks(e.tool ?? 'bigcode', tasks, { args: e.args as Record<string, unknown> | undefined, limit: e.limit, problems: e.problems }).map(
    (issue): RuleIssue => {
      const i = tasks.indexOf(issue.task);
      return { path: i >= 0 && issue.message.includes(issue.task) ? ['eval', 'tasks', i] : ['eval'], message: issue.suggestion ? `${issue.message}; ${issue.suggestion}` : issue.message };
    },
  );
};

/**
 * Per-run checks that need the tools' own vocabularies: LLaMA-Factory argument and template names
 * (from schemas/llamafactory-args.json, generated from the installed package), and each
 * evaluator's task names. Caught at validation, not after hours of training.
 */
export const toolRules: Rule[] = [llamafactoryTrainRule, evalTasksRule];
