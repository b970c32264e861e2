import type { Command } from 'commander';
import type { ResultsOptions } from '../../results/load.js';
import { addStatsOptions } from './results.js';

interface ReportFlags extends ResultsOptions {
  output?: string;
}

export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .description('write one self-contained HTML report: tables, charts, statistics, data cards, training curves, provenance')
    .argument('<spec>', 'experiment spec file')
    .option('-o, --output <file>', 'report file (default: <results>/experiments/<name>/report.html)');
  addStatsOptions(cmd).action(async (file: string, flags: ReportFlags) => {
    // vega and vega-lite are the heaviest imports of the CLI: only this command loads them.
    const { loadResults } = await import('../../results/load.js');
    const { writeReport } = await import('../../report/html.js');
    const written = await writeReport(loadResults(file, flags), flags.output);
    process.stdout.write(`${written}\n`);
  });
}
