import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempNameFor } from './fsutil.js';
import { writeNewFileSync } from '../util/atomicFile.js';

/**
 * The id ablate records for the job running this process: `<array job>_<index>` for an element of a job
 * array (what sbatch, squeue and the submissions file call it), else SLURM_JOB_ID.
 */
export function slurmJobIdOf(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const array = env['SLURM_ARRAY_JOB_ID'];
  const task = env['SLURM_ARRAY_TASK_ID'];
  return array && task ? `${array}_${task}` : env['SLURM_JOB_ID'];
}

/** One controller per stage: this file in the stage folder says who runs it. */
export const LOCK_FILE = '.ablate-lock';

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  /** Start time of the process (Linux clock ticks since boot), to tell a reused pid from the holder. */
  procStart?: string;
  /** What holds it: "ablate run", "stage-exec (job 123)". */
  what: string;
  /** SLURM job id when a job holds it: on another host, the job's state tells whether the lock is stale. */
  jobId?: string;
  /**
   * Renewed every HEARTBEAT_MS while the holder lives. On another host (a login node and compute nodes
   * sharing NFS or Lustre) the pid says nothing, so only an old heartbeat makes such a lock stale.
   */
  heartbeatAt?: string;
}

/** How often a holder renews its heartbeat. */
export const HEARTBEAT_MS = 15_000;
/** A lock of another host whose heartbeat is older than this is stale (8 missed beats: clock skew, NFS caching). */
export const HEARTBEAT_STALE_MS = 120_000;

export interface StageLock {
  file: string;
  holder: LockHolder;
  release(): void;
}

export function describeHolder(h: LockHolder): string {
  return `${h.what} (pid ${h.pid} on ${h.host}, since ${h.startedAt})`;
}

