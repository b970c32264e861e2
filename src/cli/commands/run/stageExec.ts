import type { Command } from 'commander';
import { AblateError, EXIT, UsageError } from '../../../errors.js';
import { abortOnSignals, loadRunners } from './runners.js';
import { collectValues, trackOption, trackStageRunners } from './track.js';

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
    .option('--track <tracker>', trackOption, collectValues)
    .action(async (flags: { spec: string; stage: string; results?: string; force?: boolean; runners?: string; track?: string[] }) => {
      const { buildPlan } = await import('../../../plan/build.js');
      const { toolRules } = await import('../../../tools/rules.js');
      const plan = await buildPlan(flags.spec, { rules: toolRules, ...(flags.results ? { resultsRoot: flags.results } : {}) });
      const stage = plan.stages.get(flags.stage);
      if (!stage) throw new UsageError(`stage ${flags.stage} is not in the plan of ${flags.spec} (results root ${plan.resultsRoot}); did the spec change after submission?`);
      // The controller opened the tracker runs; a job only lets its training report into them.
      const runners = await trackStageRunners(plan, flags.track, await loadRunners(flags.runners));
      const { runJobStage } = await import('../../../exec/jobStage.js');
      const ac = new AbortController();
      const detach = abortOnSignals(ac);
      // SLURM's USR1 (--signal=B:USR1@120): the time limit is near, or the job is preempted.
      let preempted = false;
      const onUsr1 = (): void => {
        preempted = true;
        ac.abort(new Error('received USR1 (time limit near or preempted): stopping to requeue'));
      };
      process.on('SIGUSR1', onUsr1);
      try {
        const out = await runJobStage({
          plan,
          stage,
          runner: runners[stage.kind],
          signal: ac.signal,
          preempted: () => preempted,
          ...(flags.force ? { force: true } : {}),
          onWaiting: (h) => process.stderr.write(`waiting: stage ${stage.id} is locked by pid ${h.pid} on ${h.host} (${h.what})\n`),
        });
        if (out.status === 'rank-done') {
          process.stdout.write(`${stage.kind} ${stage.id}: rank ${out.rank} done\n`);
          return;
        }
        if (out.status === 'failed') throw new AblateError(`${stage.kind} ${stage.id} ${out.interrupted ? 'interrupted' : 'failed'}: ${out.error}\nlog: ${out.log}`, EXIT.failed);
        process.stdout.write(`${stage.kind} ${stage.id}: ${out.status === 'done' ? `done in ${out.durationMs} ms` : out.status}\n`);
      } finally {
        process.off('SIGUSR1', onUsr1);
        detach();
      }
    });
}
