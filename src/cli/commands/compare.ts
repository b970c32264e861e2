import { Option, type Command } from 'commander';
import { integerIn } from '../options.js';
import Table from 'cli-table3';
import type { CompareFamily, CompareReport, ResampleSource } from '../../results/compare.js';
import { ADJUSTMENT_NAMES, ADJUSTMENTS, DEFAULT_RESAMPLES, DEFAULT_SEED, MCNEMAR_VARIANTS, SEED_MAX, type Adjustment, type McNemarVariant } from '../../results/options.js';

interface CompareFlags {
  a: string;
  b: string[];
  adjust: Adjustment;
  mcnemar: McNemarVariant;
  resamples?: number;
  resamplesFile?: string;
  seed: number;
  json?: boolean;
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('paired comparison of two arms from per-problem 0/1 outcome CSVs: McNemar per configuration, bootstrap CI of the mean difference')
    .argument('<files...>', 'outcome CSV files; all must cover the same problems')
    .requiredOption('--a <pattern>', "regular expression picking arm A's column in each file; with a capture group, A and B pair by equal captures")
    .requiredOption('--b <pattern...>', "regular expression picking arm B's column in each file; several patterns compare A with each")
    .addOption(new Option('--adjust <method>', 'multiple-comparison adjustment over all tests shown: Holm (family-wise error) or Benjamini–Hochberg (false discovery rate)').choices(ADJUSTMENTS).default('holm'))
    .addOption(new Option('--mcnemar <variant>', 'McNemar test: mid-p, exact binomial, chi-square, chi-square with continuity correction (study B\'s counts use chi2)').choices(MCNEMAR_VARIANTS).default('midp'))
    .addOption(new Option('--resamples <n>', 'number of seeded bootstrap resamples of problems').argParser(integerIn(1, 1_000_000)).conflicts('resamplesFile'))
    .option('--resamples-file <file>', 'replay resamples from a file, one per line: name<TAB>id,id,...')
    .addOption(new Option('--seed <n>', 'seed of the bootstrap resamples').argParser(integerIn(0, SEED_MAX)).default(DEFAULT_SEED))
    .option('--json', 'print the comparison as JSON (pass_* in percent, diff and ci in percentage points)')
    .action(async (files: string[], flags: CompareFlags) => {
      const resamples: ResampleSource = flags.resamplesFile
        ? { kind: 'file', file: flags.resamplesFile }
        : { kind: 'seeded', count: flags.resamples ?? DEFAULT_RESAMPLES, seed: flags.seed };
      const { compareFamily } = await import('../../results/compare.js');
      const family = await compareFamily(files, { a: flags.a, bs: flags.b, mcnemar: flags.mcnemar, resamples, adjustment: flags.adjust });
      for (const w of family.comparisons.flatMap((c) => c.warnings)) process.stderr.write(`warning: ${w}\n`);
      // One comparison prints (and serializes) as it always did, with the adjusted values added.
      const single = family.comparisons.length === 1 ? family.comparisons[0]! : undefined;
      if (flags.json) process.stdout.write(`${JSON.stringify(single ?? family, null, 2)}\n`);
      else process.stdout.write(single ? renderCompare(single) : renderFamily(family));
    });
}

const signed = (x: number): string => `${x > 0 ? '+' : ''}${x.toFixed(2)}`;

function formatP(p: number): string {
  return p < 0.0001 ? p.toExponential(1) : p.toFixed(4);
}

/** The longest directory prefix (with its trailing separator) shared by all paths, so table rows stay short. */
function commonDir(files: string[]): string {
  const first = files[0] ?? '';
  let end = first.lastIndexOf('/') + 1;
  for (const f of files) {
    while (end > 0 && f.slice(0, end) !== first.slice(0, end)) end = first.lastIndexOf('/', end - 2) + 1;
  }
  return first.slice(0, end);
}

/** The human-readable comparison: one row per configuration, then the summary line. */
export function renderCompare(report: CompareReport): string {
  const adj = ADJUSTMENT_NAMES[report.adjustment];
  const table = new Table({
    head: ['file', 'A', 'B', 'pass A %', 'pass B %', 'diff pp', 'A only', 'B only', `p (${report.mcnemar})`, `p ${adj}`],
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [] },
  });
  const base = commonDir(report.configs.map((c) => c.file));
  for (const c of report.configs) {
    const mark = (p: number): string => (p < report.alpha ? ' *' : '');
    table.push([base ? c.file.slice(base.length) : c.file, c.a, c.identical ? `${c.b} (identical!)` : c.b, c.pass_a.toFixed(2), c.pass_b.toFixed(2), signed(c.diff), c.a_only, c.b_only, `${formatP(c.p)}${mark(c.p)}`, `${formatP(c.p_adjusted)}${mark(c.p_adjusted)}`]);
  }
  const source = report.bootstrap.file
    ? `${report.bootstrap.resamples} resamples from ${report.bootstrap.file}`
    : `${report.bootstrap.resamples} resamples, seed ${report.bootstrap.seed}`;
  return [
    ...(base ? [`files under ${base}`] : []),
    table.toString(),
    `mean diff (A − B): ${signed(report.mean_diff)} pp, 95% CI [${report.ci[0].toFixed(2)}, ${report.ci[1].toFixed(2)}] ` +
      `(paired bootstrap over ${report.problems} problems, ${source})`,
    `significant (McNemar ${report.mcnemar}, p < ${report.alpha}): ${report.significant}/${report.total} raw; ` +
      `${report.significant_adjusted}/${report.total} survive ${adj} over ${report.family} test${report.family === 1 ? '' : 's'}`,
    '',
  ].join('\n');
}

/** Several comparisons: one block each, then the family's surviving count. */
export function renderFamily(family: CompareFamily): string {
  const blocks = family.comparisons.map((c) => `== --a ${JSON.stringify(family.a_pattern)} vs --b ${JSON.stringify(c.b_pattern)}, ${c.files.length} file${c.files.length === 1 ? '' : 's'} over ${c.problems} problems\n${renderCompare(c)}`);
  const raw = family.comparisons.reduce((n, c) => n + c.significant, 0);
  const kept = family.comparisons.reduce((n, c) => n + c.significant_adjusted, 0);
  return `${blocks.join('\n')}${ADJUSTMENT_NAMES[family.adjustment]} over all ${family.family} tests: ${kept} of ${raw} raw-significant differences survive\n`;
}
