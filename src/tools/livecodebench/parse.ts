/**
 * LiveCodeBench's `..._eval_all.json`: a list, one entry per problem, of
 * `{question_id, question_title, ..., output_list, code_list, graded_list: [bool per sample], "pass@1", metadata}`
 * (CodeGenerationProblem.insert_output_evaluation).
 */
import type { EvalResult, ProblemOutcome } from '../evalResult.js';
import { evalSetupHash, isRecord, meanPassAtK } from '../evalCommon.js';

export function lcbResult(opts: { task: string; json: unknown; args: Record<string, unknown>; toolVersion?: string }): EvalResult {
  if (!Array.isArray(opts.json)) throw new Error('LiveCodeBench _eval_all.json is not a list');
  const counts: { n: number; c: number }[] = [];
  const problems: ProblemOutcome[] = [];
  let nSamples = 0;
  opts.json.forEach((entry, i) => {
    if (!isRecord(entry) || typeof entry.question_id !== 'string' || !Array.isArray(entry.graded_list)) {
      throw new Error(`LiveCodeBench _eval_all.json[${i}] needs question_id and graded_list`);
    }
    const graded = entry.graded_list.map((g) => g === true);
    if (graded.length === 0) throw new Error(`LiveCodeBench _eval_all.json[${i}] (${entry.question_id}) has an empty graded_list`);
    nSamples = Math.max(nSamples, graded.length);
    const c = graded.filter(Boolean).length;
    const outcome: ProblemOutcome = { id: entry.question_id, passed: graded[0] === true };
    if (graded.length > 1) outcome.n_passed = c;
    problems.push(outcome);
    counts.push({ n: graded.length, c });
  });
  // LiveCodeBench reports pass@1 and pass@5 (compute_metrics_from_results k_list=[1, 5]).
  const metrics = meanPassAtK(counts, [1, 5]);
  return {
    tool: 'livecodebench',
    task: opts.task,
    metrics,
    problems,
    n_samples: nSamples,
    setup_hash: evalSetupHash({ tool: 'livecodebench', task: opts.task, args: opts.args, toolVersion: opts.toolVersion }),
    ...(opts.toolVersion ? { tool_version: opts.toolVersion } : {}),
  };
}
