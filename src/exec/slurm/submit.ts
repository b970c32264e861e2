/**
 * Submission: every selected stage that is neither done nor queued, grouped into job arrays (one kind,
 * equal resources, same depth in the DAG), each element with its own afterok dependencies.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plan, Stage } from '../../plan/types.js';
import { sha256 } from '../../util/hash.js';
import { isDone } from '../cache.js';
import { writeFileAtomic } from '../fsutil.js';
import type { ExecEvent, ExecSummary, SlurmSettings } from '../types.js';
import { SLURM_ACTIVE_STATES, SLURM_MISSING, SlurmUnavailableError, type SlurmCli } from './cli.js';
import type { JobState } from './query.js';
import { arrayScript, arrayScriptDir, resourceDirectives, SBATCH_SCRIPT, sbatchScript } from './script.js';
import { latestJob, writeSubmissions, type SubmissionsFile } from './submissions.js';

export interface SubmitContext {
  plan: Plan;
  sel: { stages: Stage[]; forced: Set<string> };
  settings: SlurmSettings;
  cli: SlurmCli;
  file: SubmissionsFile;
  /** Job states of the sweep (one squeue), to reuse queued jobs and adopt unrecorded ones. */
  states: Map<string, JobState>;
  jobCommand: (plan: Plan, stage: Stage, forced: boolean) => string[];
  dryRun: boolean;
  emit: (e: ExecEvent) => void;
  failures: ExecSummary['failures'];
}

const now = (): string => new Date().toISOString();

/** Sidecar of an array script: the stage of each element, so an unrecorded array can be adopted. */
interface ArrayIndex {
  stages: string[];
}

/** The stage an unrecorded active job runs, from its script (a stage's own, or a job array's). */
function stageOfJob(jobId: string, script: string | undefined, byScript: Map<string, string>): string | undefined {
  if (!script) return undefined;
  const direct = byScript.get(script);
  if (direct) return direct;
  const m = /^\d+_(\d+)$/.exec(jobId);
  if (!m) return undefined;
  try {
    const index = JSON.parse(readFileSync(`${script}.json`, 'utf8')) as ArrayIndex;
    return index.stages[Number(m[1])];
  } catch {
    return undefined;
  }
}

