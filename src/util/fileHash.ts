import { createRequire } from 'node:module';
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

/**
 * XXH3-64 of a file, synchronously (the reuse check runs inside synchronous "is it done?" questions),
 * memoized like the sha256s. The native module loads on first use only.
 */
export function fileXxh3Sync(file: string): string {
  const key = `xxh3\0${memoKey(file)}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const { xxh3 } = createRequire(import.meta.url)('@node-rs/xxhash') as typeof import('@node-rs/xxhash');
  const h = xxh3.Xxh3.withSeed(0n);
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(HASH_CHUNK);
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  const digest = h.digest().toString(16).padStart(16, '0');
  memo.set(key, digest);
  return digest;
}

/** Bytes read per call while hashing large files: few syscalls, little memory. */
const HASH_CHUNK = 8 * 1024 * 1024;

/**
 * XXH3-64 of a file's bytes (the value `xxhsum -H3` prints), as 16 hex digits: exact (every byte is read)
 * and several times faster than sha256, for the outputs of finished stages (a merged 7B model is ~14 GB).
 * Not a security hash: it proves the outputs are the ones written, not that nobody forged them. The next
 * chunk is read while the current one is hashed.
 */
export async function fileXxh3(file: string): Promise<string> {
  const { xxh3 } = await import('@node-rs/xxhash');
  const { open } = await import('node:fs/promises');
  const h = xxh3.Xxh3.withSeed(0n);
  const fh = await open(file, 'r');
  try {
    let bufs = [Buffer.allocUnsafe(HASH_CHUNK), Buffer.allocUnsafe(HASH_CHUNK)];
    let pending = fh.read(bufs[0]!, 0, HASH_CHUNK, null);
    for (;;) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) break;
      bufs = [bufs[1]!, bufs[0]!];
      pending = fh.read(bufs[0]!, 0, HASH_CHUNK, null);
      h.update(buffer.subarray(0, bytesRead));
    }
    return h.digest().toString(16).padStart(16, '0');
  } finally {
    await fh.close();
  }
}
