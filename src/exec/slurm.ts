import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { Plan, Stage } from '../plan/types.js';
import { isDone, readFailure } from './cache.js';
import { readJsonIfExists, writeFileAtomic } from './fsutil.js';
import { selectStages, type Selection } from './graph.js';
import { lockStage } from './lock.js';
import type { ExecEvent, ExecSummary, SlurmSettings, StageState } from './types.js';

/** States a job ends in without success (as SLURM names them). */
export const SLURM_FAILURE_STATES = new Set(['BOOT_FAIL', 'CANCELLED', 'DEADLINE', 'FAILED', 'NODE_FAIL', 'OUT_OF_MEMORY', 'TIMEOUT', 'PREEMPTED', 'REVOKED']);
/** States of a job that is still queued or running: such a stage is never submitted again. */
export const SLURM_ACTIVE_STATES = new Set(['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'RESIZING', 'SUSPENDED', 'SIGNALING', 'STAGE_OUT', 'STOPPED', 'RESV_DEL_HOLD']);
/** The batch script of a stage, in its folder. */
export const SBATCH_SCRIPT = 'ablate-slurm.sh';

/** Runs a SLURM command (argument array); injectable so tests can stand in for a cluster. */
export type SlurmCli = (cmd: 'sbatch' | 'squeue' | 'scontrol' | 'scancel', args: string[]) => Promise<{ stdout: string; stderr: string; exitCode: number }>;

/** Exit code the CLI runner reports when the SLURM command itself is not installed. */
export const SLURM_MISSING = 127;

export const defaultSlurmCli: SlurmCli = async (cmd, args) => {
  const r = await execa(cmd, args, { reject: false, stdin: 'ignore', timeout: 120_000 });
  if (r.failed && r.exitCode === undefined && /ENOENT/.test(String(r.message))) return { stdout: '', stderr: `${cmd}: command not found`, exitCode: SLURM_MISSING };
  return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? (r.failed ? 1 : 0) };
};

export class SlurmUnavailableError extends Error {
  constructor(cmd: string) {
    super(`${cmd} is not installed or not on PATH: the SLURM executor needs the SLURM client commands (sbatch, squeue, scontrol, scancel) on this machine`);
    this.name = 'SlurmUnavailableError';
  }
}

export interface Submission {
  stage: string;
  kind: Stage['kind'];
  jobId: string;
  submittedAt: string;
  dependsOn: string[];
  script: string;
}

/** `<results>/slurm/<experiment>.json`: every job this experiment submitted, newest last per stage. */
export interface SubmissionsFile {
  experiment: string;
  jobName: string;
  jobs: Record<string, Submission[]>;
}

export interface JobState {
  state: string;
  reason: string;
}

export const jobNameOf = (plan: Pick<Plan, 'experiment'>): string => `ablate-${plan.experiment}`;

export function submissionsPath(plan: Pick<Plan, 'resultsRoot' | 'experiment'>): string {
  return path.join(plan.resultsRoot, 'slurm', `${plan.experiment}.json`);
}

export function readSubmissions(plan: Pick<Plan, 'resultsRoot' | 'experiment'>): SubmissionsFile {
  return readJsonIfExists<SubmissionsFile>(submissionsPath(plan)) ?? { experiment: plan.experiment, jobName: jobNameOf(plan), jobs: {} };
}

function writeSubmissions(plan: Plan, file: SubmissionsFile): void {
  mkdirSync(path.dirname(submissionsPath(plan)), { recursive: true });
  writeFileAtomic(submissionsPath(plan), `${JSON.stringify(file, null, 2)}\n`);
}

export const latestJob = (file: SubmissionsFile, stageId: string): Submission | undefined => file.jobs[stageId]?.at(-1);

/** POSIX shell single-quoting: the script runs exactly this argument array. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `gres: gpu:a100` (or `gpu:a100:8`) → the GPU type for per-stage requests; other gres verbatim. */
function gresFor(stage: Stage, s: SlurmSettings): string | undefined {
  if (stage.gpus <= 0) return undefined;
  const gres = s.gres?.trim();
  if (!gres) return `gpu:${stage.gpus}`;
  const m = /^gpu(?::([A-Za-z][\w.-]*))?(?::\d+)?$/.exec(gres);
  if (m) return m[1] ? `gpu:${m[1]}:${stage.gpus}` : `gpu:${stage.gpus}`;
  return gres;
}

/** The path of bin/ablate.js of this installation (dist/exec/slurm.js → bin/ablate.js). */
export function ablateBin(): string {
  return fileURLToPath(new URL('../../bin/ablate.js', import.meta.url));
}

/** The command a job runs: this very ablate, executing exactly one stage in-process. */
export function defaultJobCommand(plan: Plan, stage: Stage, forced: boolean): string[] {
  return [process.execPath, ablateBin(), 'stage-exec', '--spec', plan.specFile, '--stage', stage.id, '--results', plan.resultsRoot, ...(forced ? ['--force'] : [])];
}

/** Pure: the sbatch script of one stage. */
export function sbatchScript(plan: Plan, stage: Stage, settings: SlurmSettings, command: string[]): string {
  const d: string[] = [
    `--job-name=${jobNameOf(plan)}`,
    `--comment=${[stage.kind, stage.id, ...stage.runs.slice(0, 1)].join('/')}`,
    `--output=${path.join(stage.dir, 'ablate-slurm-%j.out')}`,
    `--error=${path.join(stage.dir, 'ablate-slurm-%j.out')}`,
  ];
  if (settings.partition) d.push(`--partition=${settings.partition}`);
  if (settings.time) d.push(`--time=${settings.time}`);
  const gres = gresFor(stage, settings);
  if (gres) d.push(`--gres=${gres}`);
  if (settings.cpus_per_task) d.push(`--cpus-per-task=${settings.cpus_per_task}`);
  if (settings.mem) d.push(`--mem=${settings.mem}`);
  if (settings.account) d.push(`--account=${settings.account}`);
  if (settings.qos) d.push(`--qos=${settings.qos}`);
  for (const x of settings.directives ?? []) d.push(x);
  return [
    '#!/bin/bash',
    ...d.map((x) => `#SBATCH ${x}`),
    `# ablate ${stage.kind} stage ${stage.id} of experiment ${plan.experiment}; runs: ${stage.runs.join(' ')}`,
    'set -eo pipefail',
    ...(settings.setup ?? []),
    `cd ${shellQuote(plan.specDir)}`,
    `exec ${command.map(shellQuote).join(' ')}`,
    '',
  ].join('\n');
}

/** One squeue call for the whole sweep (by job name), then `scontrol show job` for ids squeue no longer lists. */
export async function queryJobStates(cli: SlurmCli, jobName: string, jobIds: string[]): Promise<Map<string, JobState>> {
  const states = new Map<string, JobState>();
  if (jobIds.length === 0) return states;
  const q = await cli('squeue', ['--noheader', '--states=all', `--name=${jobName}`, '--format=%i|%T|%r']);
  if (q.exitCode === SLURM_MISSING) throw new SlurmUnavailableError('squeue');
  if (q.exitCode === 0) {
    for (const line of q.stdout.split('\n')) {
      const [id, state, reason] = line.trim().split('|');
      if (id && state) states.set(id, { state, reason: reason ?? '' });
    }
  }
  for (const id of jobIds) {
    if (states.has(id)) continue;
    const s = await cli('scontrol', ['show', 'job', id]);
    const state = /JobState=(\S+)/.exec(s.stdout)?.[1];
    if (s.exitCode === 0 && state) states.set(id, { state, reason: /Reason=(\S+)/.exec(s.stdout)?.[1] ?? '' });
    else states.set(id, { state: 'GONE', reason: 'the job left the queue; its completion record decides' });
  }
  return states;
}

export interface StageStatus {
  state: StageState;
  reason?: string;
  log?: string;
  jobId?: string;
}

/** Where a SLURM-submitted stage stands: completion records first, then the job's state. */
export function slurmStageStatus(stage: Stage, sub: Submission | undefined, job: JobState | undefined, file: SubmissionsFile): StageStatus {
  const jobId = sub?.jobId;
  const withJob = jobId ? { jobId } : {};
  const active = job && SLURM_ACTIVE_STATES.has(job.state);
  if (isDone(stage) && !active) return { state: 'done', ...withJob };
  if (job && active) {
    if (job.state === 'PENDING') return { state: 'submitted', reason: `job ${jobId} pending (${job.reason})`, ...withJob };
    return { state: 'running', reason: `job ${jobId} ${job.state.toLowerCase()}`, ...withJob };
  }
  const failure = readFailure(stage);
  const slurmLog = jobId ? path.join(stage.dir, `ablate-slurm-${jobId}.out`) : undefined;
  const log = failure?.log ?? (slurmLog && existsSync(slurmLog) ? slurmLog : undefined);
  const withLog = log ? { log } : {};
  if (job && (SLURM_FAILURE_STATES.has(job.state) || job.reason === 'DependencyNeverSatisfied')) {
    if (job.reason === 'DependencyNeverSatisfied' && !failure) {
      const upstream = sub?.dependsOn.map((dj) => Object.values(file.jobs).flat().find((s) => s.jobId === dj)).filter((s): s is Submission => s !== undefined);
      const who = upstream?.length ? upstream.map((u) => `${u.kind} ${u.stage} (job ${u.jobId})`).join(', ') : 'an upstream job';
      return { state: 'skipped', reason: `job ${jobId} cancelled by SLURM: its dependency never succeeded: ${who}`, ...withJob };
    }
    return { state: 'failed', reason: `job ${jobId} ${job.state}${job.reason && job.reason !== 'None' ? ` (${job.reason})` : ''}${failure ? `: ${failure.error.split('\n')[0]}` : ''}`, ...withJob, ...withLog };
  }
  if (job && job.state === 'COMPLETED') return { state: 'failed', reason: `job ${jobId} completed without writing a completion record`, ...withJob, ...withLog };
  if (failure) return { state: 'failed', reason: failure.error.split('\n')[0] ?? '', ...withJob, log: failure.log };
  return { state: 'pending', ...withJob };
}

export interface SlurmOptions extends Selection {
  settings?: SlurmSettings;
  cli?: SlurmCli;
  /** Submit and return, leaving the chain to the cluster. */
  detach?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: ExecEvent) => void;
  /** First poll interval; grows ×1.5 while nothing changes, up to maxPollMs. */
  pollMs?: number;
  maxPollMs?: number;
  jobCommand?: (plan: Plan, stage: Stage, forced: boolean) => string[];
  dryRun?: boolean;
}

