// e2e tier (real data): reads ../shared/data (see test/helpers/fixtures.ts); the rest is in test/unit/data-sources.test.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realDataFor } from '../helpers/fixtures.js';
import { recordId } from '../../src/data/records.js';
import { loadSource } from '../../src/data/sources/load.js';

const shared = realDataFor('the tests on the real data sets') ?? '';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'ablate-sources-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const opts = () => ({ specDir: tmp });
describe.skipIf(!shared)('real shared data files', () => {
    it('reads Evol-Instruct-Code (instruction/output) with the evol-instruct preset', async () => {
      const { records, stats } = await loadSource('evol', { path: path.join(shared, 'evol-codealpaca-2k-1.json'), format: 'evol-instruct' }, opts());
      expect(stats.read).toBe(1966);
      expect(stats.malformed).toBe(0);
      expect(stats.records + stats.duplicates).toBe(1966);
      expect(records.length).toBe(stats.records);
      const r = records[0]!;
      expect(r.instruction).toMatch(/^Write an SQL query/);
      expect(r.input).toBe('');
      expect(r.id).toBe(recordId(r.instruction, r.input, r.output));
      expect(r.source).toBe('evol');
      expect(r.domain).toBe('code');
      expect(new Set(records.map((x) => x.id)).size).toBe(records.length);
      expect(stats.sha256).toMatch(/^[0-9a-f]{64}$/);
    });

    it('reads Code Alpaca and Alpaca (alpaca preset) and GSM8K (jsonl, question/answer)', async () => {
      const ca = await loadSource('ca', { path: path.join(shared, 'code_alpaca_2k.json') }, opts());
      expect(ca.stats.read).toBe(2017);
      expect(ca.records.some((r) => r.input !== '')).toBe(true);
      const al = await loadSource('alpaca', { path: path.join(shared, 'alpaca_en_demo.json'), domain: 'general' }, opts());
      expect(al.stats.read).toBe(999);
      expect(al.records.every((r) => r.domain === 'general')).toBe(true);
      const gsm = await loadSource('gsm', { path: path.join(shared, 'gsm8k_train.jsonl'), format: 'gsm8k', domain: 'math' }, opts());
      expect(gsm.stats.read).toBe(7473);
      expect(gsm.records[0]!.instruction).toMatch(/^Natalia sold clips/);
      expect(gsm.records[0]!.output).toMatch(/#### 72$/);
    });

    it('honours limit', async () => {
      const { records } = await loadSource('gsm', { path: path.join(shared, 'gsm8k_train.jsonl'), format: 'gsm8k', limit: 10 }, opts());
      expect(records.length).toBe(10);
    });
});
