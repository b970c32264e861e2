import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { AblateError, EXIT } from '../errors.js';
import type { Plan, Stage } from '../plan/types.js';
import { isDone, readCompletion, readFailure } from './cache.js';
import { readJsonIfExists, writeFileAtomic } from './fsutil.js';
import { selectStages, type Selection } from './graph.js';
import { describeHolder, lockStage, type LockHolder } from './lock.js';
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

/**
 * squeue or scontrol answered with an error (slurmctld down, a socket timeout). The job states are then
 * unknown: treating the jobs as gone would resubmit every queued stage, so callers must not guess.
 */
export class SlurmQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlurmQueryError';
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
  /** The job's batch script (squeue %o): tells which stage folder an unrecorded job of the sweep belongs to. */
  script?: string;
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

/**
 * The job whose state decides where a stage stands, if any: its latest job, unless the stage's completion
 * record is newer than that job's submission. A forced stage keeps its old record until its new job
 * starts, so "done" alone must not hide that the new job is still queued.
 */
export function jobToAsk(stage: Stage, file: SubmissionsFile): string | undefined {
  const sub = latestJob(file, stage.id);
  if (!sub) return undefined;
  if (!isDone(stage)) return sub.jobId;
  const finishedAt = readCompletion(stage)?.finishedAt;
  return finishedAt !== undefined && finishedAt < sub.submittedAt ? sub.jobId : undefined;
}

/** POSIX shell single-quoting: the script runs exactly this argument array. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

const SBATCH_PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One `#SBATCH` option as sbatch's own parser reads it: double-quoted (with \\ and \" escaped) unless
 * plain, so a space, `#` or quote in a value stays inside that option instead of starting another one or
 * a comment. A line break would end the comment line and put the rest into the script as shell: refused.
 */
export function sbatchDirective(option: string, field: string): string {
  if (/[\r\n\0]/.test(option)) {
    throw new AblateError(`${field}: ${JSON.stringify(option)} holds a line break; an sbatch option must be one line`, EXIT.usage);
  }
  return SBATCH_PLAIN.test(option) ? option : `"${option.replace(/[\\"]/g, '\\$&')}"`;
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
    sbatchDirective(`--job-name=${jobNameOf(plan)}`, 'name'),
    sbatchDirective(`--comment=${[stage.kind, stage.id, ...stage.runs.slice(0, 1)].join('/')}`, 'stage'),
    sbatchDirective(`--output=${path.join(stage.dir, 'ablate-slurm-%j.out')}`, 'execute.results'),
    sbatchDirective(`--error=${path.join(stage.dir, 'ablate-slurm-%j.out')}`, 'execute.results'),
  ];
  const add = (field: keyof SlurmSettings, option: string): void => void d.push(sbatchDirective(option, `execute.slurm.${field}`));
  if (settings.partition) add('partition', `--partition=${settings.partition}`);
  if (settings.time) add('time', `--time=${settings.time}`);
  const gres = gresFor(stage, settings);
  if (gres) add('gres', `--gres=${gres}`);
  if (settings.cpus_per_task) add('cpus_per_task', `--cpus-per-task=${settings.cpus_per_task}`);
  if (settings.mem) add('mem', `--mem=${settings.mem}`);
  if (settings.account) add('account', `--account=${settings.account}`);
  if (settings.qos) add('qos', `--qos=${settings.qos}`);
  for (const x of settings.directives ?? []) add('directives', x);
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

export interface QueryOptions {
  /** Ask squeue even when no job id is known (to find jobs submitted but never recorded). */
  listAlways?: boolean;
  /** Jobs already found GONE: SLURM does not bring them back, so scontrol is not asked about them again. */
  settled?: Map<string, JobState>;
}

/** The state a job that neither squeue nor scontrol knows any more is reported in. */
export const GONE = 'GONE';