const now = (): string => new Date().toISOString();

/**
 * Submits every selected stage that is neither done nor already queued, chained with
 * afterok dependencies, then (unless detached) follows the jobs until they all end.
 */
export async function executeSlurm(plan: Plan, opts: SlurmOptions = {}): Promise<ExecSummary> {
  const t0 = Date.now();
  const emit = (e: ExecEvent): void => opts.onEvent?.(e);
  const cli = opts.cli ?? defaultSlurmCli;
  const settings = opts.settings ?? {};
  const sel = selectStages(plan, opts);
  const jobCommand = opts.jobCommand ?? defaultJobCommand;
  const jobName = jobNameOf(plan);
  const failures: ExecSummary['failures'] = [];

  let submittedCount = 0;
  const initiallyDone = sel.stages.filter((s) => !sel.forced.has(s.id) && isDone(s));
  emit({ type: 'plan', time: now(), executor: 'slurm', runs: sel.runs.length, stages: sel.stages.length, cached: initiallyDone.length, toRun: sel.stages.length - initiallyDone.length });

  // One submitter per experiment at a time, so two `ablate run`s never submit the same stage twice.
  const lockDir = path.join(plan.resultsRoot, 'slurm', `${plan.experiment}.lock`);
  const lock = await lockStage(lockDir, 'ablate run (slurm submit)', { ...(opts.signal ? { signal: opts.signal } : {}) });
  let file: SubmissionsFile;
  try {
    file = readSubmissions(plan);
    // squeue lists every job of the sweep; scontrol is asked only about stages not yet done.
    const known = sel.stages.filter((s) => sel.forced.has(s.id) || !isDone(s)).map((s) => latestJob(file, s.id)?.jobId).filter((j): j is string => j !== undefined);
    const states = await queryJobStates(cli, jobName, known);
    const jobOf = new Map<string, string>();
    for (const s of sel.stages) {
      const forced = sel.forced.has(s.id);
      const sub = latestJob(file, s.id);
      const st = sub ? states.get(sub.jobId) : undefined;
      if (sub && st && SLURM_ACTIVE_STATES.has(st.state)) {
        jobOf.set(s.id, sub.jobId);
        emit({ type: 'stage-submitted', time: now(), id: s.id, kind: s.kind, jobId: sub.jobId, reused: true });
        continue;
      }
      if (!forced && isDone(s)) {
        emit({ type: 'stage-done', time: now(), id: s.id, kind: s.kind, cached: true, durationMs: 0 });
        continue;
      }
      const depJobs = s.deps.map((d) => jobOf.get(d)).filter((j): j is string => j !== undefined);
      const blocked = s.deps.find((d) => !jobOf.has(d) && !isDone(plan.stages.get(d)!));
      if (blocked) {
        // Its upstream could not be submitted: submitting it would only run it before its inputs exist.
        emit({ type: 'stage-skipped', time: now(), id: s.id, kind: s.kind, reason: `upstream ${plan.stages.get(blocked)!.kind} ${blocked} was not submitted` });
        continue;
      }
      const script = sbatchScript(plan, s, settings, jobCommand(plan, s, forced));
      const scriptPath = path.join(s.dir, SBATCH_SCRIPT);
      mkdirSync(s.dir, { recursive: true });
      writeFileAtomic(scriptPath, script);
      if (opts.dryRun) {
        // The script is written for inspection; a placeholder id lets dependents show their chain.
        jobOf.set(s.id, `dry-${s.id.slice(0, 8)}`);
        emit({ type: 'stage-submitted', time: now(), id: s.id, kind: s.kind, jobId: `(dry run) ${scriptPath}`, reused: false });
        continue;
      }
      const args = ['--parsable', ...(depJobs.length ? [`--dependency=afterok:${depJobs.join(':')}`, '--kill-on-invalid-dep=yes'] : []), scriptPath];
      if (s.gpus > 0 && settings.gpus_per_node !== undefined && s.gpus > settings.gpus_per_node) {
        const error = `${s.kind} ${s.id} needs ${s.gpus} GPU(s) but execute.slurm.gpus_per_node is ${settings.gpus_per_node}; lower the stage's gpus or raise gpus_per_node`;
        failures.push({ id: s.id, kind: s.kind, error });
        emit({ type: 'stage-failed', time: now(), id: s.id, kind: s.kind, error });
        continue;
      }
      const r = await cli('sbatch', args);
      if (r.exitCode === SLURM_MISSING) throw new SlurmUnavailableError('sbatch');
      const jobId = r.stdout.trim().split(';')[0] ?? '';
      if (r.exitCode !== 0 || !/^\d+(_\d+)?$/.test(jobId)) {
        const error = `sbatch failed for ${s.kind} ${s.id}: ${(r.stderr || r.stdout).trim()}`;
        failures.push({ id: s.id, kind: s.kind, error, log: scriptPath });
        emit({ type: 'stage-failed', time: now(), id: s.id, kind: s.kind, error, log: scriptPath });
        continue; // its dependents find no job for it and stay unsubmitted
      }
      jobOf.set(s.id, jobId);
      submittedCount++;
      (file.jobs[s.id] ??= []).push({ stage: s.id, kind: s.kind, jobId, submittedAt: now(), dependsOn: depJobs, script: scriptPath });
      writeSubmissions(plan, file);
      emit({ type: 'stage-submitted', time: now(), id: s.id, kind: s.kind, jobId, reused: false });
    }
  } finally {
    lock.release();
  }

  const finalStates = opts.detach || opts.dryRun ? await snapshot(plan, sel.stages, cli, file) : await follow(plan, sel.stages, cli, file, opts, emit);
  for (const [id, st] of finalStates) {
    if (st.state === 'failed' && !failures.some((f) => f.id === id)) {
      const s = plan.stages.get(id)!;
      failures.push({ id, kind: s.kind, error: st.reason ?? 'failed', ...(st.log ? { log: st.log } : {}) });
    }
  }
  const rank: Record<StageState, number> = { failed: 5, skipped: 4, running: 3, submitted: 2, pending: 1, done: 0 };
  const runs = sel.runs.map((r) => {
    let worst: StageState = 'done';
    for (const id of r.stages) {
      const st = finalStates.get(id)?.state;
      if (st && rank[st] > rank[worst]) worst = st;
    }
    return { id: r.id, name: r.name, state: worst };
  });
  const count = (x: StageState): number => [...finalStates.values()].filter((v) => v.state === x).length;
  const summary: ExecSummary = {
    executor: 'slurm',
    durationMs: Date.now() - t0,
    ran: opts.detach ? 0 : count('done') - initiallyDone.length,
    cached: initiallyDone.length,
    failed: failures.length,
    skipped: count('skipped'),
    submitted: submittedCount,
    interrupted: opts.signal?.aborted === true,
    runs,
    failures,
  };
  emit({ type: 'summary', time: now(), summary });
  return summary;
}

