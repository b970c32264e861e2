import { planFromValidated } from '../plan/build.js';
import { toolRules } from '../tools/rules.js';
import { validateSpec } from '../spec/validate.js';
import { resultsFromPlan, type ResultsView } from './aggregate.js';
import type { Adjustment, McNemarVariant } from './options.js';

export interface ResultsOptions {
  /** Results root (default: execute.results of the spec, else ./results). */
  results?: string;
  mcnemar?: McNemarVariant;
  adjust?: Adjustment;
  resamples?: number;
  seed?: number;
}

/** The results of a spec's finished stages: the data `ablate results`, `ablate report` and `ablate run` render. */
export function loadResults(specFile: string, opts: ResultsOptions = {}): ResultsView {
  const validated = validateSpec(specFile, { rules: toolRules });
  const plan = planFromValidated(validated, { ...(opts.results !== undefined ? { resultsRoot: opts.results } : {}) });
  return resultsFromPlan(plan, {
    spec: validated.spec,
    ...(opts.mcnemar ? { mcnemar: opts.mcnemar } : {}),
    ...(opts.adjust ? { adjustment: opts.adjust } : {}),
    ...(opts.resamples !== undefined ? { resamples: opts.resamples } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  });
}
