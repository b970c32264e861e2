/** The SLURM executor: submit (under the experiment's submit lock), then follow or return. */
import type { Plan, Stage } from '../../plan/types.js';
import { isDone } from '../cache.js';
import { selectStages, type Selection } from '../graph.js';
import { describeHolder, lockStage } from '../lock.js';
import type { ExecEvent, ExecSummary, SlurmSettings, StageState } from '../types.js';
import { defaultSlurmCli, type SlurmCli } from './cli.js';
import { follow, snapshot, type StageStatus } from './follow.js';
import { queryJobStates } from './query.js';
import { defaultJobCommand } from './script.js';
import { submitStages } from './submit.js';
import { jobNameOf, latestJob, readSubmissions, submitLockDir, type SubmissionsFile } from './submissions.js';

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
  const sel = selectStages(plan, opts);
  const failures: ExecSummary['failures'] = [];
  const initiallyDone = sel.stages.filter((s) => !sel.forced.has(s.id) && isDone(s));
  emit({ type: 'plan', time: now(), executor: 'slurm', runs: sel.runs.length, stages: sel.stages.length, cached: initiallyDone.length, toRun: sel.stages.length - initiallyDone.length });

  // One submitter per experiment at a time, so two `ablate run`s never submit the same stage twice.
  const lock = await lockStage(submitLockDir(plan), 'ablate run (slurm submit)', {
    ...(opts.signal ? { signal: opts.signal } : {}),
    onWait: (h) => emit({ type: 'waiting', time: now(), lock: `the SLURM submissions of ${plan.experiment}`, holder: describeHolder(h) }),
  });
  let file: SubmissionsFile;
  let submitted = 0;
  try {
    file = readSubmissions(plan);
    // squeue lists every job of the sweep; scontrol is asked only about stages not yet done.
    const open = sel.stages.filter((s) => sel.forced.has(s.id) || !isDone(s));
    const known = open.map((s) => latestJob(file, s.id)?.jobId).filter((j): j is string => j !== undefined);
    const states = await queryJobStates(cli, jobNameOf(plan), known, { listAlways: open.length > 0 });
    ({ submitted } = await submitStages({
      plan,
      sel,
      settings: opts.settings ?? {},
      cli,
      file,
      states,
      jobCommand: opts.jobCommand ?? defaultJobCommand,
      dryRun: opts.dryRun === true,
      emit,
      failures,
    }));
  } finally {
    lock.release();
  }

  const finalStates = opts.detach || opts.dryRun ? await snapshot(plan, sel.stages, cli, file) : await follow(plan, sel.stages, cli, file, opts, emit);
  return summarize(plan, sel, finalStates, failures, { t0, submitted, initiallyDone: initiallyDone.length, detach: opts.detach === true, interrupted: opts.signal?.aborted === true }, emit);
}

function summarize(
  plan: Plan,
  sel: ReturnType<typeof selectStages>,
  finalStates: Map<string, StageStatus>,
  failures: ExecSummary['failures'],
  o: { t0: number; submitted: number; initiallyDone: number; detach: boolean; interrupted: boolean },
  emit: (e: ExecEvent) => void,
): ExecSummary {
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
    durationMs: Date.now() - o.t0,
    ran: o.detach ? 0 : count('done') - o.initiallyDone,
    cached: o.initiallyDone,
    failed: failures.length,
    skipped: count('skipped'),
    submitted: o.submitted,
    interrupted: o.interrupted,
    runs,
    failures,
  };
  emit({ type: 'summary', time: now(), summary });
  return summary;
}
