import type { Command } from 'commander';
import { writeReport } from '../../report/html.js';
import { addStatsOptions, loadResults, type ResultsOptions } from './results.js';

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
    const view = loadResults(file, flags);
    const written = await writeReport(view, flags.output);
    process.stdout.write(`${written}\n`);
  });
}
