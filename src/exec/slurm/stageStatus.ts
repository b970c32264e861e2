/** Where a SLURM-submitted stage stands: completion records first, then the job's state. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Stage } from '../../plan/types.js';
import { isDone, readFailure } from '../cache.js';
import type { StageState } from '../types.js';
import { SLURM_ACTIVE_STATES, SLURM_FAILURE_STATES } from './cli.js';
import { GONE, type JobState } from './query.js';
import { submissionOfJob, type Submission, type SubmissionsFile } from './submissions.js';

export interface StageStatus {
  state: StageState;
  reason?: string;
  log?: string;
  jobId?: string;
}

const upstreamOf = (sub: Submission | undefined, file: SubmissionsFile): Submission[] =>
  (sub?.dependsOn ?? []).map((dj) => submissionOfJob(file, dj)).filter((s): s is Submission => s !== undefined);

const requeued = (job: JobState): string => (job.restarts ? `, requeued ${job.restarts}×` : '');

export function slurmStageStatus(stage: Stage, sub: Submission | undefined, job: JobState | undefined, file: SubmissionsFile): StageStatus {
  const jobId = sub?.jobId;
  const withJob = jobId ? { jobId } : {};
  const active = job && SLURM_ACTIVE_STATES.has(job.state);
  if (isDone(stage) && !active) return { state: 'done', ...withJob };
  if (job && active) {
    if (job.state === 'PENDING') return { state: 'submitted', reason: `job ${jobId} pending (${job.reason}${requeued(job)})`, ...withJob };
    return { state: 'running', reason: `job ${jobId} ${job.state.toLowerCase()}${job.restarts ? ` (requeued ${job.restarts}×)` : ''}`, ...withJob };
  }
  const failure = readFailure(stage);
  const slurmLog = jobId ? path.join(stage.dir, `ablate-slurm-${jobId}.out`) : undefined;
  const log = failure?.log ?? (slurmLog && existsSync(slurmLog) ? slurmLog : undefined);
  const withLog = log ? { log } : {};
  if (job && (SLURM_FAILURE_STATES.has(job.state) || job.reason === 'DependencyNeverSatisfied')) {
    if (job.reason === 'DependencyNeverSatisfied' && !failure) {
      const upstream = upstreamOf(sub, file);
      const who = upstream.length ? upstream.map((u) => `${u.kind} ${u.stage} (job ${u.jobId})`).join(', ') : 'an upstream job';
      return { state: 'skipped', reason: `job ${jobId} cancelled by SLURM: its dependency never succeeded: ${who}`, ...withJob };
    }
    return { state: 'failed', reason: `job ${jobId} ${job.state}${job.reason && job.reason !== 'None' ? ` (${job.reason})` : ''}${failure ? `: ${failure.error.split('\n')[0]}` : ''}`, ...withJob, ...withLog };
  }
  if (job && job.state === 'COMPLETED') return { state: 'failed', reason: `job ${jobId} completed without writing a completion record`, ...withJob, ...withLog };
  if (failure) return { state: 'failed', reason: failure.error.split('\n')[0] ?? '', ...withJob, log: failure.log };
  if (job?.state === GONE) {
    // Without accounting SLURM forgets a job MinJobAge after it ends; a successful job would have written
    // its completion record, so a gone job without one did not succeed (or never ran, if its upstream failed).
    const unfinished = upstreamOf(sub, file).filter((u) => !isDone({ dir: path.dirname(u.script) }));
    if (unfinished.length) {
      return { state: 'skipped', reason: `job ${jobId} ended without running: its dependency never succeeded: ${unfinished.map((u) => `${u.kind} ${u.stage} (job ${u.jobId})`).join(', ')}`, ...withJob };
    }
    return { state: 'failed', reason: `job ${jobId} left the queue without writing a completion record (cancelled, killed, out of memory or out of time; SLURM no longer says which)`, ...withJob, ...withLog };
  }
  return { state: 'pending', ...withJob };
}
