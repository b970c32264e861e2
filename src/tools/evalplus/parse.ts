/**
 * EvalPlus's `<samples>_eval_results.json`: `{"date", "hash", "eval": {"<task_id>": [ {task_id,
 * solution, base_status, plus_status, base_fail_tests, plus_fail_tests}, ... one per sample ]}}`
 * with statuses "pass" | "fail" | "timeout" (plus_status null with --base_only).
 */
import type { EvalResult } from '../evalResult.js';
import { isRecord, resultFromGraded, type GradedProblem } from '../evalCommon.js';

const PASS = 'pass';

function compareTaskIds(a: string, b: string): number {
  // HumanEval/2 before HumanEval/10: compare the numeric tail when both have one.
  const [pa, na] = splitId(a);
  const [pb, nb] = splitId(b);
  if (pa !== pb) return pa < pb ? -1 : 1;
  if (na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function splitId(id: string): [string, number] {
  const m = /^(.*?)(\d+)$/.exec(id);
  return m ? [m[1] ?? '', Number(m[2])] : [id, -1];
}

export function evalplusResult(opts: { task: string; json: unknown; args: Record<string, unknown>; toolVersion?: string }): EvalResult {
  const { json } = opts;
  if (!isRecord(json) || !isRecord(json.eval)) throw new Error('EvalPlus results file has no "eval" object');
  const problems: GradedProblem[] = Object.keys(json.eval).sort(compareTaskIds).map((id) => {
    const samples = (json.eval as Record<string, unknown>)[id];
    if (!Array.isArray(samples) || samples.length === 0) throw new Error(`EvalPlus results: ${id} has no samples`);
    const graded = samples.map((s, i) => {
      if (!isRecord(s) || typeof s.base_status !== 'string') throw new Error(`EvalPlus results: ${id}[${i}] has no base_status`);
      return s.base_status === PASS;
    });
    const plusStatuses = samples.map((s) => (isRecord(s) ? s.plus_status : undefined));
    // EvalPlus counts a sample as passing the plus tests only when it passes base and plus.
    const plus = plusStatuses.every((s) => typeof s === 'string') ? plusStatuses.map((s, i) => s === PASS && graded[i] === true) : undefined;
    return { id, graded, ...(plus ? { plus } : {}) };
  });
  return resultFromGraded({ tool: 'evalplus', task: opts.task, problems, args: opts.args, ...(opts.toolVersion ? { toolVersion: opts.toolVersion } : {}) });
}