/** Submits what needs submitting; returns stage id → job id of every stage queued, running or submitted now. */
export async function submitStages(c: SubmitContext): Promise<{ jobOf: Map<string, string>; submitted: number }> {
  const { plan, sel, settings, file, states, emit, failures } = c;
  const recorded = new Set(Object.values(file.jobs).flat().map((j) => j.jobId));
  const selected = new Set(sel.stages.map((s) => s.id));
  const byScript = new Map(sel.stages.map((s) => [path.join(s.dir, SBATCH_SCRIPT), s.id]));
  const orphans = new Map<string, string>();
  for (const [id, st] of states) {
    if (recorded.has(id) || !SLURM_ACTIVE_STATES.has(st.state)) continue;
    const stage = stageOfJob(id, st.script, byScript);
    // The newest job wins when a stage has several (ids grow).
    if (stage && selected.has(stage) && Number.parseInt(id, 10) >= Number.parseInt(orphans.get(stage) ?? '0', 10)) orphans.set(stage, id);
  }
  const jobOf = new Map<string, string>();
  const depth = new Map<string, number>();
  const toSubmit: Stage[] = [];
  for (const s of sel.stages) {
    const forced = sel.forced.has(s.id);
    const sub = latestJob(file, s.id);
    const st = sub ? states.get(sub.jobId) : undefined;
    if (sub && st && SLURM_ACTIVE_STATES.has(st.state)) {
      jobOf.set(s.id, sub.jobId);
      emit({ type: 'stage-submitted', time: now(), id: s.id, kind: s.kind, jobId: sub.jobId, reused: true });
      continue;
    }
    // A controller killed between sbatch and recording the job left it queued but unrecorded: adopt it
    // (squeue names its script, in the stage folder or an array's with its index) instead of submitting a duplicate.
    const orphan = orphans.get(s.id);
    if (orphan && !c.dryRun) {
      jobOf.set(s.id, orphan);
      (file.jobs[s.id] ??= []).push({ stage: s.id, kind: s.kind, jobId: orphan, submittedAt: now(), dependsOn: [], script: path.join(s.dir, SBATCH_SCRIPT) });
      writeSubmissions(plan, file);
      emit({ type: 'stage-submitted', time: now(), id: s.id, kind: s.kind, jobId: orphan, reused: true });
      continue;
    }
    if (!forced && isDone(s)) {
      emit({ type: 'stage-done', time: now(), id: s.id, kind: s.kind, cached: true, durationMs: 0 });
      continue;
    }
    // A forced upstream is about to be redone: without its job to wait for, its old output must not be used.
    const blocked = s.deps.find((d) => !jobOf.has(d) && !toSubmit.some((t) => t.id === d) && (sel.forced.has(d) || !isDone(plan.stages.get(d)!)));
    if (blocked) {
      emit({ type: 'stage-skipped', time: now(), id: s.id, kind: s.kind, reason: `upstream ${plan.stages.get(blocked)!.kind} ${blocked} was not submitted` });
      continue;
    }
    if (s.gpus > 0 && settings.gpus_per_node !== undefined && s.gpus > settings.gpus_per_node) {
      const error = `${s.kind} ${s.id} needs ${s.gpus} GPU(s) per node but execute.slurm.gpus_per_node is ${settings.gpus_per_node}; lower the stage's gpus or raise gpus_per_node`;
      failures.push({ id: s.id, kind: s.kind, error });
      emit({ type: 'stage-failed', time: now(), id: s.id, kind: s.kind, error });
      continue;
    }
    depth.set(s.id, 1 + Math.max(-1, ...s.deps.map((d) => depth.get(d) ?? -1)));
    toSubmit.push(s);
  }

  // Waves by depth: an array's elements may only wait on jobs already submitted.
  let submitted = 0;
  const waves = new Map<number, Stage[]>();
  for (const s of toSubmit) {
    const w = depth.get(s.id)!;
    if (!waves.has(w)) waves.set(w, []);
    waves.get(w)!.push(s);
  }
  for (const w of [...waves.keys()].sort((a, b) => a - b)) {
    const groups = new Map<string, Stage[]>();
    for (const s of waves.get(w)!) {
      // A stage whose upstream failed to submit is left out: it would only run before its inputs exist.
      const lost = s.deps.find((d) => toSubmit.some((t) => t.id === d) && !jobOf.has(d));
      if (lost) {
        emit({ type: 'stage-skipped', time: now(), id: s.id, kind: s.kind, reason: `upstream ${plan.stages.get(lost)!.kind} ${lost} was not submitted` });
        continue;
      }
      const key = `${s.kind}\n${(s.nodes ?? 1) > 1 ? s.id : ''}\n${resourceDirectives(s, settings).join('\n')}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push(s);
    }
    for (const group of groups.values()) submitted += await submitGroup(c, group, jobOf);
  }
  return { jobOf, submitted };
}

/** Submits one group: a single job, or one job array (held while its elements get their dependencies). */
async function submitGroup(c: SubmitContext, group: Stage[], jobOf: Map<string, string>): Promise<number> {
  const { plan, settings, cli, file, emit, failures } = c;
  const depsOf = (s: Stage): string[] => s.deps.map((d) => jobOf.get(d)).filter((j): j is string => j !== undefined);
  for (const s of group) {
    mkdirSync(s.dir, { recursive: true });
    writeFileAtomic(path.join(s.dir, SBATCH_SCRIPT), sbatchScript(plan, s, settings, c.jobCommand(plan, s, c.sel.forced.has(s.id))));
  }
  const fail = (error: string, log: string): number => {
    for (const s of group) {
      failures.push({ id: s.id, kind: s.kind, error, log });
      emit({ type: 'stage-failed', time: now(), id: s.id, kind: s.kind, error, log });
    }
    return 0;
  };
  const single = group.length === 1;
  let script: string;
  if (single) script = path.join(group[0]!.dir, SBATCH_SCRIPT);
  else {
    const dir = arrayScriptDir(plan);
    mkdirSync(dir, { recursive: true });
    const ids = group.map((s) => s.id);
    script = path.join(dir, `${plan.experiment}-${group[0]!.kind}-${sha256(ids.join(',')).slice(0, 12)}.sh`);
    writeFileAtomic(`${script}.json`, `${JSON.stringify({ stages: ids } satisfies ArrayIndex)}\n`);
    writeFileAtomic(script, arrayScript(plan, group, settings));
  }
  if (c.dryRun) {
    group.forEach((s, i) => {
      // A placeholder id lets dependents show their chain.
      jobOf.set(s.id, `dry-${s.id.slice(0, 8)}`);
      emit({ type: 'stage-submitted', time: now(), id: s.id, kind: s.kind, jobId: `(dry run) ${single ? script : `${script} [${i}]`}`, reused: false });
    });
    return 0;
  }
  const deps = group.map(depsOf);
  const shared = deps.every((d) => d.join(':') === deps[0]!.join(':'));
  const depArgs = (d: string[]): string[] => (d.length ? [`--dependency=afterok:${d.join(':')}`, '--kill-on-invalid-dep=yes'] : []);
  const args = ['--parsable'];
  if (!single) {
    const limit = settings.max_running ? `%${settings.max_running}` : '';
    args.push(`--array=0-${group.length - 1}${limit}`);
  }
  // Elements with different upstream jobs: submit held, give each element its own dependency, release.
  if (shared) args.push(...depArgs(deps[0]!));
  else args.push('--hold', '--kill-on-invalid-dep=yes');
  args.push(script);
  // Taken before sbatch: the job's own completion record is always newer than its submission.
  const submittedAt = now();
  const r = await cli('sbatch', args);
  if (r.exitCode === SLURM_MISSING) throw new SlurmUnavailableError('sbatch');
  const jobId = r.stdout.trim().split(';')[0] ?? '';
  if (r.exitCode !== 0 || !/^\d+$/.test(jobId)) {
    const what = single ? `${group[0]!.kind} ${group[0]!.id}` : `a job array of ${group.length} ${group[0]!.kind} stages`;
    return fail(`sbatch failed for ${what}: ${(r.stderr || r.stdout).trim()}`, script);
  }
  const ids = group.map((_, i) => (single ? jobId : `${jobId}_${i}`));
  if (!shared) {
    for (let i = 0; i < group.length; i++) {
      if (!deps[i]!.length) continue;
      const u = await cli('scontrol', ['update', `JobId=${ids[i]}`, `Dependency=afterok:${deps[i]!.join(':')}`]);
      if (u.exitCode !== 0) {
        await cli('scancel', [jobId]);
        return fail(`could not set the dependency of job ${ids[i]} (${group[i]!.kind} ${group[i]!.id}); the array ${jobId} was cancelled: ${(u.stderr || u.stdout).trim()}`, script);
      }
    }
    const rel = await cli('scontrol', ['release', jobId]);
    if (rel.exitCode !== 0) {
      await cli('scancel', [jobId]);
      return fail(`could not release the held job ${jobId}; it was cancelled: ${(rel.stderr || rel.stdout).trim()}`, script);
    }
  }
  group.forEach((s, i) => {
    const id = ids[i]!;
    jobOf.set(s.id, id);
    (file.jobs[s.id] ??= []).push({ stage: s.id, kind: s.kind, jobId: id, submittedAt, dependsOn: deps[i]!, script: path.join(s.dir, SBATCH_SCRIPT), ...(single ? {} : { arrayScript: script }) });
  });
  writeSubmissions(plan, file);
  for (const s of group) emit({ type: 'stage-submitted', time: now(), id: s.id, kind: s.kind, jobId: jobOf.get(s.id)!, reused: false });
  return group.length;
}
