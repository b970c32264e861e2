/**
 * `ablate stage-exec`: one stage inside a SLURM job (or by hand). A multi-node stage runs once per node:
 * rank 0 through runStage (lock, completion record after every rank succeeded), the others only run the
 * tool. USR1 (SLURM's warning before the time limit, or a preemption) stops the stage; its checkpoints
 * stay, and rank 0 asks SLURM to requeue the job, whose next attempt resumes from them.
 */
import path from 'node:path';
import type { Plan, Stage } from '../plan/types.js';
import { STAGE_LOG } from './cache.js';
import { slurmJobIdOf } from './lock.js';
import { attemptOf, awaitRanks, rendezvousEnv, rendezvousFromSlurm, reportRankSuccess } from './ranks.js';
import { defaultSlurmCli, type SlurmCli } from './slurm/cli.js';
import { runStage, type StageOutcome } from './stage.js';
import { appendFileSync, mkdirSync } from 'node:fs';
import type { StageRunner } from './types.js';

export interface JobStageOptions {
  plan: Plan;
  stage: Stage;
  runner: StageRunner;
  force?: boolean;
  signal: AbortSignal;
  /** Aborts the stage with this reason (USR1 handler of the caller). */
  preempted: () => boolean;
  cli?: SlurmCli;
  onWaiting?: (h: { pid: number; host: string; what: string }) => void;
}

export type JobStageOutcome = StageOutcome | { status: 'rank-done'; rank: number };

export async function runJobStage(o: JobStageOptions): Promise<JobStageOutcome> {
  const env = process.env;
  const jobId = slurmJobIdOf(env);
  const cli = o.cli ?? defaultSlurmCli;
  const rdv = await rendezvousFromSlurm(o.stage, env, cli);
  const attempt = attemptOf(env);
  const stageEnv: Record<string, string> = rdv ? { ...rendezvousEnv(rdv), ABLATE_ATTEMPT: attempt } : {};
  const restarts = Number(env['SLURM_RESTART_COUNT'] ?? '0');
  if (restarts > 0 && (rdv?.rank ?? 0) === 0) {
    mkdirSync(o.stage.dir, { recursive: true });
    appendFileSync(path.join(o.stage.dir, STAGE_LOG), `[${new Date().toISOString()}] job ${jobId} requeued (attempt ${restarts + 1}): resuming\n`);
  }
  if (rdv && rdv.rank > 0) {
    // Not rank 0: no lock, no record; the tool's success is reported to rank 0 through a marker.
    await o.runner({
      stage: o.stage,
      plan: o.plan,
      workDir: o.stage.dir,
      env: stageEnv,
      signal: o.signal,
      log: (line) => appendFileSync(path.join(o.stage.dir, `ablate-stage-rank${rdv.rank}.log`), line.endsWith('\n') ? line : `${line}\n`),
      progress: () => {},
      depDir: (id) => o.plan.stages.get(id)!.dir,
      dryRun: false,
    });
    o.signal.throwIfAborted();
    reportRankSuccess(o.stage.dir, rdv.rank, attempt);
    return { status: 'rank-done', rank: rdv.rank };
  }
  const out = await runStage({
    plan: o.plan,
    stage: o.stage,
    runner: o.runner,
    // Under SLURM the job's CUDA_VISIBLE_DEVICES (from --gres) is inherited untouched.
    env: stageEnv,
    signal: o.signal,
    ...(o.force ? { force: true } : {}),
    executor: jobId ? 'slurm' : 'local',
    ...(jobId ? { jobId } : {}),
    what: jobId ? `stage-exec (job ${jobId})` : 'stage-exec',
    ...(o.onWaiting ? { onWaiting: o.onWaiting } : {}),
    ...(rdv ? { beforeRecord: () => awaitRanks(o.stage.dir, rdv, o.signal) } : {}),
  });
  if (out.status === 'failed' && out.interrupted && o.preempted() && jobId) {
    // Preempted or at the time limit: put the job back in the queue; the next attempt resumes.
    const r = await cli('scontrol', ['requeue', jobId]);
    appendFileSync(path.join(o.stage.dir, STAGE_LOG), `[${new Date().toISOString()}] USR1: ${r.exitCode === 0 ? `requeued job ${jobId}` : `scontrol requeue ${jobId} failed: ${(r.stderr || r.stdout).trim()}`}\n`);
  }
  return out;
}
