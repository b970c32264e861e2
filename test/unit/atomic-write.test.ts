/**
 * The one atomic writer under injected faults: ENOSPC and short writes at random points of every
 * call it makes. Whatever fails, the final name holds the old content or the whole new one, and no
 * temp file stays behind.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { AtomicFileWriter, writeFileAtomic, writeFileAtomicAsync, writeNewFileSync, type AsyncWriteFs, type SyncWriteFs } from '../../src/util/atomicFile.js';
import { tempDir } from './exec-fixtures.js';

type Fault = 'enospc' | 'short' | 'zero';

/** Decides, call by call, whether to fail; the same seed gives the same faults. */
class Faults {
  private rng: ReturnType<typeof xoroshiro128plus>;
  calls = 0;
  injected = 0;
  constructor(
    seed: number,
    private readonly rate: number,
  ) {
    this.rng = xoroshiro128plus(seed);
  }
  private next(): number {
    return uniformInt(this.rng, 0, 999_999) / 1_000_000;
  }
  pick(kinds: readonly Fault[]): Fault | undefined {
    this.calls++;
    if (this.next() >= this.rate) return undefined;
    this.injected++;
    return kinds[Math.floor(this.next() * kinds.length)];
  }
  fraction(): number {
    return this.next();
  }
}

const enospc = (): Error => Object.assign(new Error('ENOSPC: no space left on device (injected)'), { code: 'ENOSPC' });

function faultySync(f: Faults): SyncWriteFs {
  return {
    openSync: (file, flags) => {
      if (f.pick(['enospc'])) throw enospc();
      return fs.openSync(file, flags);
    },
    writeSync: (fd, buf, off, len) => {
      const fault = f.pick(['enospc', 'short', 'zero']);
      if (fault === 'enospc') {
        // A real full disk often takes part of the buffer first: write some, then fail.
        fs.writeSync(fd, buf, off, Math.floor(len * f.fraction()));
        throw enospc();
      }
      if (fault === 'zero') return 0;
      if (fault === 'short' && len > 1) return fs.writeSync(fd, buf, off, 1 + Math.floor((len - 1) * f.fraction()));
      return fs.writeSync(fd, buf, off, len);
    },
    fsyncSync: (fd) => {
      if (f.pick(['enospc'])) throw enospc();
      fs.fsyncSync(fd);
    },
    closeSync: (fd) => {
      fs.closeSync(fd);
      if (f.pick(['enospc'])) throw enospc();
    },
    renameSync: (a, b) => {
      if (f.pick(['enospc'])) throw enospc();
      fs.renameSync(a, b);
    },
    rmSync: (p, o) => fs.rmSync(p, o),
  };
}

function faultyAsync(f: Faults): AsyncWriteFs {
  return {
    open: async (file, flags) => {
      if (f.pick(['enospc'])) throw enospc();
      const h = await fsp.open(file, flags);
      return {
        write: async (buf, off, len) => {
          const fault = f.pick(['enospc', 'short', 'zero']);
          if (fault === 'enospc') {
            await h.write(buf, off, Math.floor(len * f.fraction()));
            throw enospc();
          }
          if (fault === 'zero') return { bytesWritten: 0 };
          if (fault === 'short' && len > 1) return h.write(buf, off, 1 + Math.floor((len - 1) * f.fraction()));
          return h.write(buf, off, len);
        },
        sync: async () => {
          if (f.pick(['enospc'])) throw enospc();
          await h.sync();
        },
        close: async () => {
          await h.close();
          if (f.pick(['enospc'])) throw enospc();
        },
      };
    },
    rename: async (a, b) => {
      if (f.pick(['enospc'])) throw enospc();
      await fsp.rename(a, b);
    },
    rm: (p, o) => fsp.rm(p, o),
  };
}

/** A payload whose every prefix is detectably incomplete (length and checksum in the last line). */
function payload(i: number, lines: number): string {
  const body = Array.from({ length: lines }, (_, k) => `{"i":${i},"k":${k},"pad":"${'x'.repeat((i * 7 + k) % 50)}"}\n`).join('');
  return `${body}{"end":${body.length}}\n`;
}

