import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { uniformFloats } from '../../src/data/sample.js';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AnnotationStore, cachedRows } from '../../src/data/annotators/cache.js';
import { expectedScore, xcoderPrompt, completionsUrl } from '../../src/data/annotators/endpoint.js';
import { fillPrompt, SCORER_PRESETS } from '../../src/data/annotators/scorerPresets.js';
import { knnDensity, meanSimilarityDiversity, meanSimilarityDiversityBruteForce } from '../../src/data/annotators/diversity.js';
import { greedySelect } from '../../src/data/annotators/greedy.js';
import type { NeighbourSearch } from '../../src/data/annotators/vectorIndex.js';
import { classifyByKeywords } from '../../src/data/annotators/taskType.js';
import { parseNpy } from '../../src/data/annotators/npy.js';
import {
  annotateComplexity,
  checkScoreGate,
  classifyTaskTypes,
  combineComplexity,
  diversityScores,
  embedRecords,
  heuristicComplexity,
  SEED_B_10,
  type AnnotatableRecord,
  type AnnotateContext,
} from '../../src/data/annotators/index.js';
import { hashId } from '../../src/util/hash.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');

function rec(instruction: string, extra: Partial<AnnotatableRecord> = {}): AnnotatableRecord {
  const base = { instruction, input: '', output: extra.output ?? 'ok', source: 'test', domain: 'code', ...extra };
  return { ...base, id: hashId('record', { instruction: base.instruction, input: base.input, output: base.output }) };
}


