/**
 * Checked reuse: a completion record is a claim about files on disk, and a claim is checked before
 * a stage is reused. Every run checks that each recorded output exists with its recorded size, and
 * re-hashes any whose modification time differs from the record (an edit, a copy); `full` (verify,
 * export, `run --check`) re-hashes everything. A mismatch names the file; the stage is then pending.
 */
import { lstatSync } from 'node:fs';
import path from 'node:path';
import { fileSha256Sync, fileXxh3Sync } from '../util/fileHash.js';
import type { CompletionRecord, OutputEntry } from './cache.js';

export type CheckDepth = 'fast' | 'full';

let defaultDepth: CheckDepth = 'fast';

/** `ablate run --check`: every reuse in this process re-hashes all outputs. */
export function setReuseCheckDepth(depth: CheckDepth): void {
  defaultDepth = depth;
}

function entryProblem(dir: string, o: OutputEntry, depth: CheckDepth): string | undefined {
  const abs = path.join(dir, ...o.path.split('/'));
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    return `${o.path} is missing`;
  }
  if (!st.isFile()) return `${o.path} is not a file`;
  if (st.size !== o.bytes) return `${o.path} has ${st.size} bytes, its completion record says ${o.bytes}`;
  if (depth === 'fast' && o.mtimeMs !== undefined && st.mtimeMs === o.mtimeMs) return undefined;
  // XXH3 in records since the fast hash; sha256 in older ones.
  const [algo, want] = o.xxh3 !== undefined ? (['xxh3', o.xxh3] as const) : (['sha256', o.sha256] as const);
  if (want === undefined) return `${o.path} has no content hash in its completion record`;
  let digest: string;
  try {
    digest = algo === 'xxh3' ? fileXxh3Sync(abs) : fileSha256Sync(abs);
  } catch (err) {
    return `${o.path} is unreadable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  return digest === want ? undefined : `${o.path} changed since the stage finished (its ${algo} differs from the completion record)`;
}

/** Why the outputs in `dir` do not match `record`; undefined when they do. */
export function outputsProblem(dir: string, record: CompletionRecord, depth: CheckDepth = defaultDepth): string | undefined {
  if (!Array.isArray(record.outputs)) return 'the completion record lists no outputs';
  for (const o of record.outputs) {
    const p = entryProblem(dir, o, depth);
    if (p) return p;
  }
  return undefined;
}
