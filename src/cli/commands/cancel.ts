import type { Command } from 'commander';

export function registerCancel(program: Command): void {
  program
    .command('cancel')
    .description("cancel a spec's SLURM jobs and stop its local controllers")
    .argument('<spec>', 'experiment spec (YAML)')
    .option('--results <dir>', 'results root (default: execute.results, else results/)')
    .option('--json', 'print what was cancelled as JSON')
    .action(async (spec: string, flags: { results?: string; json?: boolean }) => {
      const { buildPlan } = await import('../../plan/build.js');
      const { toolRules } = await import('../../tools/rules.js');
      const { cancelExperiment } = await import('../../exec/controller.js');
      const { describeHolder } = await import('../../exec/lock.js');
      const plan = await buildPlan(spec, { rules: toolRules, ...(flags.results ? { resultsRoot: flags.results } : {}) });
      const r = await cancelExperiment(plan, undefined, (h) =>
        process.stderr.write(`waiting: another controller is submitting this experiment's jobs: ${describeHolder(h)}\n`),
      );
      if (flags.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else {
        process.stdout.write(
          `${r.slurmJobs.length ? `cancelled SLURM job(s) ${r.slurmJobs.join(' ')}` : 'no queued or running SLURM jobs'}; ` +
            `${r.localControllers.length ? `asked local controller(s) ${r.localControllers.join(' ')} to stop` : 'no local controller running'}\n`,
        );
      }
    });
}
