import { appendFileSync, readFileSync, rmSync } from 'node:fs';
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
      if (e.host !== hostname() || !pidAlive(e.pid)) continue;
      if (e.procStart !== undefined && procStartOf(e.pid) !== e.procStart) continue; // pid reused
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
    try {
      process.kill(pid, sig);
    } catch {
      /* gone */
    }
  };
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(pidAlive) && Date.now() < deadline) await sleep(100);
  for (const pid of pids) if (pidAlive(pid)) signal(pid, 'SIGKILL');
  rmSync(path.join(dir, CHILDREN_FILE), { force: true });
  return pids;
}
