import { Option, type Command } from 'commander';
import { integerIn } from '../options.js';
import { planFromValidated } from '../../plan/build.js';
import { resultsFromPlan, type ResultsView } from '../../results/aggregate.js';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from '../../results/compare.js';
import { MCNEMAR_VARIANTS, SEED_MAX, type McNemarVariant } from '../../results/stats.js';
import { renderResults, RESULT_FORMATS, type ResultsFormat } from '../../results/table.js';
import { UNTRUSTED } from '../../results/collect.js';
import { toolRules } from '../../spec/toolRules.js';
import { validateSpec } from '../../spec/validate.js';

export interface ResultsOptions {
  /** Results root (default: execute.results of the spec, else ./results). */
  results?: string;
  mcnemar?: McNemarVariant;
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
    ...(opts.resamples !== undefined ? { resamples: opts.resamples } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  });
}

/** The statistics options `results` and `report` share. */
export function addStatsOptions(cmd: Command): Command {
  return cmd
    .option('--results <dir>', 'results root (default: execute.results of the spec, else ./results)')
    .addOption(new Option('--mcnemar <variant>', 'McNemar test of each configuration').choices(MCNEMAR_VARIANTS).default('midp'))
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
    // Values left out because their files are damaged or unreadable are said loudly, not only as "-".
    const untrusted = new Set(view.arms.flatMap((a) => Object.values(a.cells).flatMap((c) => c.missing.map((m) => m.reason))).filter((r) => r.startsWith(UNTRUSTED)));
    for (const r of untrusted) process.stderr.write(`WARNING: ${r.slice(UNTRUSTED.length).trim()}\n`);
  });
}
