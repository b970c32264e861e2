import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';

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
  // In pieces: an adapter or a merged model may be gigabytes.
  const hash = createHash('sha256');
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  const digest = hash.digest('hex');
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
