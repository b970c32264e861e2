/** runners/local_eval.py's output → EvalResult. */
import type { EvalResult, ProblemOutcome } from '../evalResult.js';
import { evalResult, isRecord } from '../evalCommon.js';

export function localResult(opts: { task: string; json: unknown; args: Record<string, unknown>; toolVersion?: string }): EvalResult {
  const { json } = opts;
  if (!isRecord(json) || !Array.isArray(json.problems) || !isRecord(json.metrics)) {
    throw new Error('local_eval.py output needs "metrics" and "problems"');
  }
  const problems = json.problems.map((p, i): ProblemOutcome => {
    if (!isRecord(p) || typeof p.id !== 'string' || typeof p.passed !== 'boolean') {
      throw new Error(`local_eval.py output: problems[${i}] needs a string id and a boolean passed`);
    }
    return { id: p.id, passed: p.passed };
  });
  const metrics: Record<string, number> = {};
  for (const [name, value] of Object.entries(json.metrics)) if (typeof value === 'number') metrics[name] = value;
  return evalResult({ tool: 'local', task: opts.task, metrics, problems, nSamples: typeof json.n_samples === 'number' ? json.n_samples : 1, args: opts.args, ...(opts.toolVersion ? { toolVersion: opts.toolVersion } : {}) });
}
