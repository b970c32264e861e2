/**
 * A short private temporary folder for one stage's tools, never inside the results tree. Python's
 * multiprocessing (the BigCode harness's code execution, LiveCodeBench's) puts a Unix socket under
 * TMPDIR, and a socket path holds at most 107 bytes: a folder deep in a results tree breaks it.
 * Node-local scratch under SLURM (`$SLURM_TMPDIR`, else the job's `$TMPDIR`), else the system temp
 * folder; a base too long to leave room for the tool's own names falls back to /tmp.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Longest base folder that still leaves room below for multiprocessing's `pymp-XXXXXXXX/listener-XXXXXXXX` and a tool's own levels. */
export const MAX_SCRATCH_BASE = 40;

export function scratchBase(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.SLURM_TMPDIR, env.TMPDIR, os.tmpdir(), '/tmp'].filter((d): d is string => Boolean(d));
  return candidates.find((d) => path.isAbsolute(d) && d.length <= MAX_SCRATCH_BASE) ?? '/tmp';
}

/** Creates `<base>/ablate-XXXXXX` (mode 0700, as mkdtemp makes it); `remove()` deletes it with everything in it. */
export function privateScratch(env: NodeJS.ProcessEnv = process.env): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(scratchBase(env), 'ablate-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What plans and dry runs show for it: created only when the stage runs. */
export const SCRATCH_PLACEHOLDER = '<private temp dir>';
