import { hostname } from 'node:os';
import type { Plan } from '../plan/types.js';
import { selectStages, type Selection } from './graph.js';
import { executeLocal } from './local.js';
import { liveHolder, type LockHolder } from './lock.js';
import { cancelSlurm, executeSlurm, type SlurmCli } from './slurm.js';
import type { ExecEvent, ExecSummary, ExecuteSettings, StageRunners } from './types.js';

/** The spec's `execute:` (all runs share it; the first run's resolved config carries it). */
export function executeSettingsOf(plan: Plan): ExecuteSettings {
  return (plan.runs[0]?.config as { execute?: ExecuteSettings } | undefined)?.execute ?? {};
}

export interface ExecuteOptions extends Selection {
  executor?: 'local' | 'slurm';
  gpus?: number[];
  detach?: boolean;
  dryRun?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: ExecEvent) => void;
  graceMs?: number;
  slurmCli?: SlurmCli;
  pollMs?: number;
  /** Extra arguments for the `stage-exec` command of SLURM jobs (e.g. a runners module). */
  jobExtraArgs?: string[];
}

/** Runs a plan with the executor the flags or the spec choose (flags win). */
export async function executePlan(plan: Plan, runners: StageRunners, o: ExecuteOptions = {}): Promise<ExecSummary> {
  const settings = executeSettingsOf(plan);
  const executor = o.executor ?? settings.executor ?? 'local';
  const sel: Selection = { ...(o.only ? { only: o.only } : {}), ...(o.until ? { until: o.until } : {}), ...(o.force ? { force: o.force } : {}) };
  if (executor === 'slurm') {
    const { defaultJobCommand } = await import('./slurm.js');
    return executeSlurm(plan, {
      ...sel,
      settings: settings.slurm ?? {},
      ...(o.detach ? { detach: true } : {}),
      ...(o.dryRun ? { dryRun: true } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onEvent ? { onEvent: o.onEvent } : {}),
      ...(o.slurmCli ? { cli: o.slurmCli } : {}),
      ...(o.pollMs ? { pollMs: o.pollMs } : {}),
      jobCommand: (p, s, forced) => [...defaultJobCommand(p, s, forced), ...(o.jobExtraArgs ?? [])],
    });
  }
  if (o.detach) throw new Error('--detach needs the SLURM executor (--executor slurm); a local run stops with its controller');
  return executeLocal(plan, runners, {
    ...sel,
    gpus: o.gpus ?? settings.gpus ?? [],
    cpuSlots: settings.cpu_slots ?? 2,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onEvent ? { onEvent: o.onEvent } : {}),
    ...(o.dryRun ? { dryRun: true } : {}),
    ...(o.graceMs !== undefined ? { graceMs: o.graceMs } : {}),
  });
}

export interface CancelReport {
  slurmJobs: string[];
  /** Local controllers (pids on this host) asked to stop with SIGTERM. */
  localControllers: number[];
}

/** `ablate cancel`: scancel the experiment's SLURM jobs and stop local controllers running its stages. */
export async function cancelExperiment(plan: Plan, slurmCli?: SlurmCli, onWait?: (holder: LockHolder) => void): Promise<CancelReport> {
  const { existsSync } = await import('node:fs');
  const { submissionsPath } = await import('./slurm.js');
  const slurmJobs = existsSync(submissionsPath(plan)) ? await cancelSlurm(plan, slurmCli, onWait) : [];
  const pids = new Set<number>();
  for (const s of selectStages(plan).stages) {
    const h = liveHolder(s.dir);
    if (h && h.host === hostname() && h.what === 'ablate run' && h.pid !== process.pid) pids.add(h.pid);
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      pids.delete(pid);
    }
  }
  return { slurmJobs, localControllers: [...pids] };
}
