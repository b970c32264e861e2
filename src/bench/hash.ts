/**
 * Completion-record hashing of a large output (a 2 GB file, as a merged model's shard would be): the
 * XXH3-64 records use now, next to the streaming sha256 they used before, in the same run on the same
 * (page-cached) file. Each is timed twice, alternating, and the faster run counts.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, openSync, closeSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileXxh3 } from '../util/fileHash.js';
import type { BenchRow } from './types.js';

const SIZE = 2 * 1024 ** 3;

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export async function benchHash(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ablate-bench-hash-'));
  const file = path.join(dir, 'shard.bin');
  try {
    // Incompressible-looking content, written in 64 MiB blocks.
    const block = Buffer.alloc(64 * 1024 ** 2);
    for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((i * 2654435761) >>> 0, i);
    const fd = openSync(file, 'w');
    for (let written = 0; written < SIZE; written += block.length) writeSync(fd, block);
    closeSync(fd);
    const time = async (f: () => Promise<unknown>): Promise<number> => {
      const t0 = performance.now();
      await f();
      return (performance.now() - t0) / 1000;
    };
    await fileXxh3(file); // warm the page cache for both
    const sha: number[] = [];
    const xxh: number[] = [];
    for (let i = 0; i < 2; i++) {
      sha.push(await time(() => sha256File(file)));
      xxh.push(await time(() => fileXxh3(file)));
    }
    const gbps = (s: number): number => SIZE / 1e9 / s;
    const [s, x] = [Math.min(...sha), Math.min(...xxh)];
    return [
      { name: 'completion-record hash of a 2 GB output, sha256 (before)', value: gbps(s), unit: 'GB/s' },
      { name: 'completion-record hash of a 2 GB output, XXH3-64 (now)', value: gbps(x), unit: 'GB/s' },
      { name: 'XXH3-64 speed-up over sha256 on the 2 GB output', value: s / x, unit: '×', target: '≥ 3×' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