/**
 * One squeue call for the whole sweep (by job name), then `scontrol show job` for ids squeue no longer
 * lists. A job is reported GONE only when scontrol says it does not know it; any other error of either
 * command throws SlurmQueryError, since "unknown" must never read as "ended".
 */
export async function queryJobStates(cli: SlurmCli, jobName: string, jobIds: string[], o: QueryOptions = {}): Promise<Map<string, JobState>> {
  const states = new Map<string, JobState>();
  const open = jobIds.filter((id) => !o.settled?.has(id));
  if (open.length === 0 && !o.listAlways) {
    for (const id of jobIds) states.set(id, o.settled!.get(id)!);
    return states;
  }
  // %k (our comment) has no '|'; the script path (%o) goes last, so a '|' in it cannot shift the fields.
  const q = await cli('squeue', ['--noheader', '--states=all', `--name=${jobName}`, '--format=%i|%T|%r|%k|%o']);
  if (q.exitCode === SLURM_MISSING) throw new SlurmUnavailableError('squeue');
  if (q.exitCode !== 0) throw new SlurmQueryError(`squeue failed (exit ${q.exitCode}): ${(q.stderr || q.stdout).trim()}`);
  for (const line of q.stdout.split('\n')) {
    const [id, state, reason, , ...script] = line.trim().split('|');
    if (id && state) states.set(id, { state, reason: reason ?? '', ...(script.length ? { script: script.join('|') } : {}) });
  }
  for (const id of jobIds) {
    if (states.has(id)) continue;
    const known = o.settled?.get(id);
    if (known) {
      states.set(id, known);
      continue;
    }
    const s = await cli('scontrol', ['show', 'job', id]);
    if (s.exitCode === SLURM_MISSING) throw new SlurmUnavailableError('scontrol');
    const state = /JobState=(\S+)/.exec(s.stdout)?.[1];
    if (s.exitCode === 0 && state) states.set(id, { state, reason: /Reason=(\S+)/.exec(s.stdout)?.[1] ?? '' });
    else if (/invalid job id/i.test(`${s.stderr}\n${s.stdout}`)) states.set(id, { state: GONE, reason: 'the job left the queue; its completion record decides' });
    else throw new SlurmQueryError(`scontrol show job ${id} failed (exit ${s.exitCode}): ${(s.stderr || s.stdout).trim()}`);
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
  if (job?.state === GONE) {
    // Without accounting SLURM forgets a job MinJobAge after it ends; a successful job would have written
    // its completion record, so a gone job without one did not succeed (or never ran, if its upstream failed).
    const upstream = (sub?.dependsOn ?? []).map((dj) => Object.values(file.jobs).flat().find((x) => x.jobId === dj)).filter((x): x is Submission => x !== undefined);
    const unfinished = upstream.filter((u) => !isDone({ dir: path.dirname(u.script) }));
    if (unfinished.length) {
      return { state: 'skipped', reason: `job ${jobId} ended without running: its dependency never succeeded: ${unfinished.map((u) => `${u.kind} ${u.stage} (job ${u.jobId})`).join(', ')}`, ...withJob };
    }
    return { state: 'failed', reason: `job ${jobId} left the queue without writing a completion record (cancelled, killed, out of memory or out of time; SLURM no longer says which)`, ...withJob, ...withLog };
  }
  return { state: 'pending', ...withJob };
}

export interface SlurmOptions extends Selection {
  settings?: SlurmSettings;
  cli?: SlurmCli;
  /** Submit and return, leaving the chain to the cluster. */
  detach?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: ExecEvent) => void;
  /** First poll interval (default 40 s); grows ×1.5 while nothing changes, up to maxPollMs. */
  pollMs?: number;
  /** Longest poll interval (default 180 s, or 4.5 × a shorter pollMs). */
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
  const lock = await lockStage(lockDir, 'ablate run (slurm submit)', {
    ...(opts.signal ? { signal: opts.signal } : {}),
    onWait: (h) => emit({ type: 'waiting', time: now(), lock: `the SLURM submissions of ${plan.experiment}`, holder: describeHolder(h) }),
  });
  let file: SubmissionsFile;
  try {
    file = readSubmissions(plan);
    // squeue lists every job of the sweep; scontrol is asked only about stages not yet done.
    const open = sel.stages.filter((s) => sel.forced.has(s.id) || !isDone(s));
    const known = open.map((s) => latestJob(file, s.id)?.jobId).filter((j): j is string => j !== undefined);
    const states = await queryJobStates(cli, jobName, known, { listAlways: open.length > 0 });
    const recorded = new Set(Object.values(file.jobs).flat().map((j) => j.jobId));
    const jobOf = new Map<string, string>();
    for (const s of sel.stages) {
      const forced = sel.forced.has(s.id);
      const scriptPath = path.join(s.dir, SBATCH_SCRIPT);
      const sub = latestJob(file, s.id);
      const st = sub ? states.get(sub.jobId) : undefined;
      if (sub && st && SLURM_ACTIVE_STATES.has(st.state)) {
        jobOf.set(s.id, sub.jobId);
        emit({ type: 'stage-submitted', time: now(), id: s.id, kind: s.kind, jobId: sub.jobId, reused: true });
        continue;
      }
      // A controller killed between sbatch and recording the job left it queued but unrecorded: adopt it
      // (squeue names its script, which lives in the stage folder) instead of submitting a duplicate.
      const orphan = [...states]
        .filter(([id, x]) => !recorded.has(id) && x.script === scriptPath && SLURM_ACTIVE_STATES.has(x.state))
        .sort(([a], [b]) => Number.parseInt(b, 10) - Number.parseInt(a, 10))[0];
      if (orphan && !opts.dryRun) {
        const [jobId] = orphan;
        jobOf.set(s.id, jobId);
        recorded.add(jobId);
        (file.jobs[s.id] ??= []).push({ stage: s.id, kind: s.kind, jobId, submittedAt: now(), dependsOn: [], script: scriptPath });
        writeSubmissions(plan, file);
        emit({ type: 'stage-submitted', time: now(), id: s.id, kind: s.kind, jobId, reused: true });
        continue;
      }
      if (!forced && isDone(s)) {
        emit({ type: 'stage-done', time: now(), id: s.id, kind: s.kind, cached: true, durationMs: 0 });
        continue;
      }
      const depJobs = s.deps.map((d) => jobOf.get(d)).filter((j): j is string => j !== undefined);
      // A forced upstream is about to be redone: without its job to wait for, its old output must not be used.
      const blocked = s.deps.find((d) => !jobOf.has(d) && (sel.forced.has(d) || !isDone(plan.stages.get(d)!)));
      if (blocked) {
        // Its upstream could not be submitted: submitting it would only run it before its inputs exist.
        emit({ type: 'stage-skipped', time: now(), id: s.id, kind: s.kind, reason: `upstream ${plan.stages.get(blocked)!.kind} ${blocked} was not submitted` });
        continue;
      }
      const script = sbatchScript(plan, s, settings, jobCommand(plan, s, forced));
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

async function snapshot(plan: Plan, stages: Stage[], cli: SlurmCli, file: SubmissionsFile, settled?: Map<string, JobState>): Promise<Map<string, StageStatus>> {
  const ids = stages.map((s) => jobToAsk(s, file)).filter((j): j is string => j !== undefined);
  const states = await queryJobStates(cli, jobNameOf(plan), ids, settled ? { settled } : {});
  // SLURM never brings a forgotten job back: scontrol need not be asked about it on every later poll.
  if (settled) for (const [id, st] of states) if (st.state === GONE) settled.set(id, st);
  const out = new Map<string, StageStatus>();
  for (const s of stages) {
    const sub = latestJob(file, s.id);
    out.set(s.id, slurmStageStatus(s, sub, sub ? states.get(sub.jobId) : undefined, file));
  }
  return out;
}

/**
 * Poll intervals, as Snakemake does it: 40 s, growing to 180 s while nothing changes. A shorter first
 * interval (tests, `--poll-ms`) keeps the same 4.5× ceiling rather than backing off to minutes.
 */
export function pollBounds(o: { pollMs?: number; maxPollMs?: number } = {}): { minPoll: number; maxPoll: number } {
  const minPoll = o.pollMs ?? 40_000;
  return { minPoll, maxPoll: Math.max(minPoll, o.maxPollMs ?? Math.min(180_000, minPoll * 4.5)) };
}

/** Consecutive failed polls (slurmctld unreachable) after which the controller stops following. */
const MAX_FAILED_POLLS = 10;

const terminal = (st: StageState): boolean => st === 'done' || st === 'failed' || st === 'skipped' || st === 'pending';

/** Polls until every selected stage ended, emitting transitions; Ctrl-C stops watching, not the jobs. */
async function follow(plan: Plan, stages: Stage[], cli: SlurmCli, file: SubmissionsFile, opts: SlurmOptions, emit: (e: ExecEvent) => void): Promise<Map<string, StageStatus>> {
  const { minPoll, maxPoll } = pollBounds(opts);
  let interval = minPoll;
  const seen = new Map<string, StageState>();
  const started = new Map<string, number>();
  const settled = new Map<string, JobState>();
  let last: Map<string, StageStatus> | undefined;
  let failedPolls = 0;
  for (;;) {
    let cur: Map<string, StageStatus>;
    try {
      cur = await snapshot(plan, stages, cli, file, settled);
      failedPolls = 0;
    } catch (err) {
      // slurmctld briefly unreachable: the jobs run on; ask again later rather than guess their states.
      if (!(err instanceof SlurmQueryError) || ++failedPolls >= MAX_FAILED_POLLS) {
        throw new AblateError(`${(err as Error).message}\nThe submitted jobs keep running; \`ablate status\` shows them once SLURM answers again.`, EXIT.failed);
      }
      if (opts.signal?.aborted) return last ?? new Map();
      interval = Math.min(maxPoll, Math.round(interval * 1.5));
      try {
        await sleep(interval, undefined, opts.signal ? { signal: opts.signal } : undefined);
      } catch {
        return last ?? new Map();
      }
      continue;
    }
    last = cur;
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
export async function cancelSlurm(plan: Plan, cli: SlurmCli = defaultSlurmCli, onWait?: (holder: LockHolder) => void): Promise<string[]> {
  // Under the submit lock: an `ablate run` submitting right now finishes first, so none of its jobs escape.
  const lock = await lockStage(path.join(plan.resultsRoot, 'slurm', `${plan.experiment}.lock`), 'ablate cancel', onWait ? { onWait } : {});
  try {
    const file = readSubmissions(plan);
    // Only a stage's latest job can still be queued: older ones ended before it was submitted.
    const ids = [...new Set(Object.values(file.jobs).map((subs) => subs.at(-1)!.jobId))];
    const states = await queryJobStates(cli, file.jobName, ids, { listAlways: true });
    const active = ids.filter((id) => SLURM_ACTIVE_STATES.has(states.get(id)?.state ?? ''));
    // Jobs of this experiment's stages that a killed controller submitted but never recorded.
    const scripts = new Set([...plan.stages.values()].map((s) => path.join(s.dir, SBATCH_SCRIPT)));
    for (const [id, st] of states) if (!active.includes(id) && st.script && scripts.has(st.script) && SLURM_ACTIVE_STATES.has(st.state)) active.push(id);
    if (active.length) {
      const r = await cli('scancel', active);
      if (r.exitCode !== 0) throw new Error(`scancel failed: ${r.stderr.trim()}`);
    }
    return active;
  } finally {
    lock.release();
  }
}
