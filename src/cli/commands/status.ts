import type { Command } from 'commander';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show each run and stage: done, running, failed (with its log), pending, submitted')
    .argument('<spec>', 'experiment spec (YAML)')
    .option('--results <dir>', 'results root (default: execute.results, else results/)')
    .option('--only <glob>', 'only the runs whose name matches this glob')
    .option('--explain', 'say for each stage why it is or is not cached')
    .option('--json', 'print the status as JSON')
    .action(async (spec: string, flags: { results?: string; only?: string; explain?: boolean; json?: boolean }) => {
      const { buildPlan } = await import('../../plan/build.js');
      const { collectStatus, formatStatus } = await import('../../exec/status.js');
      const plan = await buildPlan(spec, flags.results ? { resultsRoot: flags.results } : {});
      const report = await collectStatus(plan, { ...(flags.only ? { only: flags.only } : {}), ...(flags.explain ? { explain: true } : {}) });
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatStatus(report, flags.explain === true)}\n`);
    });
}