async function snapshot(plan: Plan, stages: Stage[], cli: SlurmCli, file: SubmissionsFile): Promise<Map<string, StageStatus>> {
  const ids = stages.filter((s) => !isDone(s)).map((s) => latestJob(file, s.id)?.jobId).filter((j): j is string => j !== undefined);
  const states = await queryJobStates(cli, jobNameOf(plan), ids);
  const out = new Map<string, StageStatus>();
  for (const s of stages) {
    const sub = latestJob(file, s.id);
    out.set(s.id, slurmStageStatus(s, sub, sub ? states.get(sub.jobId) : undefined, file));
  }
  return out;
}

const terminal = (st: StageState): boolean => st === 'done' || st === 'failed' || st === 'skipped' || st === 'pending';

/** Polls until every selected stage ended, emitting transitions; Ctrl-C stops watching, not the jobs. */
async function follow(plan: Plan, stages: Stage[], cli: SlurmCli, file: SubmissionsFile, opts: SlurmOptions, emit: (e: ExecEvent) => void): Promise<Map<string, StageStatus>> {
  const minPoll = opts.pollMs ?? 5_000;
  const maxPoll = opts.maxPollMs ?? 120_000;
  let interval = minPoll;
  const seen = new Map<string, StageState>();
  const started = new Map<string, number>();
  for (;;) {
    const cur = await snapshot(plan, stages, cli, file);
    let changed = false;
    for (const s of stages) {
      const st = cur.get(s.id)!;
      const before = seen.get(s.id);
      if (before === st.state) continue;
      seen.set(s.id, st.state);
      if (before === undefined && st.state === 'done') continue;
      changed = true;
      if (st.state === 'running') {
        started.set(s.id, Date.now());
        emit({ type: 'stage-start', time: now(), id: s.id, kind: s.kind, runs: s.runs, gpus: [] });
      } else if (st.state === 'done') emit({ type: 'stage-done', time: now(), id: s.id, kind: s.kind, cached: false, durationMs: Date.now() - (started.get(s.id) ?? Date.now()) });
      else if (st.state === 'failed') emit({ type: 'stage-failed', time: now(), id: s.id, kind: s.kind, error: st.reason ?? 'failed', ...(st.log ? { log: st.log } : {}) });
      else if (st.state === 'skipped') emit({ type: 'stage-skipped', time: now(), id: s.id, kind: s.kind, reason: st.reason ?? '' });
    }
    if ([...cur.values()].every((st) => terminal(st.state))) return cur;
    if (opts.signal?.aborted) return cur;
    interval = changed ? minPoll : Math.min(maxPoll, Math.round(interval * 1.5));
    try {
      await sleep(interval, undefined, opts.signal ? { signal: opts.signal } : undefined);
    } catch {
      return cur;
    }
  }
}

/** `ablate cancel`: scancel every queued or running job of the experiment. Returns the cancelled ids. */
export async function cancelSlurm(plan: Plan, cli: SlurmCli = defaultSlurmCli): Promise<string[]> {
  const file = readSubmissions(plan);
  const ids = [...new Set(Object.values(file.jobs).flat().map((s) => s.jobId))];
  const states = await queryJobStates(cli, file.jobName, ids);
  const active = ids.filter((id) => SLURM_ACTIVE_STATES.has(states.get(id)?.state ?? ''));
  if (active.length) {
    const r = await cli('scancel', active);
    if (r.exitCode !== 0) throw new Error(`scancel failed: ${r.stderr.trim()}`);
  }
  return active;
}
