/** Task-name checks for the bigcode harness, with the hints a user needs to fix a name. */
import { closest } from 'fastest-levenshtein';
import type { EvalTaskIssue } from '../evalCommon.js';
import { BIGCODE_HARNESS_COMMIT, BIGCODE_TASKS } from './tasks.js';

const COMMIT = BIGCODE_HARNESS_COMMIT.slice(0, 7);

/**
 * multiple.py's LANGUAGES list misses two commas ("clj" "cpp", "ml" "pl"), so Python joins the
 * strings: the harness registers multiple-cljcpp and multiple-mlpl, whose datasets
 * (humaneval-cljcpp, humaneval-mlpl) do not exist, and no multiple-cpp/-clj/-ml/-pl at all.
 */
const FUSED_MULTIPLE: Readonly<Record<string, string>> = {
  'multiple-cpp': 'multiple-cljcpp',
  'multiple-clj': 'multiple-cljcpp',
  'multiple-ml': 'multiple-mlpl',
  'multiple-pl': 'multiple-mlpl',
};
const BROKEN: Readonly<Record<string, string>> = {
  'multiple-cljcpp': 'humaneval-cljcpp',
  'multiple-mlpl': 'humaneval-mlpl',
};

const FUSED_HINT =
  'bigcode_eval/tasks/multiple.py joins "clj" "cpp" and "ml" "pl" for want of two commas in LANGUAGES; ' +
  'add the commas in your harness clone (then the task exists there) or drop the task';

export function checkBigcodeTasks(tasks: readonly string[], args: Record<string, unknown> = {}): EvalTaskIssue[] {
  const known = new Set(BIGCODE_TASKS);
  const issues: EvalTaskIssue[] = [];
  for (const task of tasks) {
    if (/[*?[\]]/.test(task)) {
      issues.push({ task, message: `'${task}' is a wildcard: ablate evaluates and reports each task separately`, suggestion: 'list the tasks by name' });
      continue;
    }
    if (task.includes(',')) {
      issues.push({ task, message: `'${task}' holds several tasks`, suggestion: `list them as separate items: [${task.split(',').join(', ')}]` });
      continue;
    }
    const fusedInto = FUSED_MULTIPLE[task];
    if (fusedInto !== undefined) {
      issues.push({ task, message: `bigcode harness (commit ${COMMIT}) has no task '${task}': it registers '${fusedInto}' instead, which cannot load a dataset`, suggestion: FUSED_HINT });
      continue;
    }
    const missingDataset = BROKEN[task];
    if (missingDataset !== undefined) {
      issues.push({ task, message: `'${task}' is registered by the bigcode harness (commit ${COMMIT}) by mistake: its dataset '${missingDataset}' does not exist`, suggestion: FUSED_HINT });
      continue;
    }
    if (!known.has(task)) {
      issues.push({ task, message: `bigcode harness (commit ${COMMIT}) has no task '${task}'`, suggestion: `did you mean '${closest(task, [...BIGCODE_TASKS])}'?` });
      continue;
    }
    if (task.startsWith('apps-')) {
      issues.push({
        task,
        message: `per-problem outcomes cannot be recovered for '${task}': its metric (codeparrot/apps_metric) scores each generation by its position in the whole APPS split, so single problems cannot be re-scored`,
        suggestion: 'drop the task, or run it with the harness directly (ablate needs per-problem outcomes for its paired statistics)',
      });
      continue;
    }
    if (task.startsWith('humanevalsynthesize-') || task.startsWith('humanevalfix') || task.startsWith('humanevalexplain')) {
      if (args.prompt === undefined) {
        issues.push({ task, message: `'${task}' needs a prompt format (the harness default 'prompt' fails for HumanEvalPack tasks)`, suggestion: 'set eval.args.prompt (e.g. instruct, deepseek, octocoder)' });
      }
    }
  }
  return issues;
}
