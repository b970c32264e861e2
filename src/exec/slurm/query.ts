/** Job states from one squeue call for the whole sweep, and scontrol for jobs squeue forgot. */
import { SLURM_MISSING, SlurmQueryError, SlurmUnavailableError, type SlurmCli } from './cli.js';

export interface JobState {
  state: string;
  reason: string;
  /** The job's batch script (squeue's Command): tells which stage folder an unrecorded job of the sweep belongs to. */
  script?: string;
  /** How often SLURM requeued the job (preemption, node failure, `scontrol requeue`). */
  restarts?: number;
}

export interface QueryOptions {
  /** Ask squeue even when no job id is known (to find jobs submitted but never recorded). */
  listAlways?: boolean;
  /** Jobs already found GONE: SLURM does not bring them back, so scontrol is not asked about them again. */
  settled?: Map<string, JobState>;
}

/** The state a job that neither squeue nor scontrol knows any more is reported in. */
export const GONE = 'GONE';

// One line per job and per array element (-r); '|' ends each field. The comment (ours) has no '|'; the
// script path goes last, so a '|' in it cannot shift the fields.
const SQUEUE_FORMAT = 'JobArrayID:|,State:|,Reason:|,RestartCnt:|,Comment:|,Command:';

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
  const q = await cli('squeue', ['--noheader', '--states=all', '--array', `--name=${jobName}`, `--Format=${SQUEUE_FORMAT}`]);
  if (q.exitCode === SLURM_MISSING) throw new SlurmUnavailableError('squeue');
  if (q.exitCode !== 0) throw new SlurmQueryError(`squeue failed (exit ${q.exitCode}): ${(q.stderr || q.stdout).trim()}`);
  for (const line of q.stdout.split('\n')) {
    const [id, state, reason, restarts, , ...script] = line.trim().split('|');
    const scriptPath = script.join('|');
    if (id && state) {
      states.set(id, {
        state,
        reason: reason ?? '',
        ...(scriptPath && scriptPath !== '(null)' ? { script: scriptPath } : {}),
        ...(Number(restarts) > 0 ? { restarts: Number(restarts) } : {}),
      });
    }
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
    const restarts = Number(/Restarts=(\d+)/.exec(s.stdout)?.[1] ?? '0');
    if (s.exitCode === 0 && state) states.set(id, { state, reason: /Reason=(\S+)/.exec(s.stdout)?.[1] ?? '', ...(restarts > 0 ? { restarts } : {}) });
    // A plain job SLURM forgot: "Invalid job id specified"; an element of a job array: "Job 7_3 not found".
    else if (/invalid job id|^Job \S+ not found/im.test(`${s.stderr}\n${s.stdout}`)) states.set(id, { state: GONE, reason: 'the job left the queue; its completion record decides' });
    else throw new SlurmQueryError(`scontrol show job ${id} failed (exit ${s.exitCode}): ${(s.stderr || s.stdout).trim()}`);
  }
  return states;
}
