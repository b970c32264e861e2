import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';

/**
 * Content hashes of local files, memoized by path + size + mtime so a sweep that names one
 * 200 MB source many times reads it once (keys stay content-based; the memo only skips re-reading).
 */
const memo = new Map<string, string>();

function memoKey(file: string): string {
  const st = statSync(file);
  return `${file}\0${st.size}\0${st.mtimeMs}`;
}

export function fileSha256Sync(file: string): string {
  const key = memoKey(file);
  const hit = memo.get(key);
  if (hit) return hit;
  const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
  memo.set(key, digest);
  return digest;
}

export async function fileSha256(file: string): Promise<string> {
  const key = memoKey(file);
  const hit = memo.get(key);
  if (hit) return hit;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  const digest = hash.digest('hex');
  memo.set(key, digest);
  return digest;
}
