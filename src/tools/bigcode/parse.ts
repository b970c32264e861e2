/**
 * Reads what a bigcode evaluation leaves: the harness's metrics JSON
 * (`{"<task>": {"pass@1": x, ...}, "config": {...}}`) and the per-problem outcomes written by
 * runners/score_generations.py, into one EvalResult.
 */
import type { EvalResult, ProblemOutcome } from '../evalResult.js';
import { evalResult, isRecord } from '../evalCommon.js';

export interface BigcodeMetrics {
  metrics: Record<string, number>;
  config: Record<string, unknown>;
}

/** The task's numeric metrics and the harness's echo of its arguments. */
export function parseBigcodeMetrics(json: unknown, task: string): BigcodeMetrics {
  if (!isRecord(json)) throw new Error('bigcode metrics file is not a JSON object');
  const taskResults = json[task];
  if (!isRecord(taskResults)) {
    const found = Object.keys(json).filter((k) => k !== 'config');
    throw new Error(`bigcode metrics file has no results for task '${task}' (found: ${found.join(', ') || 'none'})`);
  }
  const metrics: Record<string, number> = {};
  for (const [name, value] of Object.entries(taskResults)) {
    if (typeof value === 'number' && Number.isFinite(value)) metrics[name] = value;
  }
  return { metrics, config: isRecord(json.config) ? json.config : {} };
}

/** Output contract of runners/score_generations.py. */
export interface ScoredGenerations {
  task: string;
  n_samples: number;
  problems: ProblemOutcome[];
}

export function parseScoredGenerations(json: unknown): ScoredGenerations {
  if (!isRecord(json) || !Array.isArray(json.problems) || typeof json.task !== 'string' || typeof json.n_samples !== 'number') {
    throw new Error('per-problem file is not the output of score_generations.py ({task, n_samples, problems: [...]})');
  }
  const problems = json.problems.map((p, i): ProblemOutcome => {
    if (!isRecord(p) || typeof p.id !== 'string' || typeof p.passed !== 'boolean') {
      throw new Error(`per-problem file: problems[${i}] needs a string id and a boolean passed`);
    }
    const outcome: ProblemOutcome = { id: p.id, passed: p.passed };
    if (typeof p.n_passed === 'number' && json.n_samples !== 1) outcome.n_passed = p.n_passed;
    return outcome;
  });
  return { task: json.task, n_samples: json.n_samples, problems };
}

/** Harness arguments that decide the numbers (paths and ablate's bookkeeping flags excluded). */
const SETUP_ARGS = [
  'modeltype', 'prefix', 'do_sample', 'temperature', 'top_k', 'top_p', 'n_samples', 'seed', 'batch_size',
  'max_length_generation', 'precision', 'load_in_8bit', 'load_in_4bit', 'left_padding', 'limit', 'limit_start',
  'postprocess', 'instruction_tokens', 'prompt',
];

export function bigcodeSetupArgs(config: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const name of SETUP_ARGS) if (config[name] !== undefined) args[name] = config[name];
  return args;
}

export function bigcodeResult(opts: { task: string; metricsJson: unknown; perProblemJson: unknown; toolVersion?: string }): EvalResult {
  const { metrics, config } = parseBigcodeMetrics(opts.metricsJson, opts.task);
  const scored = parseScoredGenerations(opts.perProblemJson);
  if (scored.task !== opts.task) throw new Error(`per-problem file is for task '${scored.task}', expected '${opts.task}'`);
  return evalResult({ tool: 'bigcode', task: opts.task, metrics, problems: scored.problems, nSamples: scored.n_samples, args: bigcodeSetupArgs(config), ...(opts.toolVersion ? { toolVersion: opts.toolVersion } : {}) });
}

/**
 * The harness's pass@1 and the share of problems whose first sample passed agree for greedy runs;
 * a difference means the scoring runner and the harness disagree (for example a dataset revision).
 */
export function bigcodeConsistencyWarning(result: EvalResult): string | undefined {
  const reported = result.metrics['pass@1'];
  if (reported === undefined || result.n_samples !== 1 || result.problems.length === 0) return undefined;
  const recovered = result.problems.filter((p) => p.passed).length / result.problems.length;
  if (Math.abs(recovered - reported) < 1e-9) return undefined;
  return `bigcode ${result.task}: harness pass@1 ${reported.toFixed(4)} but per-problem outcomes give ${recovered.toFixed(4)}`;
}