function randomVectors(n: number, d: number, seed: number): Float32Array {
  const r = uniformFloats(seed);
  const v = new Float32Array(n * d);
  for (let i = 0; i < v.length; i++) v[i] = r() * 2 - 1;
  return v;
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

describe('heuristic complexity', () => {
  test('is deterministic and ranks a demanding task above a trivial one', () => {
    const easy = 'Print hello world.';
    const hard =
      'Implement a thread-safe LRU cache class in Python that must support get and put in O(1) time.\n' +
      '- It should handle at most 10^5 keys\n- Ensure eviction is efficient\n- Validate inputs and handle edge cases\n```python\nclass LRU: ...\n```';
    expect(heuristicComplexity(easy)).toBe(heuristicComplexity(easy));
    expect(heuristicComplexity(hard)).toBeGreaterThan(heuristicComplexity(easy) + 3);
    expect(heuristicComplexity('Sort the list.', '[3, 1, 2]')).toBeGreaterThan(heuristicComplexity('Sort the list.'));
  });

});

describe('score gate', () => {
  test('flags a fallback value and zero spread, passes real spread', () => {
    const fallback = Array.from({ length: 100 }, (_, i) => (i < 70 ? 2 : i / 10));
    expect(checkScoreGate(fallback)).toMatch(/^70% of records scored exactly 2\.0 — looks like a scorer fallback/);
    expect(checkScoreGate(new Array(50).fill(3.25))).toMatch(/standard deviation 0\.00e\+0 < gate\.min_std/);
    expect(checkScoreGate(Array.from({ length: 100 }, (_, i) => i))).toBeUndefined();
    expect(checkScoreGate(fallback, { max_mode_share: 0.8 })).toBeUndefined();
    expect(checkScoreGate([2, 2, 2])).toBeUndefined(); // too few records to judge
    // ...but a non-finite score is a scorer failure at any size.
    expect(checkScoreGate([2, Number.NaN, 3])).toMatch(/score of record 1 is NaN/);
    expect(checkScoreGate([Number.POSITIVE_INFINITY])).toMatch(/score of record 0 is Infinity/);
  });

  test('annotateComplexity throws on degenerate field scores', async () => {
    const records = Array.from({ length: 40 }, (_, i) => rec(`task ${i}`, { complexity: i < 30 ? 2 : i }));
    await expect(annotateComplexity(records, { method: 'field' }, ctx())).rejects.toThrow(/75% of records scored exactly 2\.0/);
  });
});

describe('field complexity', () => {
  test('reads record.complexity; names the field when missing', async () => {
    const ok = [rec('a', { complexity: 1.5 }), rec('b', { complexity: 3 })];
    expect(Array.from(await annotateComplexity(ok, { method: 'field' }, ctx()))).toEqual([1.5, 3]);
    const bad = [rec('a', { complexity: 1 }), rec('b')];
    await expect(annotateComplexity(bad, { method: 'field' }, ctx())).rejects.toThrow(/1 of 2 records have no numeric `complexity`.*sources\.<name>\.fields\.complexity/s);
  });
});

describe('combination', () => {
  test('study B mean of min-maxes, study A sum', () => {
    expect(Array.from(combineComplexity([0, 5, 10], [100, 300, 200], 'mean'))).toEqual([0, 0.75, 0.75]);
    expect(Array.from(combineComplexity([0, 5, 10], [100, 300, 200], 'sum'))).toEqual([0, 1.5, 1.5]);
    expect(Array.from(combineComplexity([0, 5, 10], [100, 300, 200], 'semantic'))).toEqual([0, 5, 10]);
  });
});

describe('annotation cache', () => {
  test('computes only missing records, survives corruption, compacts segments', async () => {
    const dir = path.join(tmp, 'store');
    const computed: string[] = [];
    const run = (ids: string[], chunkSize?: number) =>
      cachedRows({
        dir, dtype: 'f32', ids, label: 't', log: () => {}, chunkSize, maxSegments: 8,
        compute: async (idx) => {
          idx.forEach((i) => computed.push(ids[i]!));
          return { data: Float32Array.from(idx.flatMap((i) => [Number(ids[i]!.slice(1)), -Number(ids[i]!.slice(1))])), dim: 2 };
        },
      });
    const first = await run(['r1', 'r2', 'r2', 'r3']);
    expect(computed).toEqual(['r1', 'r2', 'r3']);
    expect(Array.from(first.data)).toEqual([1, -1, 2, -2, 2, -2, 3, -3]);
    computed.length = 0;
    const second = await run(['r3', 'r4', 'r1']);
    expect(computed).toEqual(['r4']);
    expect(Array.from(second.data)).toEqual([3, -3, 4, -4, 1, -1]);

    // Corrupt the first segment's data: its records are recomputed, not misread.
    const segs = (await readdir(dir)).filter((f) => f.endsWith('.bin')).sort();
    const firstSeg = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    let corrupted = '';
    for (const j of firstSeg) {
      const meta = JSON.parse(await readFile(path.join(dir, j), 'utf8')) as { ids: string[] };
      if (meta.ids.includes('r1')) corrupted = j.replace('.json', '.bin');
    }
    expect(segs).toContain(corrupted);
    const bin = await readFile(path.join(dir, corrupted));
    bin[0] = bin[0]! ^ 0xff;
    await writeFile(path.join(dir, corrupted), bin);
    // A partial segment (data without its committing index) and garbage index are ignored too.
    await writeFile(path.join(dir, 'seg-partial.bin'), Buffer.alloc(8));
    await writeFile(path.join(dir, 'seg-garbage.json'), '{"format": "ablate-annot');
    computed.length = 0;
    const msgs: string[] = [];
    const store = await AnnotationStore.open(dir, 'f32', (l) => msgs.push(l));
    expect(store.has('r1')).toBe(false);
    expect(store.has('r4')).toBe(true);
    expect(msgs.join('\n')).toMatch(/checksum mismatch/);
    expect(msgs.join('\n')).toMatch(/seg-garbage\.json: unreadable index/);
    const third = await run(['r1', 'r2', 'r3', 'r4']);
    expect(computed.sort()).toEqual(['r1', 'r2', 'r3']);
    expect(Array.from(third.data)).toEqual([1, -1, 2, -2, 3, -3, 4, -4]);

    // Many small chunks → compacted into few segments, values intact.
    const many = Array.from({ length: 60 }, (_, i) => `r${i + 10}`);
    const fourth = await run(many, 3);
    expect(fourth.data[2 * 59]).toBe(69);
    const after = (await readdir(dir)).filter((f) => f.endsWith('.json') && f.startsWith('seg-') && f !== 'seg-garbage.json');
    expect(after.length).toBeLessThanOrEqual(9);
    computed.length = 0;
    const all = await run([...many, 'r4']);
    expect(computed).toEqual([]);
    expect(all.data[2 * 60]).toBe(4);
  });
});

describe('endpoint complexity', () => {
  let server: Server;
  let url = '';
  let requests = 0;
  let broken = false;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        requests++;
        const parsed = JSON.parse(body) as { prompt: string[]; logprobs: number; max_tokens: number; model: string };
        expect(req.url).toBe('/v1/completions');
        expect(parsed.max_tokens).toBe(2);
        const choices = parsed.prompt.map((p, index) => {
          // The "model" prefers a score equal to the number of words in the query, capped at 6.
          const query = /##Query: ([\s\S]*)  \n##Complexity: $/.exec(p)![1]!;
          const words = Math.min(6, query.split(/\s+/).length);
          const top: Record<string, number> = broken && query.includes('BREAK') ? { hello: -0.1, world: -2 } : { [String(words)]: -0.1, ' 1': -3, x: -4 };
          return { index, text: String(words), logprobs: { tokens: [String(words)], top_logprobs: [top, {}] } };
        });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ choices: choices.reverse() }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('prompt is study B exactly; expected value over "1".."6" with weights 0..5', () => {
    expect(xcoderPrompt('Sort a list')).toBe('You are a helpful assistant. Please identify the complexity score of the following user query. \n##Query: Sort a list  \n##Complexity: ');
    expect(expectedScore({ '3': 0 })).toBe(2);
    expect(expectedScore({ '1': Math.log(0.5), '6': Math.log(0.5), a: 0 })).toBeCloseTo(2.5, 12);
    expect(expectedScore({ a: 0 })).toBeUndefined();
    expect(completionsUrl('http://h:1/v1/')).toBe('http://h:1/v1/completions');
  });

  test("study A's DEITA preset: its own prompt and weights 1..6", () => {
    const deita = SCORER_PRESETS.deita;
    expect(fillPrompt(deita, 'Sort a list')).toBe('You are a helpful assistant. Please identify the complexity score of the following programming problem.\n##Problem: Sort a list\n##Complexity: ');
    expect(expectedScore({ '3': 0 }, deita.firstWeight)).toBe(3);
    expect(expectedScore({ '1': Math.log(0.5), '6': Math.log(0.5) }, deita.firstWeight)).toBeCloseTo(3.5, 12);
  });

  test('scores through a local server, caches, and counts failures without fallback', async () => {
    const records = Array.from({ length: 40 }, (_, i) => rec(Array.from({ length: 1 + (i % 6) }, (_, k) => `w${k}`).join(' ') + ` #${i}`));
    const c = ctx('endpoint');
    const scores = await annotateComplexity(records, { method: 'endpoint', url, model: 'xcoder' }, c);
    // words = 1 + (i % 6) + 1 ("#i"), capped at 6; the dominant token has prob ≈ e^-0.1/(e^-0.1+e^-3)
    const p = Math.exp(-0.1) / (Math.exp(-0.1) + Math.exp(-3));
    records.forEach((_, i) => {
      const w = Math.min(6, 2 + (i % 6));
      expect(scores[i]).toBeCloseTo(p * (w - 1) + (1 - p) * 0, 9);
    });
    const before = requests;
    await annotateComplexity(records, { method: 'endpoint', url, model: 'xcoder' }, c);
    expect(requests).toBe(before);

    broken = true;
    const bad = [...Array.from({ length: 30 }, (_, i) => rec(`fresh task number ${i}`)), rec('BREAK this one'), rec('BREAK that one')];
    await expect(annotateComplexity(bad, { method: 'endpoint', url, model: 'xcoder' }, ctx('endpoint2'))).rejects.toThrow(
      /scorer failed for 2 of 32 records \(no fallback score is used\)[\s\S]*none of "1".."6"/,
    );
    await expect(annotateComplexity(bad.slice(0, 3), { method: 'endpoint', url: 'http://127.0.0.1:9', model: 'x' }, ctx('endpoint3'))).rejects.toThrow(/failed for 3 of 3 records/);
  });
});

