import { appendFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pidAlive, procStartOf } from './lock.js';

/**
 * External processes a stage started, one JSON line each. A controller killed with SIGKILL cannot
 * stop its children; the next controller taking the stage's lock reads this file and stops them,
 * so two trainings never write into one folder.
 */
export const CHILDREN_FILE = '.ablate-children';

interface ChildEntry {
  pid: number;
  host: string;
  procStart?: string;
}

export function recordChild(dir: string, pid: number): void {
  const entry: ChildEntry = { pid, host: hostname(), ...(procStartOf(pid) ? { procStart: procStartOf(pid)! } : {}) };
  appendFileSync(path.join(dir, CHILDREN_FILE), `${JSON.stringify(entry)}\n`);
}

/** Sends `sig` to the process group `pgid` (the stage commands run as group leaders); false when it is gone. */
export function signalGroup(pgid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** State letter and process group of a pid from /proc (Linux); undefined when it is gone or /proc is unreadable. */
function procStat(pid: number | string): { state: string; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: f[0] ?? '', pgrp: Number(f[2]) };
  } catch {
    return undefined;
  }
}

/** Whether a process runs (zombies aside; see pidAlive). */
export const processAlive = pidAlive;

/** Whether any process of group `pgid` still runs (zombies aside). */
export function groupAlive(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  return entries.some((e) => {
    const st = procStat(e);
    return st !== undefined && st.pgrp === pgid && st.state !== 'Z';
  });
}

/** Waits until no process of the group is left; SIGKILLs what is left after `graceMs`. */
export async function waitGroupGone(pgid: number, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(50);
  if (groupAlive(pgid)) {
    signalGroup(pgid, 'SIGKILL');
    for (let i = 0; i < 40 && groupAlive(pgid); i++) await sleep(25);
  }
}

function liveOrphans(dir: string): number[] {
  let text: string;
  try {
    text = readFileSync(path.join(dir, CHILDREN_FILE), 'utf8');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as ChildEntry;
      if (e.host !== hostname()) continue;
      if (processAlive(e.pid)) {
        if (e.procStart !== undefined && procStartOf(e.pid) !== e.procStart) continue; // pid reused
      } else if (!groupAlive(e.pid)) continue;
      // Leader alive and the same process, or leader gone but its group left behind (Linux does not
      // hand out a pid that still names a process group, so that group is ours).
      pids.push(e.pid);
    } catch {
      /* a torn last line from a killed writer */
    }
  }
  return pids;
}

/** Stops leftover children of an earlier attempt (SIGTERM, then SIGKILL after `graceMs`), then forgets them. */
export async function reapOrphans(dir: string, graceMs = 10_000): Promise<number[]> {
  const pids = liveOrphans(dir);
  const signal = (pid: number, sig: NodeJS.Signals): void => {
    // The group (stage commands lead their own), and the pid itself for children recorded before that.
    signalGroup(pid, sig);
    try {
      process.kill(pid, sig);
    } catch {
      /* gone */
    }
  };
  const alive = (pid: number): boolean => processAlive(pid) || groupAlive(pid);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) await sleep(100);
  for (const pid of pids) if (alive(pid)) signal(pid, 'SIGKILL');
  rmSync(path.join(dir, CHILDREN_FILE), { force: true });
  return pids;
}
