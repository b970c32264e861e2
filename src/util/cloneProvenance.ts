/**
 * Exactly which tool ran: a package version, or for a clone (the BigCode harness, LiveCodeBench)
 * its commit, whether its work tree has local edits, and a hash of those edits (`git diff HEAD`,
 * plus the names and contents of untracked files), so a modified clone never shares cached
 * evaluations with the clean commit. Synchronous and memoized per folder: the planner calls it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { sha256 } from './hash.js';

export interface CloneProvenance {
  path: string;
  /** Absent when the folder is not a git checkout of its own. */
  commit?: string;
  dirty?: boolean;
  /** sha256 of `git diff HEAD` and the untracked files, when dirty. */
  diffSha256?: string;
}

function git(dir: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', ['-C', dir, ...args], { encoding: 'buffer', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 256 * 1024 * 1024 }).toString('utf8');
  } catch {
    return undefined;
  }
}

const memo = new Map<string, CloneProvenance>();

/** Provenance of a clone folder (memoized for the process: a plan asks once per stage). */
export function cloneProvenance(dir: string, opts: { fresh?: boolean } = {}): CloneProvenance {
  const abs = path.resolve(dir);
  const known = memo.get(abs);
  if (known && !opts.fresh) return known;
  const out: CloneProvenance = { path: abs };
  const top = existsSync(abs) ? git(abs, ['rev-parse', '--show-toplevel'])?.trim() : undefined;
  // A folder inside some other repository (a vendored copy) has no commit of its own.
  if (top && realpathSync(top) === realpathSync(abs)) {
    const head = git(abs, ['rev-parse', 'HEAD'])?.trim();
    if (head) {
      out.commit = head;
      const diff = git(abs, ['diff', 'HEAD', '--binary']) ?? '';
      const untracked = (git(abs, ['ls-files', '--others', '--exclude-standard', '-z']) ?? '').split('\0').filter(Boolean).sort();
      const parts = [diff, ...untracked.map((f) => {
        const p = path.join(abs, f);
        return `\0${f}\0${statSync(p).isFile() ? sha256(readFileSync(p)) : ''}`;
      })];
      out.dirty = diff.length > 0 || untracked.length > 0;
      if (out.dirty) out.diffSha256 = sha256(parts.join(''));
    }
  }
  memo.set(abs, out);
  return out;
}

/** One string naming the clone exactly: `git:<commit>`, `git:<commit>+dirty:<diff hash 16>`, or `folder:<path>` without git. */
export function cloneVersion(p: CloneProvenance): string {
  if (!p.commit) return `folder:${p.path}`;
  return p.dirty ? `git:${p.commit}+dirty:${p.diffSha256!.slice(0, 16)}` : `git:${p.commit}`;
}
