/**
 * LiveCodeBench's `..._eval_all.json`: a list, one entry per problem, of
 * `{question_id, question_title, ..., output_list, code_list, graded_list: [bool per sample], "pass@1", metadata}`
 * (CodeGenerationProblem.insert_output_evaluation).
 */
import type { EvalResult } from '../evalResult.js';
import { isRecord, resultFromGraded, type GradedProblem } from '../evalCommon.js';

export function lcbResult(opts: { task: string; json: unknown; args: Record<string, unknown>; toolVersion?: string }): EvalResult {
  if (!Array.isArray(opts.json)) throw new Error('LiveCodeBench _eval_all.json is not a list');
  const problems: GradedProblem[] = opts.json.map((entry: unknown, i) => {
    if (!isRecord(entry) || typeof entry.question_id !== 'string' || !Array.isArray(entry.graded_list)) {
      throw new Error(`LiveCodeBench _eval_all.json[${i}] needs question_id and graded_list`);
    }
    const graded = entry.graded_list.map((g) => g === true);
    if (graded.length === 0) throw new Error(`LiveCodeBench _eval_all.json[${i}] (${entry.question_id}) has an empty graded_list`);
    return { id: entry.question_id, graded };
  });
  // LiveCodeBench reports pass@1 and pass@5 (compute_metrics_from_results k_list=[1, 5]).
  return resultFromGraded({ tool: 'livecodebench', task: opts.task, problems, ks: [1, 5], args: opts.args, ...(opts.toolVersion ? { toolVersion: opts.toolVersion } : {}) });
}