function assertWhole(file: string, accepted: ReadonlySet<string>): void {
  if (!fs.existsSync(file)) return;
  const text = fs.readFileSync(file, 'utf8');
  expect(accepted.has(text), `${file} holds ${text.length} bytes that are no complete version`).toBe(true);
}

const temps = (dir: string): string[] => fs.readdirSync(dir).filter((n) => n.includes('.tmp-'));

describe('atomic writer under injected faults', () => {
  const ROUNDS = 400;

  it('sync: ENOSPC, short and zero-byte writes at random calls never leave a partial file or a temp', () => {
    const dir = tempDir('ablate-atomic-');
    const file = path.join(dir, 'ablate.lock.json');
    const accepted = new Set<string>();
    const f = new Faults(13, 0.15);
    let ok = 0;
    let failed = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const data = payload(i, 1 + (i % 40));
      accepted.add(data);
      const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
      try {
        writeFileAtomic(file, data, faultySync(f));
        ok++;
        expect(fs.readFileSync(file, 'utf8')).toBe(data);
      } catch (err) {
        failed++;
        expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
        // A failed write keeps the previous version exactly.
        expect(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined).toBe(before);
      }
      assertWhole(file, accepted);
      expect(temps(dir)).toEqual([]);
    }
    expect(f.injected).toBeGreaterThan(100);
    expect(ok).toBeGreaterThan(50);
    expect(failed).toBeGreaterThan(50);
  });

  it('writeNewFileSync (the stage lock) removes its file on failure', () => {
    const dir = tempDir('ablate-atomic-');
    const f = new Faults(7, 0.3);
    for (let i = 0; i < ROUNDS; i++) {
      const file = path.join(dir, `lock-${i}`);
      const data = payload(i, 3);
      try {
        writeNewFileSync(file, data, { fs: faultySync(f), sync: i % 2 === 0 });
        expect(fs.readFileSync(file, 'utf8')).toBe(data);
        fs.rmSync(file);
      } catch {
        expect(fs.existsSync(file)).toBe(false);
      }
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('async and streaming: the same under faults, across the 1 MiB flush boundary', async () => {
    const dir = tempDir('ablate-atomic-');
    const file = path.join(dir, 'data.jsonl');
    const accepted = new Set<string>();
    const f = new Faults(42, 0.08);
    let ok = 0;
    for (let i = 0; i < 120; i++) {
      // Every tenth is a big streamed file (several flushes); the rest whole-buffer writes.
      const big = i % 10 === 0;
      const data = payload(i, big ? 40_000 : 1 + (i % 30));
      accepted.add(data);
      const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
      try {
        if (big) {
          const w = await AtomicFileWriter.open(file, faultyAsync(f));
          try {
            for (const line of data.split(/(?<=\n)/)) await w.write(line);
          } catch (err) {
            await w.abort();
            throw err;
          }
          await w.commit();
        } else {
          await writeFileAtomicAsync(file, data, faultyAsync(f));
        }
        ok++;
        expect(fs.readFileSync(file, 'utf8')).toBe(data);
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
        expect(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined).toBe(before);
      }
      assertWhole(file, accepted);
      expect(temps(dir)).toEqual([]);
    }
    expect(ok).toBeGreaterThan(20);
    expect(f.injected).toBeGreaterThan(20);
  });

  it('a writer that failed cannot be committed, and abort leaves the old file', async () => {
    const dir = tempDir('ablate-atomic-');
    const file = path.join(dir, 'x.json');
    fs.writeFileSync(file, 'old\n');
    const w = await AtomicFileWriter.open(file);
    await w.write('new');
    await w.abort();
    await expect(w.commit()).rejects.toThrow(/after it was committed or aborted/);
    expect(fs.readFileSync(file, 'utf8')).toBe('old\n');
    expect(temps(dir)).toEqual([]);
  });
});
