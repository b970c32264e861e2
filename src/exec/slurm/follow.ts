/**
 * Following submitted jobs: one squeue per poll for the whole sweep with backoff (40 s → 180 s), and, in
 * between, the stage folders watched for completion records, so a finished stage is seen within a second.
 */
import { watch, type FSWatcher } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { AblateError, EXIT } from '../../errors.js';
import { COMPLETION_RECORD, type Plan, type Stage } from '../../plan/types.js';
import { isDone } from '../cache.js';
import type { ExecEvent, StageState } from '../types.js';
import { SlurmQueryError, type SlurmCli } from './cli.js';
import { GONE, queryJobStates, type JobState } from './query.js';
import { slurmStageStatus, type StageStatus } from './stageStatus.js';
import { doneSinceSubmission, jobNameOf, jobToAsk, latestJob, type SubmissionsFile } from './submissions.js';

export async function snapshot(plan: Plan, stages: Stage[], cli: SlurmCli, file: SubmissionsFile, settled?: Map<string, JobState>): Promise<Map<string, StageStatus>> {
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

/** How often the stage folders are checked for completion records where file events do not arrive (NFS). */
export const RECORD_CHECK_MS = 1000;
/** Consecutive failed polls (slurmctld unreachable) after which the controller stops following. */
const MAX_FAILED_POLLS = 10;

const terminal = (st: StageState): boolean => st === 'done' || st === 'failed' || st === 'skipped' || st === 'pending';
const now = (): string => new Date().toISOString();

/**
 * Wakes the follower when a completion record appears: inotify events where the filesystem has them, and
 * a cheap existence check of the open stages' records every RECORD_CHECK_MS where it does not (NFS, Lustre).
 */
class RecordWatcher {
  private watchers: FSWatcher[] = [];
  private wake: (() => void) | undefined;
  private timer: NodeJS.Timeout;
  constructor(stages: Stage[], ready: () => boolean) {
    for (const s of stages) {
      try {
        this.watchers.push(watch(s.dir, { persistent: false }, (_e, name) => {
          if (name === COMPLETION_RECORD) this.wake?.();
        }));
      } catch {
        /* folder not there (a stage never submitted): the periodic check covers it */
      }
    }
    this.timer = setInterval(() => {
      if (ready()) this.wake?.();
    }, RECORD_CHECK_MS);
    this.timer.unref();
  }
  /** Resolves after `ms`, or earlier when a record appears or `signal` aborts (then it rejects). */
  async wait(ms: number, signal?: AbortSignal): Promise<void> {
    const ac = new AbortController();
    const onAbort = (): void => ac.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    this.wake = () => ac.abort('record');
    try {
      await sleep(ms, undefined, { signal: ac.signal });
    } catch (err) {
      if (signal?.aborted) throw err;
    } finally {
      this.wake = undefined;
      signal?.removeEventListener('abort', onAbort);
    }
  }
  close(): void {
    clearInterval(this.timer);
    for (const w of this.watchers) w.close();
  }
}

export interface FollowOptions {
  pollMs?: number;
  maxPollMs?: number;
  signal?: AbortSignal;
}

/** Follows the jobs until every stage ended, emitting transitions; Ctrl-C stops watching, not the jobs. */
export async function follow(plan: Plan, stages: Stage[], cli: SlurmCli, file: SubmissionsFile, opts: FollowOptions, emit: (e: ExecEvent) => void): Promise<Map<string, StageStatus>> {
  const { minPoll, maxPoll } = pollBounds(opts);
  let interval = minPoll;
  const seen = new Map<string, StageState>();
  const started = new Map<string, number>();
  const settled = new Map<string, JobState>();
  let cur: Map<string, StageStatus> | undefined;
  let failedPolls = 0;
  let nextQuery = 0;
  const transition = (s: Stage, st: StageStatus): boolean => {
    const before = seen.get(s.id);
    if (before === st.state) return false;
    seen.set(s.id, st.state);
    if (before === undefined && st.state === 'done') return false;
    if (st.state === 'running') {
      started.set(s.id, Date.now());
      emit({ type: 'stage-start', time: now(), id: s.id, kind: s.kind, runs: s.runs, gpus: [] });
    } else if (st.state === 'done') emit({ type: 'stage-done', time: now(), id: s.id, kind: s.kind, cached: false, durationMs: Date.now() - (started.get(s.id) ?? Date.now()) });
    else if (st.state === 'failed') emit({ type: 'stage-failed', time: now(), id: s.id, kind: s.kind, error: st.reason ?? 'failed', ...(st.log ? { log: st.log } : {}) });
    else if (st.state === 'skipped') emit({ type: 'stage-skipped', time: now(), id: s.id, kind: s.kind, reason: st.reason ?? '' });
    return true;
  };
  const openStages = (): Stage[] => stages.filter((s) => !terminal(seen.get(s.id) ?? 'submitted'));
  const finishedNow = (s: Stage): boolean => {
    const sub = latestJob(file, s.id);
    return sub !== undefined && isDone(s) && doneSinceSubmission(s, sub);
  };
  const watcher = new RecordWatcher(stages, () => openStages().some(finishedNow));
  try {
    for (;;) {
      let changed = false;
      if (Date.now() >= nextQuery) {
        try {
          cur = await snapshot(plan, stages, cli, file, settled);
          failedPolls = 0;
        } catch (err) {
          // slurmctld briefly unreachable: the jobs run on; ask again later rather than guess their states.
          if (!(err instanceof SlurmQueryError) || ++failedPolls >= MAX_FAILED_POLLS) {
            throw new AblateError(`${(err as Error).message}\nThe submitted jobs keep running; \`ablate status\` shows them once SLURM answers again.`, EXIT.failed);
          }
        }
        if (cur) for (const s of stages) changed = transition(s, cur.get(s.id)!) || changed;
        if (cur && [...cur.values()].every((st) => terminal(st.state))) return cur;
        interval = changed ? minPoll : Math.min(maxPoll, Math.round(interval * 1.5));
        nextQuery = Date.now() + interval;
      } else if (cur) {
        // Between queries: a completion record newer than the stage's job is that job's success.
        for (const s of openStages()) {
          if (finishedNow(s)) {
            const st: StageStatus = { state: 'done', jobId: latestJob(file, s.id)!.jobId };
            cur.set(s.id, st);
            changed = transition(s, st) || changed;
          }
        }
        if ([...cur.values()].every((st) => terminal(st.state))) return cur;
        // Something finished: its dependents start now, so ask SLURM again soon.
        if (changed) nextQuery = Math.min(nextQuery, Date.now() + Math.min(minPoll, 2000));
      }
      if (opts.signal?.aborted) return cur ?? new Map();
      try {
        await watcher.wait(Math.max(0, nextQuery - Date.now()), opts.signal);
      } catch {
        return cur ?? new Map();
      }
    }
  } finally {
    watcher.close();
  }
}

export type { StageStatus };