describe('diversity math', () => {
  test('O(N·d) mean-similarity equals the O(N²) definition within 1e-6 (2,000 random vectors)', () => {
    const n = 2000;
    const d = 64;
    const v = randomVectors(n, d, 1);
    // Also non-normalized rows and a cluster, to make similarities non-trivial.
    for (let i = 0; i < 300; i++) for (let k = 0; k < d; k++) v[i * d + k] = v[k]! * 3 + v[i * d + k]! * 0.1;
    const fast = meanSimilarityDiversity(v, n, d);
    const slow = meanSimilarityDiversityBruteForce(v, n, d);
    let maxErr = 0;
    for (let i = 0; i < n; i++) maxErr = Math.max(maxErr, Math.abs(fast[i]! - slow[i]!));
    expect(maxErr).toBeLessThan(1e-6);
    expect(fast[0]!).toBeLessThan(fast[1500]!); // clustered rows are less diverse
  });

  test('knn-density matches brute-force kNN and ranks an outlier highest', async () => {
    const n = 300;
    const d = 8;
    const v = randomVectors(n, d, 2);
    for (let i = 0; i < n - 1; i++) v[i * d] = Math.abs(v[i * d]!) + 4; // all but the last point near +e0
    for (let k = 0; k < d; k++) v[(n - 1) * d + k] = k === 0 ? -5 : 0;
    const k = 5;
    // HNSW is approximate; with ef = n the search is exhaustive, so it must equal brute force.
    let search: NeighbourSearch | undefined;
    const scores = await knnDensity(v, n, d, k, { efSearch: n, onSearch: (s) => (search = s) });
    // The data card's recall: an exhaustive search finds every exact neighbour.
    expect(search).toMatchObject({ kind: 'hnsw', k, efSearch: n, recall: 1 });
    const unit = (i: number) => {
      const r = Array.from(v.subarray(i * d, (i + 1) * d));
      const norm = Math.hypot(...r);
      return r.map((x) => x / norm);
    };
    for (const i of [0, 17, 150, n - 1]) {
      const a = unit(i);
      const dists = [];
      for (let j = 0; j < n; j++) if (j !== i) dists.push(1 - unit(j).reduce((s, x, t) => s + x * a[t]!, 0));
      dists.sort((x, y) => x - y);
      expect(scores[i]).toBeCloseTo(dists.slice(0, k).reduce((s, x) => s + x, 0) / k, 5);
    }
    let argmax = 0;
    scores.forEach((s, i) => (argmax = s > scores[argmax]! ? i : argmax));
    expect(argmax).toBe(n - 1);
  });

  /** The float64 greedy rule, written plainly: what the exact selection must equal. */
  function bruteGreedy(v: Float32Array, n: number, d: number, threshold: number, order?: ArrayLike<number>): Float64Array {
    const unit = (i: number) => {
      const r = Array.from(v.subarray(i * d, (i + 1) * d));
      const norm = Math.hypot(...r);
      return r.map((x) => (norm ? x / norm : 0));
    };
    const seq = Array.from({ length: n }, (_, i) => i);
    if (order) seq.sort((a, b) => order[b]! - order[a]! || a - b);
    const expected = new Float64Array(n);
    const keptIdx: number[] = [];
    for (const i of seq) {
      const a = unit(i);
      if (keptIdx.every((j) => unit(j).reduce((s, x, t) => s + x * a[t]!, 0) <= threshold)) {
        keptIdx.push(i);
        expected[i] = 1;
      }
    }
    return expected;
  }

  test('greedy selection keeps exactly what the brute-force greedy keeps (across blocks of the matrix product)', async () => {
    const n = 2500; // more than one block of 1024 offered records
    const d = 6;
    const v = randomVectors(n, d, 3);
    const order = Float64Array.from({ length: n }, (_, i) => (i * 7919) % n);
    const threshold = 0.6;
    let search: NeighbourSearch | undefined;
    const kept = await greedySelect(v, n, d, threshold, order, { onSearch: (s) => (search = s) });
    const expected = bruteGreedy(v, n, d, threshold, order);
    expect(Array.from(kept)).toEqual(Array.from(expected));
    const count = expected.reduce((s, x) => s + x, 0);
    expect(count).toBeGreaterThan(5);
    expect(count).toBeLessThan(n);
    expect(search).toEqual({ kind: 'exact' });
  });

  test('greedy selection decides similarities a float32 product cannot tell from the threshold in float64', async () => {
    // Pairs whose cosine is the threshold ± 1e-9: float32 rounds both sides to the same value.
    const d = 2;
    const threshold = 0.5;
    const angles = [0];
    for (const delta of [1e-9, -1e-9, 3e-9, -3e-9]) angles.push(Math.acos(threshold + delta));
    const n = angles.length;
    const v = new Float32Array(n * d);
    // Float64 inputs are rounded to float32 here, so the brute force is computed on the same float32 rows.
    angles.forEach((a, i) => {
      v[i * d] = Math.cos(a);
      v[i * d + 1] = Math.sin(a);
    });
    const order = Float64Array.from({ length: n }, (_, i) => n - i); // record 0 first
    const kept = await greedySelect(v, n, d, threshold, order);
    expect(Array.from(kept)).toEqual(Array.from(bruteGreedy(v, n, d, threshold, order)));
  });

  test('greedy selection honours limit, keeps zero vectors (similarity 0) and an empty input', async () => {
    const d = 3;
    const v = new Float32Array([1, 0, 0, 1, 0.01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(Array.from(await greedySelect(v, 5, d, 0.9))).toEqual([1, 0, 1, 1, 1]);
    expect(Array.from(await greedySelect(v, 5, d, 0.9, undefined, { limit: 2 }))).toEqual([1, 0, 1, 0, 0]);
    expect(Array.from(await greedySelect(new Float32Array(0), 0, d, 0.9))).toEqual([]);
    await expect(greedySelect(v, 5, d, 0.9, [1, 2])).rejects.toThrow(/2 order scores for 5 records/);
  });

  test('approximate greedy selection runs on the index and reports its recall against exact search', async () => {
    const n = 600;
    const d = 16;
    const v = randomVectors(n, d, 5);
    let search: NeighbourSearch | undefined;
    const kept = await greedySelect(v, n, d, 0.5, undefined, { approximate: true, onSearch: (s) => (search = s) });
    expect(search?.kind).toBe('hnsw');
    if (search?.kind !== 'hnsw') return;
    expect(search.sample).toBeGreaterThan(0);
    expect(search.recall).toBeGreaterThan(0.5);
    expect(search.recall).toBeLessThanOrEqual(1);
    // On this small set the index is near exact, so the kept sets are close but computed independently.
    const exact = await greedySelect(v, n, d, 0.5);
    const diff = Array.from(kept).filter((x, i) => x !== exact[i]).length;
    expect(diff).toBeLessThan(n * 0.1);
  });
});

describe('keywords task types', () => {
  test('seed-b-10 keywords classify typical tasks; unmatched go to Domain-Specific', async () => {
    const records = [
      rec('Write an SQL query to select all employees from the table'),
      rec('Implement binary search on a sorted array'),
      rec('Compute the factorial of a number and check if it is prime'),
      rec('Create an HTML page with CSS styling and a REST API call'),
      rec('Encrypt the password with AES and verify the hash'),
      rec('Train a classifier on the dataset with scikit-learn'),
      rec('Say something nice'),
    ];
    const { categories, groupOf } = await classifyTaskTypes(records, { task_type: { method: 'keywords' } }, ctx());
    expect(categories).toEqual([
      'Database & SQL',
      'Algorithmic & Data Structure',
      'Mathematical & Computational',
      'Web Development',
      'Security & Cryptography',
      'Data Science & Machine Learning',
      'Domain-Specific',
    ]);
    expect(Object.keys(groupOf)).toHaveLength(10);
    expect(Object.entries(groupOf).filter(([, g]) => g === 'algorithmic').map(([c]) => c).sort()).toEqual(['Algorithmic & Data Structure', 'Mathematical & Computational']);
    expect(SEED_B_10.filter((c) => c.group === 'practical')).toHaveLength(8);
  });

  test('explicit categories and the field method', async () => {
    const cats = [
      { name: 'A', group: 'g1', keywords: ['apple'] },
      { name: 'B', group: 'g2', keywords: ['banana', 'pear'] },
      { name: 'Other', group: 'g2' },
    ];
    expect(classifyByKeywords(['an apple', 'banana and pear with apple', 'kiwi'], cats, 'Other')).toEqual(['A', 'B', 'Other']);
    const fieldRecs = [rec('x', { task_type: 'A' }), rec('y', { task_type: 'Other' })];
    const r = await classifyTaskTypes(fieldRecs, { task_type: { method: 'field', categories: cats } }, ctx());
    expect(r.categories).toEqual(['A', 'Other']);
    await expect(classifyTaskTypes([rec('z', { task_type: 'Nope' })], { task_type: { method: 'field', categories: cats } }, ctx())).rejects.toThrow(/"Nope" \(1 records\)/);
    await expect(classifyTaskTypes([rec('z')], { task_type: { method: 'field', categories: cats } }, ctx())).rejects.toThrow(/has no `task_type`/);
  });
});

describe('file embeddings', () => {
  test('.npy aligned with records and .jsonl by id', async () => {
    const records = [rec('a'), rec('b'), rec('c')];
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }";
    const pad = 64 - ((10 + header.length + 1) % 64);
    const h = Buffer.from(header + ' '.repeat(pad) + '\n', 'latin1');
    const prefix = Buffer.alloc(10);
    Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(prefix);
    prefix.writeUInt16LE(h.length, 8);
    const body = Buffer.from(new Float32Array([3, 4, 1, 0, 0, 2]).buffer);
    const npy = path.join(tmp, 'v.npy');
    await writeFile(npy, Buffer.concat([prefix, h, body]));
    expect(parseNpy(Buffer.concat([prefix, h, body])).cols).toBe(2);
    const e = await embedRecords(records, { method: 'file', path: 'v.npy' }, ctx());
    expect(e.dim).toBe(2);
    expect(Array.from(e.vectors)).toEqual([0.6000000238418579, 0.800000011920929, 1, 0, 0, 1]);
    await expect(embedRecords(records.slice(0, 2), { method: 'file', path: 'v.npy' }, ctx())).rejects.toThrow(/has 3 vectors but there are 2 records/);

    await writeFile(path.join(tmp, 'v.jsonl'), records.map((r, i) => JSON.stringify({ id: r.id, vector: [i, 1] })).reverse().join('\n'));
    const j = await embedRecords(records, { method: 'file', path: 'v.jsonl' }, ctx());
    expect(j.vectors[2 * 0]).toBe(0);
    expect(j.vectors[2 * 2]).toBeCloseTo(2 / Math.sqrt(5), 6);
    const scores = await diversityScores(records, { method: 'mean-similarity' }, { method: 'file', path: 'v.jsonl' }, ctx());
    expect(scores.length).toBe(3);
  });
});

describe('bench and runners', () => {
  test('benchDiversity returns rows of numbers (small sizes)', async () => {
    const { benchDiversity } = await import('../../src/bench/diversity.js');
    const rows = await benchDiversity({ meanSimilarity: { n: 2000, d: 32 }, knn: { n: 500, d: 16, k: 5 }, peers: false });
    expect(rows.map((r) => r.unit)).toEqual(['s', 'records/s', 's', 's', 'records']);
    for (const r of rows) expect(Number.isFinite(r.value)).toBe(true);
  });

  test('the Python runners compile', async () => {
    const { execa } = await import('execa');
    const probe = await execa('python3', ['--version'], { reject: false });
    if (probe.failed) return; // no system Python here: the e2e tier runs them for real
    // ast.parse, not py_compile: nothing is written into runners/.
    const check = 'import ast, sys\nfor f in sys.argv[1:]:\n    ast.parse(open(f, encoding="utf-8").read(), f)';
    const r = await execa('python3', ['-c', check, path.join(repoRoot, 'runners/embed.py'), path.join(repoRoot, 'runners/score_complexity.py')], { reject: false });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });
});
