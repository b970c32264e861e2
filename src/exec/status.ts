import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Plan, Stage, StageKind } from '../plan/types.js';
import { STAGE_LOG, checkCompletion, explainCache, isDone, readFailure } from './cache.js';
import { selectStages, type Selection } from './graph.js';
import { describeHolder, liveHolder, readLock } from './lock.js';
import { defaultSlurmCli, jobNameOf, jobToAsk, latestJob, queryJobStates, readSubmissions, slurmStageStatus, submissionsPath, type JobState, type SlurmCli } from './slurm.js';
import type { StageState } from './types.js';

export interface StageStatusRow {
  id: string;
  kind: StageKind;
  task?: string;
  state: StageState;
  reason?: string;
  /** Log to read for a failure. */
  log?: string;
  jobId?: string;
  durationMs?: number;
  /** `--explain`: why the stage is or is not cached. */
  explain?: string[];
}

export interface RunStatus {
  id: string;
  name: string;
  state: StageState;
  stages: StageStatusRow[];
}

export interface StatusReport {
  experiment: string;
  resultsRoot: string;
  runs: RunStatus[];
  counts: Record<StageState, number>;
  slurm?: { submissions: string; jobName: string; note?: string };
}

const RANK: Record<StageState, number> = { failed: 5, skipped: 4, running: 3, submitted: 2, pending: 1, done: 0 };

export interface StatusOptions extends Selection {
  explain?: boolean;
  slurmCli?: SlurmCli;
}

function localStatus(stage: Stage): Omit<StageStatusRow, 'id' | 'kind'> {
  const check = checkCompletion(stage);
  if (check.ok) return { state: 'done', durationMs: check.record.durationMs };
  if (!check.absent) return { state: 'pending', reason: `not reusable: ${check.problem} (the next run redoes it)` };
  const holder = liveHolder(stage.dir);
  if (holder) return { state: 'running', reason: `held by ${describeHolder(holder)}`, log: path.join(stage.dir, STAGE_LOG) };
  const failure = readFailure(stage);
  if (failure) return { state: 'failed', reason: `${failure.interrupted ? 'interrupted' : 'failed'} at ${failure.at}: ${failure.error.split('\n')[0]}`, log: failure.log };
  const stale = readLock(stage.dir);
  if (stale) return { state: 'pending', reason: `interrupted: its controller (pid ${stale.pid} on ${stale.host}) is gone` };
  return { state: 'pending' };
}

/** `ablate status`: per run and stage, from completion records, locks, failure records and SLURM. */
export async function collectStatus(plan: Plan, opts: StatusOptions = {}): Promise<StatusReport> {
  const sel = selectStages(plan, opts);
  let subs = existsSync(submissionsPath(plan)) ? readSubmissions(plan) : undefined;
  let jobStates = new Map<string, JobState>();
  let note: string | undefined;
  if (subs) {
    const ids = sel.stages.map((s) => jobToAsk(s, subs!)).filter((j): j is string => j !== undefined);
    try {
      jobStates = await queryJobStates(opts.slurmCli ?? defaultSlurmCli, jobNameOf(plan), ids);
    } catch (err) {
      note = `SLURM is not reachable here (${(err as Error).message.split('\n')[0]}); states come from completion records only`;
      subs = { ...subs, jobs: {} };
    }
  }
  const rows = new Map<string, StageStatusRow>();
  for (const s of sel.stages) {
    const sub = subs ? latestJob(subs, s.id) : undefined;
    const base = sub ? slurmStageStatus(s, sub, jobStates.get(sub.jobId), subs!) : localStatus(s);
    // A SLURM stage whose job is gone but whose lock is live is running elsewhere (or locally).
    const st = sub && base.state === 'pending' ? { ...base, ...localStatus(s) } : base;
    const row: StageStatusRow = { id: s.id, kind: s.kind, ...(s.task ? { task: s.task } : {}), ...st };
    if (opts.explain) row.explain = explainCache(s, (id) => { const d = plan.stages.get(id); return d ? isDone(d) : false; });
    rows.set(s.id, row);
  }
  // Stages downstream of a failure will not run until it is fixed: say so.
  for (const s of sel.stages) {
    const row = rows.get(s.id)!;
    if (row.state !== 'pending') continue;
    const bad = s.deps.map((d) => rows.get(d)).find((r) => r && (r.state === 'failed' || r.state === 'skipped'));
    if (bad) rows.set(s.id, { ...row, state: 'skipped', reason: `upstream ${bad.kind} ${bad.id} ${bad.state}` });
  }
  const counts: Record<StageState, number> = { done: 0, running: 0, failed: 0, pending: 0, submitted: 0, skipped: 0 };
  for (const r of rows.values()) counts[r.state]++;
  const runs = sel.runs.map((r) => {
    const stages = r.stages.map((id) => rows.get(id)).filter((x): x is StageStatusRow => x !== undefined);
    const state = stages.reduce<StageState>((w, x) => (RANK[x.state] > RANK[w] ? x.state : w), 'done');
    return { id: r.id, name: r.name, state, stages };
  });
  return {
    experiment: plan.experiment,
    resultsRoot: plan.resultsRoot,
    runs,
    counts,
    ...(subs ? { slurm: { submissions: submissionsPath(plan), jobName: jobNameOf(plan), ...(note ? { note } : {}) } } : {}),
  };
}

/** Text view of a status report. */
export function formatStatus(r: StatusReport, explain = false): string {
  const lines: string[] = [`${r.experiment}: ${Object.entries(r.counts).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(', ') || 'no stages'} (results: ${r.resultsRoot})`];
  if (r.slurm?.note) lines.push(`note: ${r.slurm.note}`);
  for (const run of r.runs) {
    lines.push(`${run.name}  ${run.state}`);
    for (const s of run.stages) {
      const what = `${s.kind}${s.task ? `:${s.task}` : ''}`;
      lines.push(`  ${what.padEnd(22)} ${s.id.slice(0, 12)}  ${s.state.padEnd(9)}${s.jobId ? ` job ${s.jobId}` : ''}${s.reason ? `  ${s.reason}` : ''}`);
      if (s.log && (s.state === 'failed' || s.state === 'running')) lines.push(`    log: ${s.log}`);
      if (explain) for (const e of s.explain ?? []) lines.push(`    ${e}`);
    }
  }
  return lines.join('\n');
}

/** `ablate status --verify`: stage id → what differs between its outputs and its completion record. */
export async function verifyDoneStages(plan: Plan, sel: Selection = {}): Promise<Record<string, string[]>> {
  const { verifyOutputs } = await import('./cache.js');
  const out: Record<string, string[]> = {};
  for (const s of selectStages(plan, sel).stages) {
    if (!isDone(s)) continue;
    const problems = await verifyOutputs(s);
    if (problems.length) out[s.id] = problems;
  }
  return out;
}
