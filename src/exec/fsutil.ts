import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open as openAsync, rename as renameAsync, rm as rmAsync } from 'node:fs/promises';
import path from 'node:path';

/** A temp name beside `file`, so the final rename stays on one filesystem (and is atomic). */
export function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** True for the temp names `tempNameFor` makes: never outputs, never part of a record. */
export function isTempName(name: string): boolean {
  return /^\..+\.tmp-\d+-[0-9a-f]{8}$/.test(name);
}

/** Writes `file` so a reader sees either the old content or the whole new one, never a part. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = tempNameFor(file);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * The same, asynchronously: the fsync runs on libuv's thread pool, so many stages finishing at once
 * overlap their syncs (and the filesystem can commit them together) instead of queueing on the event loop.
 */
export async function writeFileAtomicAsync(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempNameFor(file);
  const fh = await openAsync(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await renameAsync(tmp, file);
  } catch (err) {
    await rmAsync(tmp, { force: true });
    throw err;
  }
}

export function readJsonIfExists<T>(file: string): T | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** The last `maxLines` lines of a text file ('' when it does not exist). Reads at most the last 64 KiB. */
export function tailOfFile(file: string, maxLines = 40): string {
  let buf: Buffer;
  try {
    const fd = openSync(file, 'r');
    try {
      const { size } = fstatSync(fd);
      const len = Math.min(size, 64 * 1024);
      buf = Buffer.alloc(len);
      readAt(fd, buf, size - len);
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
  const lines = buf.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-maxLines).join('\n');
}

function readAt(fd: number, buf: Buffer, position: number): void {
  let off = 0;
  while (off < buf.length) {
    const n = readSync(fd, buf, off, buf.length - off, position + off);
    if (n === 0) break;
    off += n;
  }
}
