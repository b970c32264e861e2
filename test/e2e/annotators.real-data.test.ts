// e2e tier (real data): reads ../shared/data (see test/helpers/fixtures.ts); the rest is in test/unit/annotators.test.ts.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { realDataFor } from '../helpers/fixtures.js';
import {
  annotateComplexity,
  checkScoreGate,
  type AnnotatableRecord,
  type AnnotateContext,
} from '../../src/data/annotators/index.js';
import { hashId } from '../../src/util/hash.js';

const dataDir = realDataFor('the tests on the real data sets') ?? '';

function rec(instruction: string, extra: Partial<AnnotatableRecord> = {}): AnnotatableRecord {
  const base = { instruction, input: '', output: extra.output ?? 'ok', source: 'test', domain: 'code', ...extra };
  return { ...base, id: hashId('record', { instruction: base.instruction, input: base.input, output: base.output }) };
}



let tmp: string;
let lines: string[];
function ctx(cacheName = 'cache'): AnnotateContext {
  return { cacheDir: path.join(tmp, cacheName), specDir: tmp, log: (l) => lines.push(l) };
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'ablate-annotators-'));
  lines = [];
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
describe.skipIf(!dataDir)('heuristic complexity on real data', () => {
    test('annotateComplexity(heuristic) on real data: spread-out scores, cached on the second call', async () => {
      const raw = JSON.parse(await readFile(path.join(dataDir, 'code_alpaca_2k.json'), 'utf8')) as { instruction: string; input: string; output: string }[];
      const records = raw.slice(0, 500).map((r) => rec(r.instruction, { input: r.input, output: r.output }));
      lines = [];
      const c = ctx('heuristic');
      const a = await annotateComplexity(records, { method: 'heuristic' }, c);
      expect(a.length).toBe(500);
      expect(checkScoreGate(a)).toBeUndefined();
      expect(lines.some((l) => /computing 500/.test(l))).toBe(true);
      lines = [];
      const b = await annotateComplexity(records, {}, c);
      expect(Array.from(b)).toEqual(Array.from(a));
      expect(lines.some((l) => /computing/.test(l))).toBe(false);
    });
});
