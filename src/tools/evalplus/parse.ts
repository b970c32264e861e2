/**
 * EvalPlus's `<samples>_eval_results.json`: `{"date", "hash", "eval": {"<task_id>": [ {task_id,
 * solution, base_status, plus_status, base_fail_tests, plus_fail_tests}, ... one per sample ]}}`
 * with statuses "pass" | "fail" | "timeout" (plus_status null with --base_only).
 */
import type { EvalResult, ProblemOutcome } from '../evalResult.js';
import { evalSetupHash, isRecord, meanPassAtK } from '../evalCommon.js';

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
  const ids = Object.keys(json.eval).sort(compareTaskIds);
  const problems: ProblemOutcome[] = [];
  const base: { n: number; c: number }[] = [];
  const plus: { n: number; c: number }[] = [];
  let nSamples = 0;
  let hasPlus = false;
  for (const id of ids) {
    const samples = json.eval[id];
    if (!Array.isArray(samples) || samples.length === 0) throw new Error(`EvalPlus results: ${id} has no samples`);
    const baseOk = samples.map((s, i) => {
      if (!isRecord(s) || typeof s.base_status !== 'string') throw new Error(`EvalPlus results: ${id}[${i}] has no base_status`);
      return s.base_status === PASS;
    });
    const plusStatuses = samples.map((s) => (isRecord(s) ? s.plus_status : undefined));
    const plusKnown = plusStatuses.every((s) => typeof s === 'string');
    // EvalPlus counts a sample as passing the plus tests only when it passes base and plus.
    const plusOk = plusKnown ? plusStatuses.map((s, i) => s === PASS && baseOk[i] === true) : [];
    hasPlus ||= plusKnown;
    nSamples = Math.max(nSamples, samples.length);
    const outcome: ProblemOutcome = { id, passed: baseOk[0] === true };
    if (plusKnown) outcome.plus = plusOk[0] === true;
    if (samples.length > 1) outcome.n_passed = baseOk.filter(Boolean).length;
    problems.push(outcome);
    base.push({ n: samples.length, c: baseOk.filter(Boolean).length });
    if (plusKnown) plus.push({ n: samples.length, c: plusOk.filter(Boolean).length });
  }
  const metrics: Record<string, number> = { ...meanPassAtK(base) };
  if (hasPlus && plus.length === base.length) {
    for (const [name, value] of Object.entries(meanPassAtK(plus))) metrics[`plus_${name}`] = value;
  }
  return {
    tool: 'evalplus',
    task: opts.task,
    metrics,
    problems,
    n_samples: nSamples,
    setup_hash: evalSetupHash({ tool: 'evalplus', task: opts.task, args: opts.args, toolVersion: opts.toolVersion }),
    ...(opts.toolVersion ? { tool_version: opts.toolVersion } : {}),
  };
}
