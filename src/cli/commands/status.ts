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
    .option('--verify', 're-hash the outputs of done stages and compare them with their completion records (exit 1 on a difference)')
    .action(async (spec: string, flags: { results?: string; only?: string; explain?: boolean; json?: boolean; verify?: boolean }) => {
      const { buildPlan } = await import('../../plan/build.js');
      const { toolRules } = await import('../../tools/rules.js');
      const { collectStatus, formatStatus } = await import('../../exec/status.js');
      const plan = await buildPlan(spec, { rules: toolRules, ...(flags.results ? { resultsRoot: flags.results } : {}) });
      const report = await collectStatus(plan, { ...(flags.only ? { only: flags.only } : {}), ...(flags.explain ? { explain: true } : {}) });
      if (flags.verify) {
        const { verifyDoneStages } = await import('../../exec/status.js');
        const problems = await verifyDoneStages(plan, flags.only ? { only: flags.only } : {});
        if (flags.json) process.stdout.write(`${JSON.stringify({ ...report, verify: problems }, null, 2)}\n`);
        else {
          process.stdout.write(`${formatStatus(report, flags.explain === true)}\n`);
          const bad = Object.entries(problems);
          process.stdout.write(bad.length ? bad.map(([id, p]) => `verify: ${id}: ${p.join('; ')}`).join('\n') + '\n' : 'verify: the outputs of every done stage match their completion records\n');
        }
        if (Object.keys(problems).length) process.exitCode = 1;
        return;
      }
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatStatus(report, flags.explain === true)}\n`);
    });
}
