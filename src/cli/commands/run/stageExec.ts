import type { Command } from 'commander';
import { AblateError, EXIT, UsageError } from '../../../errors.js';
import { abortOnSignals, loadRunners } from './runners.js';

/** `stage-exec` (hidden): what a SLURM job runs, one stage of a spec in this process. */
export function registerStageExec(program: Command): void {
  program
    .command('stage-exec', { hidden: true })
    .description('Run exactly one stage of a spec in this process and write its completion record (what SLURM jobs run).')
    .requiredOption('--spec <file>', 'experiment spec')
    .requiredOption('--stage <id>', 'stage id')
    .option('--results <dir>', 'results root')
    .option('--force', 'redo the stage even when done')
    .option('--runners <module>', 'module with stage runners (tests)')
    .action(async (flags: { spec: string; stage: string; results?: string; force?: boolean; runners?: string }) => {
      const { buildPlan } = await import('../../../plan/build.js');
      const { runStage } = await import('../../../exec/stage.js');
      const plan = await buildPlan(flags.spec, flags.results ? { resultsRoot: flags.results } : {});
      const stage = plan.stages.get(flags.stage);
      if (!stage) throw new UsageError(`stage ${flags.stage} is not in the plan of ${flags.spec} (results root ${plan.resultsRoot}); did the spec change after submission?`);
      const runners = await loadRunners(flags.runners);
      const jobId = process.env['SLURM_JOB_ID'];
      const ac = new AbortController();
      const detach = abortOnSignals(ac);
      try {
        const out = await runStage({
          plan,
          stage,
          runner: runners[stage.kind],
          // Under SLURM the job's CUDA_VISIBLE_DEVICES (from --gres) is inherited untouched.
          env: {},
          signal: ac.signal,
          ...(flags.force ? { force: true } : {}),
          executor: jobId ? 'slurm' : 'local',
          ...(jobId ? { jobId } : {}),
          what: jobId ? `stage-exec (job ${jobId})` : 'stage-exec',
          onWaiting: (h) => process.stderr.write(`waiting: stage ${stage.id} is locked by pid ${h.pid} on ${h.host} (${h.what})\n`),
        });
        if (out.status === 'failed') throw new AblateError(`${stage.kind} ${stage.id} ${out.interrupted ? 'interrupted' : 'failed'}: ${out.error}\nlog: ${out.log}`, EXIT.failed);
        process.stdout.write(`${stage.kind} ${stage.id}: ${out.status === 'done' ? `done in ${out.durationMs} ms` : out.status}\n`);
      } finally {
        detach();
      }
    });
}
