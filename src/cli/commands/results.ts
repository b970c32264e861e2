import { Option, type Command } from 'commander';
import { integerIn } from '../options.js';
import { planFromValidated } from '../../plan/build.js';
import { ADJUSTMENTS, type Adjustment } from '../../results/adjust.js';
import { resultsFromPlan, type ResultsView } from '../../results/aggregate.js';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from '../../results/compare.js';
import { MCNEMAR_VARIANTS, SEED_MAX, type McNemarVariant } from '../../results/stats.js';
import { renderResults, RESULT_FORMATS, type ResultsFormat } from '../../results/table.js';
import { toolRules } from '../../spec/toolRules.js';
import { validateSpec } from '../../spec/validate.js';

export interface ResultsOptions {
  /** Results root (default: execute.results of the spec, else ./results). */
  results?: string;
  mcnemar?: McNemarVariant;
  adjust?: Adjustment;
  resamples?: number;
  seed?: number;
}

/** The results of a spec's finished stages: the data `ablate results` and `ablate report` render. */
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

/** The statistics options `results` and `report` share. */
export function addStatsOptions(cmd: Command): Command {
  return cmd
    .option('--results <dir>', 'results root (default: execute.results of the spec, else ./results)')
    .addOption(new Option('--mcnemar <variant>', 'McNemar test of each configuration').choices(MCNEMAR_VARIANTS).default('midp'))
    .addOption(new Option('--adjust <method>', 'multiple-comparison adjustment shown beside the raw p-values, over every test of the report: Holm or Benjamini–Hochberg').choices(ADJUSTMENTS).default('holm'))
    .addOption(new Option('--resamples <n>', 'paired bootstrap resamples of problems').argParser(integerIn(1, 1_000_000)).default(DEFAULT_RESAMPLES))
    .addOption(new Option('--seed <n>', 'seed of the bootstrap resamples').argParser(integerIn(0, SEED_MAX)).default(DEFAULT_SEED));
}

interface ResultsFlags extends ResultsOptions {
  format: ResultsFormat;
  pivot?: string;
}

export function registerResults(program: Command): void {
  const cmd = program
    .command('results')
    .description('one row per arm: axes, size, loss, metrics (repeats as mean ± sd), deltas, paired statistics')
    .argument('<spec>', 'experiment spec file')
    .addOption(new Option('--format <format>', 'output format; missing values are "-" (json gives the reason)').choices(RESULT_FORMATS).default('table'))
    .option('--pivot <axis>', "put one sweep axis' values as columns (path or its label, e.g. data.filter.complexity.keep)");
  addStatsOptions(cmd).action((file: string, flags: ResultsFlags) => {
    const view = loadResults(file, flags);
    process.stdout.write(renderResults(view, flags.format, flags.pivot !== undefined ? { pivot: flags.pivot } : {}));
  });
}
