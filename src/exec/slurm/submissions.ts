/** `<results>/slurm/<experiment>.json`: which job runs (or ran) which stage. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Plan, Stage } from '../../plan/types.js';
import { isDone, readCompletion } from '../cache.js';
import { readJsonIfExists, writeFileAtomic } from '../fsutil.js';

export interface Submission {
  stage: string;
  kind: Stage['kind'];
  /** The job id, `<array job>_<index>` for an element of a job array. */
  jobId: string;
  submittedAt: string;
  dependsOn: string[];
  /** The stage's own batch script (an array element runs it through the array's script). */
  script: string;
  /** The job array's script, when the stage ran as an array element. */
  arrayScript?: string;
}

/** Every job this experiment submitted, newest last per stage. */
export interface SubmissionsFile {
  experiment: string;
  jobName: string;
  jobs: Record<string, Submission[]>;
}

export const jobNameOf = (plan: Pick<Plan, 'experiment'>): string => `ablate-${plan.experiment}`;

export function submissionsPath(plan: Pick<Plan, 'resultsRoot' | 'experiment'>): string {
  return path.join(plan.resultsRoot, 'slurm', `${plan.experiment}.json`);
}

export function readSubmissions(plan: Pick<Plan, 'resultsRoot' | 'experiment'>): SubmissionsFile {
  return readJsonIfExists<SubmissionsFile>(submissionsPath(plan)) ?? { experiment: plan.experiment, jobName: jobNameOf(plan), jobs: {} };
}

export function writeSubmissions(plan: Pick<Plan, 'resultsRoot' | 'experiment'>, file: SubmissionsFile): void {
  mkdirSync(path.dirname(submissionsPath(plan)), { recursive: true });
  writeFileAtomic(submissionsPath(plan), `${JSON.stringify(file, null, 2)}\n`);
}

export const latestJob = (file: SubmissionsFile, stageId: string): Submission | undefined => file.jobs[stageId]?.at(-1);

/** The submission of any stage by job id. */
export const submissionOfJob = (file: SubmissionsFile, jobId: string): Submission | undefined => Object.values(file.jobs).flat().find((s) => s.jobId === jobId);

/** Whether the stage's completion record was written after its latest job was submitted (that job's own record). */
export function doneSinceSubmission(stage: Pick<Stage, 'dir'>, sub: Submission): boolean {
  const finishedAt = readCompletion(stage)?.finishedAt;
  return finishedAt !== undefined && finishedAt >= sub.submittedAt;
}

/**
 * The job whose state decides where a stage stands, if any: its latest job, unless the stage's completion
 * record is newer than that job's submission. A forced stage keeps its old record until its new job
 * starts, so "done" alone must not hide that the new job is still queued.
 */
export function jobToAsk(stage: Stage, file: SubmissionsFile): string | undefined {
  const sub = latestJob(file, stage.id);
  if (!sub) return undefined;
  if (!isDone(stage)) return sub.jobId;
  return doneSinceSubmission(stage, sub) ? undefined : sub.jobId;
}

/** The lock that lets one `ablate run` (or cancel) at a time submit this experiment's jobs. */
export function submitLockDir(plan: Pick<Plan, 'resultsRoot' | 'experiment'>): string {
  return path.join(plan.resultsRoot, 'slurm', `${plan.experiment}.lock`);
}