export function procStartOf(pid: number): string | undefined {
  try {
    // Field 22 of /proc/PID/stat; the command name (field 2) may hold spaces, so count from its ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** A job that SLURM no longer runs (or no longer knows) holds nothing; unknown when SLURM is unreachable. */
function slurmJobEnded(jobId: string): boolean {
  const r = spawnSync('scontrol', ['show', 'job', jobId], { encoding: 'utf8', timeout: 30_000 });
  if (r.error) return false;
  if (r.status !== 0) return /invalid job id|^Job \S+ not found/im.test(r.stderr ?? '');
  const state = /JobState=(\S+)/.exec(r.stdout ?? '')?.[1];
  return state !== undefined && !['RUNNING', 'COMPLETING', 'CONFIGURING', 'SUSPENDED', 'STOPPED', 'SIGNALING', 'STAGE_OUT'].includes(state);
}

/**
 * Whether a process runs. A zombie does not: it is dead, only not yet reaped, and under a PID 1 that never
 * reaps (as in many containers) it stays so forever; counting it alive would keep its lock forever.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/**
 * A holder is stale when it ran on this host and its process is gone (or the pid now names another process),
 * or, on another host, when its heartbeat stopped (never because its pid is absent here). A lock of this very job taken on another node is an earlier
 * attempt of the job (requeued after a node failure): SLURM runs one attempt at a time, so that one is
 * dead, although scontrol reports the job RUNNING (waiting for it would hang the job until its time limit).
 */
export function isStale(h: LockHolder, ownJobId: string | undefined = slurmJobIdOf(), nowMs = Date.now()): boolean {
  if (h.host !== hostname()) {
    if (h.jobId !== undefined && h.jobId === ownJobId) return true;
    if (h.heartbeatAt !== undefined) return nowMs - Date.parse(h.heartbeatAt) > HEARTBEAT_STALE_MS;
    // A lock written before heartbeats existed: only SLURM can say its job ended.
    return h.jobId !== undefined && slurmJobEnded(h.jobId);
  }
  if (!pidAlive(h.pid)) return true;
  if (h.procStart === undefined) return false;
  const now = procStartOf(h.pid);
  return now !== undefined && now !== h.procStart;
}

export function readLock(dir: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/** The live holder of a stage's lock, if any (stale locks count as free). */
export function liveHolder(dir: string): LockHolder | undefined {
  const h = readLock(dir);
  return h && !isStale(h) ? h : undefined;
}

const sameHolder = (a: LockHolder | undefined, b: LockHolder): boolean =>
  a !== undefined && a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt && a.procStart === b.procStart;

/**
 * Takes the lock or returns its live holder. The lock file appears whole (written to a temp name,
 * then hard-linked into place, which fails if it exists), so a reader never sees it half-written.
 */
export function tryLock(dir: string, what: string, jobId?: string): StageLock | { heldBy: LockHolder } {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  const at = new Date().toISOString();
  const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: at, procStart: procStartOf(process.pid), what, ...(jobId ? { jobId } : {}), heartbeatAt: at };
  for (let attempt = 0; attempt < 5; attempt++) {
    const tmp = tempNameFor(file);
    // A private temp name: nobody reads it before the link publishes it whole. (No fsync: a lock need not survive a power cut.)
    try {
      writeNewFileSync(tmp, JSON.stringify(holder), { sync: false });
      linkSync(tmp, file);
      const beat = startHeartbeat(file, holder);
      return {
        file,
        holder,
        release: () => {
          clearInterval(beat);
          releaseIfMine(file, holder);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
    const current = readLock(dir);
    if (current && !isStale(current)) return { heldBy: current };
    if (!current) continue; // vanished (released) between link and read, or unreadable for a moment
    breakStale(file, current);
  }
  const current = readLock(dir);
  if (current) return { heldBy: current };
  throw new Error(`could not take the lock ${file}`);
}

/** How old a break guard must be before it counts as left behind by a breaker that died mid-break. */
const BREAK_GUARD_STALE_MS = 60_000;

/**
 * Removes a stale lock. Only the holder of the break guard (created exclusively) may remove a lock, and
 * only after re-reading it under the guard and finding the same stale holder: two controllers that both
 * found it stale can never remove a fresh lock a third one took meanwhile (moving "the" lock aside and
 * back, as before, could drop that fresh lock and let two controllers run one stage).
 */
function breakStale(file: string, stale: LockHolder): void {
  const guard = `${file}.break`;
  let fd: number;
  try {
    fd = openSync(guard, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    try {
      if (Date.now() - statSync(guard).mtimeMs > BREAK_GUARD_STALE_MS) rmSync(guard, { force: true });
    } catch {
      /* gone meanwhile */
    }
    return;
  }
  closeSync(fd);
  try {
    let current: LockHolder | undefined;
    try {
      current = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    } catch {
      current = undefined;
    }
    // Still the same holder, and still stale: its heartbeat may have come back meanwhile.
    if (current && sameHolder(current, stale) && isStale(current)) unlinkSync(file);
  } finally {
    rmSync(guard, { force: true });
  }
}

/** Renews the holder's heartbeat in the lock file (whole, by rename) while the lock is still its own. */
function startHeartbeat(file: string, me: LockHolder): NodeJS.Timeout {
  const timer = setInterval(() => {
    try {
      const h = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
      if (!sameHolder(h, me)) return clearInterval(timer);
      me.heartbeatAt = new Date().toISOString();
      const tmp = tempNameFor(file);
      writeNewFileSync(tmp, JSON.stringify(me), { sync: false });
      try {
        renameSync(tmp, file);
      } finally {
        rmSync(tmp, { force: true });
      }
    } catch {
      /* the lock is gone (released, or broken as stale): nothing to renew */
    }
  }, HEARTBEAT_MS);
  timer.unref();
  return timer;
}

function releaseIfMine(file: string, me: LockHolder): void {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    if (sameHolder(h, me)) unlinkSync(file);
  } catch {
    /* already gone */
  }
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** Called once when the lock is found held, with the holder. */
  onWait?: (holder: LockHolder) => void;
  pollMs?: number;
  /** The SLURM job taking the lock, if any. */
  jobId?: string;
}

/** Takes the lock, waiting while another live controller holds it. Rejects when `signal` aborts. */
export async function lockStage(dir: string, what: string, opts: WaitOptions = {}): Promise<StageLock> {
  let told = false;
  for (;;) {
    opts.signal?.throwIfAborted();
    const got = tryLock(dir, what, opts.jobId);
    if ('release' in got) return got;
    if (!told) {
      opts.onWait?.(got.heldBy);
      told = true;
    }
    await sleep(opts.pollMs ?? 250, undefined, opts.signal ? { signal: opts.signal } : undefined);
  }
}
