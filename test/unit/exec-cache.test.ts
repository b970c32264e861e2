import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainCache, FAILURE_RECORD, hashOutputs, verifyOutputs, inputHashes, isDone, readCompletion, readFailure, writeCompletion, writeFailure } from '../../src/exec/cache.js';
import { xxh3 } from '@node-rs/xxhash';
import { fileXxh3 } from '../../src/util/fileHash.js';
import { sha256 } from '../../src/util/hash.js';
import { makePlan, tempDir } from './exec-fixtures.js';

const oneShot = (text: string): string => xxh3.xxh64(Buffer.from(text)).toString(16).padStart(16, '0');

describe('completion records', () => {
  it('records outputs with their XXH3-64, skips internal files, and is the last write', async () => {
    const root = tempDir();
    const plan = makePlan(root, { runs: 1 });
    const stage = plan.stages.get('trn0000')!;
    mkdirSync(path.join(stage.dir, 'output', 'ckpt'), { recursive: true });
    writeFileSync(path.join(stage.dir, 'metrics.json'), '{"loss":1}');
    writeFileSync(path.join(stage.dir, 'output', 'ckpt', 'w.bin'), 'weights');
    writeFileSync(path.join(stage.dir, 'ablate-stage.log'), 'log');
    writeFileSync(path.join(stage.dir, '.ablate-lock'), '{}');
    writeFileSync(path.join(stage.dir, '.metrics.json.tmp-1-abcdef01'), 'partial');
    writeFailure(stage, { error: 'boom', interrupted: false });
    expect(readFailure(stage)?.error).toBe('boom');
    expect(isDone(stage)).toBe(false);
    const rec = await writeCompletion(stage, { startedAt: new Date(1000), finishedAt: new Date(3500), executor: 'local', tools: { llamafactory: '0.9.3' } });
    expect(isDone(stage)).toBe(true);
    expect(existsSync(path.join(stage.dir, FAILURE_RECORD))).toBe(false);
    expect(rec.outputs).toEqual([
      { path: 'metrics.json', bytes: 10, mtimeMs: expect.any(Number), xxh3: oneShot('{"loss":1}') },
      { path: 'output/ckpt/w.bin', bytes: 7, mtimeMs: expect.any(Number), xxh3: oneShot('weights') },
    ]);
    expect(rec.durationMs).toBe(2500);
    expect(rec.exitCode).toBe(0);
    expect(rec.tools).toEqual({ llamafactory: '0.9.3' });
    expect(readCompletion(stage)).toEqual(rec);
    expect(JSON.parse(readFileSync(path.join(stage.dir, 'ablate-stage.json'), 'utf8')).inputsHash).toBe(inputHashes(stage).inputsHash);
    expect(await hashOutputs(stage.dir)).toEqual(rec.outputs);
  });

  it('the chunked, read-ahead file hash equals the one-shot XXH3-64 of the bytes (files larger than a chunk, empty files)', async () => {
    const dir = tempDir();
    // 21 MiB + 3 bytes: two full 8 MiB chunks and a short one; content varies so a skipped chunk would show.
    const big = Buffer.alloc(21 * 1024 * 1024 + 3);
    for (let i = 0; i < big.length; i += 4093) big[i] = (i / 4093) & 255;
    writeFileSync(path.join(dir, 'big.bin'), big);
    writeFileSync(path.join(dir, 'empty'), '');
    expect(await fileXxh3(path.join(dir, 'big.bin'))).toBe(xxh3.xxh64(big).toString(16).padStart(16, '0'));
    expect(await fileXxh3(path.join(dir, 'empty'))).toBe(oneShot(''));
    // The known XXH3-64 of "abc" (what `xxhsum -H3` prints).
    writeFileSync(path.join(dir, 'abc'), 'abc');
    expect(await fileXxh3(path.join(dir, 'abc'))).toBe('78af5f94892f3950');
  });

  it('verify re-hashes on demand: a changed, resized, missing or extra output is named; old sha256 records still verify', async () => {
    const plan = makePlan(tempDir(), { runs: 1 });
    const stage = plan.stages.get('trn0000')!;
    mkdirSync(stage.dir, { recursive: true });
    for (const f of ['a.txt', 'b.txt', 'c.txt']) writeFileSync(path.join(stage.dir, f), `content of ${f}`);
    await writeCompletion(stage, { startedAt: new Date(), finishedAt: new Date(), executor: 'local' });
    expect(await verifyOutputs(stage)).toEqual([]);
    writeFileSync(path.join(stage.dir, 'a.txt'), 'content of a.tx!');
    writeFileSync(path.join(stage.dir, 'b.txt'), 'short');
    writeFileSync(path.join(stage.dir, 'd.txt'), 'new');
    const problems = await verifyOutputs(stage);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^a\.txt: content changed \(xxh3 [0-9a-f]{16}, the record says [0-9a-f]{16}\)$/);
    expect(problems[1]).toMatch(/^b\.txt: 5 bytes, the record says 16$/);
    expect(problems[2]).toBe('d.txt: not in the completion record');
    // A record written before the fast hash carries sha256: still checked, with sha256.
    const rec = readCompletion(stage)!;
    rec.outputs = [{ path: 'c.txt', bytes: 16, sha256: sha256('content of c.txt') }];
    writeFileSync(path.join(stage.dir, 'ablate-stage.json'), JSON.stringify(rec));
    for (const f of ['a.txt', 'b.txt', 'd.txt']) writeFileSync(path.join(stage.dir, f), '');
    const { rmSync } = await import('node:fs');
    for (const f of ['a.txt', 'b.txt', 'd.txt']) rmSync(path.join(stage.dir, f));
    expect(await verifyOutputs(stage)).toEqual([]);
    writeFileSync(path.join(stage.dir, 'c.txt'), 'content of c.tx?');
    expect(await verifyOutputs(stage)).toEqual([expect.stringMatching(/^c\.txt: content changed \(sha256 /)]);
  });

  it('input hashes are per input and independent of key order', () => {
    const a = inputHashes({ inputs: { x: { p: 1, q: 2 }, y: 'b' }, deps: ['d2', 'd1'] });
    const b = inputHashes({ inputs: { y: 'b', x: { q: 2, p: 1 } }, deps: ['d1', 'd2'] });
    expect(a).toEqual(b);
    const c = inputHashes({ inputs: { x: { p: 1, q: 3 }, y: 'b' }, deps: ['d1', 'd2'] });
    expect(c.inputHashes['y']).toBe(a.inputHashes['y']);
    expect(c.inputHashes['x']).not.toBe(a.inputHashes['x']);
  });

  it('explains why a stage is or is not cached', async () => {
    const root = tempDir();
    const plan = makePlan(root, { runs: 1 });
    const mat = plan.stages.get('mat0000')!;
    const trn = plan.stages.get('trn0000')!;
    expect(explainCache(trn, () => false).join('\n')).toMatch(/never run[\s\S]*waits for 1 upstream stage\(s\): mat0000/);
    mkdirSync(mat.dir, { recursive: true });
    expect(explainCache(mat, () => true)[0]).toMatch(/interrupted attempt/);
    writeFailure(mat, { error: 'disk full', interrupted: false });
    expect(explainCache(mat, () => true)[0]).toMatch(/failed at .*: disk full/);
    await writeCompletion(mat, { startedAt: new Date(), finishedAt: new Date(), executor: 'local' });
    expect(explainCache(mat, () => true)[0]).toMatch(/^cached: completion record/);
    const changed = { ...mat, inputs: { ...mat.inputs, seed: 7 } };
    expect(explainCache(changed, () => true)[0]).toMatch(/inputs differ .*\(seed\)/);
  });
});
