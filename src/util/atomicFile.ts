/**
 * The one way ablate writes a file: into a temp name beside it, every byte (a short write is
 * continued, never ignored), fsync, then rename over the final name; on any failure the temp file is
 * removed and the final name keeps its old content (or stays absent). A reader therefore sees the
 * old file or the whole new one, never a part. (npm's write-file-atomic ignores the byte count of
 * fs.write, which is exactly the short write this exists to catch, and has no streaming form.)
 *
 * The file-system calls are injected (default: node:fs) so a test can make any of them fail or
 * write short at any point.
 */
import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs';
import * as nodeFsp from 'node:fs/promises';
import path from 'node:path';

/** A temp name beside `file`, so the final rename stays on one filesystem (and is atomic). */
export function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** True for the temp names `tempNameFor` makes: never outputs, never part of a record. */
export function isTempName(name: string): boolean {
  return /^\..+\.tmp-\d+-[0-9a-f]{8}$/.test(name);
}

/** The synchronous calls the writer makes. */
export interface SyncWriteFs {
  openSync(file: string, flags: string): number;
  writeSync(fd: number, buf: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  rmSync(file: string, opts: { force: true }): void;
}

export interface AsyncWriteHandle {
  write(buf: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The asynchronous calls the writer makes (fsync runs on libuv's pool, so many writers overlap). */
export interface AsyncWriteFs {
  open(file: string, flags: string): Promise<AsyncWriteHandle>;
  rename(from: string, to: string): Promise<void>;
  rm(file: string, opts: { force: true }): Promise<void>;
}

const defaultSyncFs: SyncWriteFs = nodeFs;
const defaultAsyncFs: AsyncWriteFs = {
  open: (file, flags) => nodeFsp.open(file, flags),
  rename: nodeFsp.rename,
  rm: nodeFsp.rm,
};

/** A write that makes no progress would loop forever: it is an error like the ENOSPC it usually means. */
function noProgress(file: string): Error {
  return Object.assign(new Error(`ENOSPC: no space left on device, write made no progress on ${file}`), { code: 'ENOSPC' });
}

/** Names the file in a write error (Node's write errors carry no path): "ENOSPC: ..., write (writing x.json)". */
function naming(err: unknown, file: string): unknown {
  if (err instanceof Error && !err.message.includes(file)) err.message = `${err.message} (writing ${file})`;
  return err;
}

const toBytes = (data: string | Uint8Array): Uint8Array => (typeof data === 'string' ? Buffer.from(data) : data);

/** Writes all of `buf`, continuing after short writes. */
function writeAllSync(fs: SyncWriteFs, fd: number, buf: Uint8Array, file: string): void {
  let off = 0;
  while (off < buf.length) {
    const n = fs.writeSync(fd, buf, off, buf.length - off);
    if (!(n > 0)) throw noProgress(file);
    off += n;
  }
}

async function writeAll(h: AsyncWriteHandle, buf: Uint8Array, file: string): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await h.write(buf, off, buf.length - off);
    if (!(bytesWritten > 0)) throw noProgress(file);
    off += bytesWritten;
  }
}

/**
 * Makes the rename itself durable. Best effort: some filesystems refuse fsync on a folder, and the
 * file's own content is already synced.
 */
function syncDir(dir: string): void {
  try {
    const fd = nodeFs.openSync(dir, 'r');
    try {
      nodeFs.fsyncSync(fd);
    } finally {
      nodeFs.closeSync(fd);
    }
  } catch {
    /* not supported here */
  }
}

/**
 * Creates `file` (which must not exist) with all of `data`, fsynced unless `sync` is false; on any
 * failure the file is removed. The temp half of writeFileAtomic, and what the stage lock publishes by link.
 */
export function writeNewFileSync(file: string, data: string | Uint8Array, opts: { sync?: boolean; fs?: SyncWriteFs; /** The name errors give. */ as?: string } = {}): void {
  const fs = opts.fs ?? defaultSyncFs;
  const fd = fs.openSync(file, 'wx');
  let closed = false;
  try {
    writeAllSync(fs, fd, toBytes(data), file);
    if (opts.sync !== false) fs.fsyncSync(fd);
    closed = true;
    fs.closeSync(fd);
  } catch (err) {
    if (!closed) {
      try {
        fs.closeSync(fd);
      } catch {
        /* already failing */
      }
    }
    fs.rmSync(file, { force: true });
    throw naming(err, opts.as ?? file);
  }
}

/** Writes `file` so a reader sees either the old content or the whole new one, never a part. */
export function writeFileAtomic(file: string, data: string | Uint8Array, fs: SyncWriteFs = defaultSyncFs): void {
  const tmp = tempNameFor(file);
  writeNewFileSync(tmp, data, { fs, as: file });
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw naming(err, file);
  }
  if (fs === defaultSyncFs) syncDir(path.dirname(file));
}

/** The same, asynchronously. */
export async function writeFileAtomicAsync(file: string, data: string | Uint8Array, fs: AsyncWriteFs = defaultAsyncFs): Promise<void> {
  const w = await AtomicFileWriter.open(file, fs);
  await w.write(data);
  await w.commit();
}

/** Bytes gathered before one write call: few syscalls for many small lines. */
const FLUSH_BYTES = 1 << 20;

/**
 * A file written piece by piece (a dataset's lines, a tarball) that appears under its final name
 * only on `commit()`. `abort()` (or a failed write or commit) removes the temp file; a writer that
 * failed cannot be committed.
 */
export class AtomicFileWriter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Committed or aborted: nothing more may be written. */
  private finished = false;
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly tmp: string,
    private readonly handle: AsyncWriteHandle,
    private readonly fs: AsyncWriteFs,
  ) {}

  static async open(file: string, fs: AsyncWriteFs = defaultAsyncFs): Promise<AtomicFileWriter> {
    const tmp = tempNameFor(file);
    try {
      return new AtomicFileWriter(file, tmp, await fs.open(tmp, 'wx'), fs);
    } catch (err) {
      throw naming(err, file);
    }
  }

  async write(data: string | Uint8Array): Promise<void> {
    if (this.finished) throw new Error(`write to ${this.file} after it was committed or aborted`);
    const buf = toBytes(data);
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    if (this.pendingBytes >= FLUSH_BYTES) await this.orAbort(() => this.flush());
  }

  async commit(): Promise<void> {
    if (this.finished) throw new Error(`commit of ${this.file} after it was committed or aborted`);
    await this.orAbort(async () => {
      await this.flush();
      await this.handle.sync();
      this.closed = true;
      await this.handle.close();
      await this.fs.rename(this.tmp, this.file);
    });
    this.finished = true;
    if (this.fs === defaultAsyncFs) syncDir(path.dirname(this.file));
  }

  /** Drops what was written; the final name is untouched. Safe to call more than once. */
  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.pending = [];
    if (!this.closed) {
      this.closed = true;
      await this.handle.close().catch(() => undefined);
    }
    await this.fs.rm(this.tmp, { force: true });
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    await writeAll(this.handle, buf, this.file);
  }

  private async orAbort(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      await this.abort().catch(() => undefined);
      throw naming(err, this.file);
    }
  }
}

/** Writes every chunk of `source` to `file` atomically (a download, a gzip stream). */
export async function writeStreamAtomic(file: string, source: AsyncIterable<Uint8Array | string>, fs: AsyncWriteFs = defaultAsyncFs): Promise<void> {
  const w = await AtomicFileWriter.open(file, fs);
  try {
    for await (const chunk of source) await w.write(chunk);
  } catch (err) {
    await w.abort();
    throw err;
  }
  await w.commit();
}
