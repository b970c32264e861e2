import { Option, type Command } from 'commander';
import { integerIn } from '../options.js';
import { ADJUSTMENTS, DEFAULT_RESAMPLES, DEFAULT_SEED, MCNEMAR_VARIANTS, RESULT_FORMATS, SEED_MAX, type ResultsFormat } from '../../results/options.js';
import type { ResultsOptions } from '../../results/load.js';

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
  addStatsOptions(cmd).action(async (file: string, flags: ResultsFlags) => {
    const { loadResults } = await import('../../results/load.js');
    const { renderResults } = await import('../../results/table.js');
    const { UNTRUSTED } = await import('../../results/collect.js');
    const view = loadResults(file, flags);
    process.stdout.write(renderResults(view, flags.format, flags.pivot !== undefined ? { pivot: flags.pivot } : {}));
    // Values left out because their files are damaged or unreadable are said loudly, not only as "-".
    const untrusted = new Set(view.arms.flatMap((a) => Object.values(a.cells).flatMap((c) => c.missing.map((m) => m.reason))).filter((r) => r.startsWith(UNTRUSTED)));
    for (const r of untrusted) process.stderr.write(`WARNING: ${r.slice(UNTRUSTED.length).trim()}\n`);
  });
}
