/**
 * The common evaluation result every evaluator adapter writes as `result.json` in its eval stage
 * folder, and that tables, statistics and bundles read.
 */
export interface ProblemOutcome {
  /** Benchmark problem id, e.g. HumanEval/0 or Mbpp/2. */
  id: string;
  /** Outcome of the first (greedy) sample on the base tests. */
  passed: boolean;
  /** EvalPlus: outcome on the extended tests. */
  plus?: boolean;
  /** Number of samples that passed, when n_samples > 1. */
  n_passed?: number;
}

export interface EvalResult {
  /** The evaluator (`eval.tool`). */
  tool: string;
  task: string;
  /** Metric name → value as a fraction in [0, 1], e.g. {"pass@1": 0.652}. */
  metrics: Record<string, number>;
  problems: ProblemOutcome[];
  n_samples: number;
  /** Hash of the evaluation setup (tool, task, arguments, tool version): numbers from different setups never mix. */
  setup_hash: string;
  tool_version?: string;
}
