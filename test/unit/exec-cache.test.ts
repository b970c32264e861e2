import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainCache, FAILURE_RECORD, hashOutputs, inputHashes, isDone, readCompletion, readFailure, writeCompletion, writeFailure } from '../../src/exec/cache.js';
import { sha256 } from '../../src/util/hash.js';
import { makePlan, tempDir } from './exec-fixtures.js';

describe('completion records', () => {
  it('records outputs with sha256, skips internal files, and is the last write', async () => {
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
      { path: 'metrics.json', bytes: 10, mtimeMs: expect.any(Number), sha256: sha256('{"loss":1}') },
      { path: 'output/ckpt/w.bin', bytes: 7, mtimeMs: expect.any(Number), sha256: sha256('weights') },
    ]);
    expect(rec.durationMs).toBe(2500);
    expect(rec.exitCode).toBe(0);
    expect(rec.tools).toEqual({ llamafactory: '0.9.3' });
    expect(readCompletion(stage)).toEqual(rec);
    expect(JSON.parse(readFileSync(path.join(stage.dir, 'ablate-stage.json'), 'utf8')).inputsHash).toBe(inputHashes(stage).inputsHash);
    expect(await hashOutputs(stage.dir)).toEqual(rec.outputs);
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
