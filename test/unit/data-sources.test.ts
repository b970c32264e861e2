import { mkdtemp, mkdir, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { stringify } from 'csv-stringify/sync';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AblateError, InputError } from '../../src/errors.js';
import { hfCacheDir, isSplitFile, resolveHfFile, resolveHfFiles, splitFiles } from '../../src/data/sources/hf.js';
import { loadSource } from '../../src/data/sources/load.js';
import { resolveSources } from '../../src/plan/ids.js';
import { fileSha256Sync } from '../../src/util/fileHash.js';


let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'ablate-sources-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const opts = () => ({ specDir: tmp });

describe('duplicates', () => {


  it('counts exact duplicates and keeps them with dedup: false', async () => {
    const file = path.join(tmp, 'dups.jsonl');
    const rec = { instruction: 'a', input: '', output: 'b' };
    await writeFile(file, [rec, rec, { ...rec, output: 'c' }].map((r) => JSON.stringify(r)).join('\n'));
    const a = await loadSource('s', { path: file }, opts());
    expect(a.stats.duplicates).toBe(1);
    expect(a.records.length).toBe(2);
    const b = await loadSource('s', { path: file }, { ...opts(), dedup: false });
    expect(b.records.length).toBe(3);
  });
});

describe('formats', () => {
  const rows = [
    { problem: 'Reverse a string in Python.', solution: 'def rev(s):\n    return s[::-1]', lang: 'python' },
    { problem: 'Sum a list.', solution: 'sum(xs)', lang: 'python' },
  ];
  it('reads .jsonl.gz and .json.gz (oss-instruct preset)', async () => {
    const jl = path.join(tmp, 'oss.jsonl.gz');
    await writeFile(jl, gzipSync(rows.map((r) => JSON.stringify(r)).join('\n') + '\n'));
    const js = path.join(tmp, 'oss.json.gz');
    await writeFile(js, gzipSync(JSON.stringify(rows)));
    for (const f of [jl, js]) {
      const { records } = await loadSource('oss', { path: f, format: 'oss-instruct' }, opts());
      expect(records.map((r) => r.instruction)).toEqual(rows.map((r) => r.problem));
      expect(records[0]!.output).toBe(rows[0]!.solution);
    }
  });

  it('reads .csv with line numbers and .parquet', async () => {
    const csv = path.join(tmp, 'a.csv');
    await writeFile(csv, stringify([{ instruction: 'Say hi\nplease', input: '', output: 'hi, "you"' }, { instruction: 'x', input: 'y', output: 'z' }], { header: true }));
    const c = await loadSource('c', { path: csv }, opts());
    expect(c.records.map((r) => r.instruction)).toEqual(['Say hi\nplease', 'x']);
    expect(c.records[0]!.output).toBe('hi, "you"');
    const pq = path.join(tmp, 'a.parquet');
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'instruction', data: ['q1', 'q2', 'q3'], type: 'STRING' },
        { name: 'response', data: ['a1', 'a2', 'a3'], type: 'STRING' },
        { name: 'score', data: [1.5, 2.5, 3.5], type: 'DOUBLE' },
      ],
    });
    await writeFile(pq, new Uint8Array(buf));
    const p = await loadSource('p', { path: pq, format: 'evol-instruct', fields: { complexity: 'score' } }, opts());
    expect(p.records.map((r) => [r.instruction, r.output, r.complexity])).toEqual([
      ['q1', 'a1', 1.5],
      ['q2', 'a2', 2.5],
      ['q3', 'a3', 3.5],
    ]);
  });

  it('reads a parquet file of several row groups in order, naming the row of a bad record', async () => {
    const pq = path.join(tmp, 'groups.parquet');
    const n = 25;
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'instruction', data: Array.from({ length: n }, (_, i) => `q${i}`), type: 'STRING' },
        { name: 'output', data: Array.from({ length: n }, (_, i) => (i === 23 ? null : `a${i}`)), type: 'STRING' },
      ],
      rowGroupSize: 10,
    });
    await writeFile(pq, new Uint8Array(buf));
    const skipped = await loadSource('g', { path: pq, on_error: 'skip' }, opts());
    expect(skipped.records.map((r) => r.instruction)).toEqual(Array.from({ length: n }, (_, i) => `q${i}`).filter((_, i) => i !== 23));
    expect(skipped.stats.malformedExamples[0]).toContain('[23]');
  });

  it('maps sharegpt conversations (first human → instruction, first gpt → output) and explicit fields', async () => {
    const f = path.join(tmp, 'sg.jsonl');
    await writeFile(
      f,
      [
        { conversations: [{ from: 'system', value: 'be nice' }, { from: 'human', value: 'Q?' }, { from: 'gpt', value: 'A.' }, { from: 'human', value: 'more' }] },
        { messages: [{ role: 'user', content: 'Q2' }, { role: 'assistant', content: 'A2' }] },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const { records } = await loadSource('sg', { path: f, format: 'sharegpt' }, opts());
    expect(records.map((r) => [r.instruction, r.output])).toEqual([
      ['Q?', 'A.'],
      ['Q2', 'A2'],
    ]);
    const g = path.join(tmp, 'custom.jsonl');
    await writeFile(g, JSON.stringify({ prompt: 'P', completion: 'C', cat: 'Web Development' }));
    const c = await loadSource('c', { path: g, fields: { instruction: 'prompt', output: 'completion', task_type: 'cat' } }, opts());
    expect(c.records[0]).toMatchObject({ instruction: 'P', input: '', output: 'C', task_type: 'Web Development' });
  });


  it('closes the file when it stops early (limit), plain and gzipped', async () => {
    const openFiles = async (): Promise<string[]> => {
      const fds = await readdir('/proc/self/fd').catch(() => [] as string[]);
      return (await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')))).filter((t) => t.startsWith(tmp));
    };
    const plain = path.join(tmp, 'many.jsonl');
    const rows = Array.from({ length: 50_000 }, (_, i) => JSON.stringify({ question: `q${i}`, answer: `a${i}` })).join('\n');
    await writeFile(plain, rows);
    await writeFile(`${plain}.gz`, gzipSync(rows));
    for (const f of [plain, `${plain}.gz`]) {
      const { records } = await loadSource('many', { path: f, format: 'gsm8k', limit: 3 }, opts());
      expect(records.length).toBe(3);
      await new Promise((r) => setTimeout(r, 20));
      expect(await openFiles()).toEqual([]);
    }
  });
});

describe('malformed input', () => {
  it('fails with file:line for a bad JSONL line, a missing field and a wrong type', async () => {
    const f = path.join(tmp, 'bad.jsonl');
    await writeFile(f, ['{"instruction":"a","output":"b"}', '{"instruction": "a", "output": ', '', '{"instruction":"x"}', '{"instruction":"x","output":5}'].join('\n'));
    const err = await loadSource('bad', { path: f }, opts()).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.exitCode).toBe(2);
    const msg = (err as Error).message;
    expect(msg).toContain(`${f}:2:1: invalid JSON`);
    expect(msg).toContain(`${f}:4:1: output: missing field "output"`);
    expect(msg).toContain(`${f}:5:1: output: field "output" must be a string, got number`);
    expect(msg).toContain('on_error: skip');
  });

  it('names the record index in a JSON array', async () => {
    const f = path.join(tmp, 'bad.json');
    await writeFile(f, JSON.stringify([{ instruction: 'a', output: 'b' }, { instruction: ['no'], output: 'b' }, 'str']));
    const err = (await loadSource('bad', { path: f }, opts()).catch((e) => e)) as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain('[1].instruction: field "instruction" must be a string, got array');
    expect(err.message).toContain('[2]: record must be an object, got string');
  });

  it('reports a broken JSON array as one error', async () => {
    const f = path.join(tmp, 'broken.json');
    await writeFile(f, '[{"instruction":"a","output":"b"}, {"instruction": ');
    const err = await loadSource('b', { path: f }, opts()).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/not a valid JSON array \(stopped after 1 records\)/);
  });

  it('names the file of a corrupt .jsonl.gz', async () => {
    const f = path.join(tmp, 'corrupt.jsonl.gz');
    await writeFile(f, '{"instruction":"not gzip","output":"x"}\n');
    const err = await loadSource('z', { path: f }, opts()).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.diagnostics[0]).toMatchObject({ file: f });
    expect(err.diagnostics[0].message).toMatch(/invalid gzip data/);
  });

  it('skips and counts with on_error: skip', async () => {
    const f = path.join(tmp, 'bad2.jsonl');
    await writeFile(f, ['{"instruction":"a","output":"b"}', 'nope', '{"instruction":"x"}', '{"instruction":"c","output":"d"}'].join('\n'));
    const { records, stats } = await loadSource('bad', { path: f, on_error: 'skip' }, opts());
    expect(records.length).toBe(2);
    expect(stats.malformed).toBe(2);
    expect(stats.malformedExamples[0]).toContain(':2:1:');
  });

  it('says when the file is missing or of an unknown type', async () => {
    await expect(loadSource('m', { path: path.join(tmp, 'nope.jsonl') }, opts())).rejects.toThrow(/data file not found/);
    const f = path.join(tmp, 'x.txt');
    await writeFile(f, 'x');
    await expect(loadSource('m', { path: f }, opts())).rejects.toThrow(/unsupported data file type/);
  });

  it('the planner resolves a source to an absolute path and a content hash', () => {
    const r = resolveSources({ sources: { s: { path: 'dups.jsonl', format: 'alpaca' } }, data: { source: 's' } }, tmp, fileSha256Sync).s!;
    expect(r.absPath).toBe(path.join(tmp, 'dups.jsonl'));
    expect(r.path).toBe('dups.jsonl');
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('Hugging Face datasets', () => {
  it('uses a pre-populated cache without the network', async () => {
    const cache = path.join(tmp, 'cache');
    const ref = { hf: 'someone/code-set', revision: 'abc123', split: 'train' };
    const dir = hfCacheDir(ref, cache);
    await mkdir(path.join(dir, 'data'), { recursive: true });
    await writeFile(path.join(dir, 'data', 'train-00000-of-00001.jsonl'), JSON.stringify({ instruction: 'i', response: 'o' }) + '\n');
    await writeFile(path.join(dir, 'data', 'test-00000-of-00001.jsonl'), JSON.stringify({ instruction: 'T', response: 'T' }) + '\n');
    const noNet = (() => {
      throw new Error('network used');
    }) as unknown as typeof fetch;
    const { records, stats } = await loadSource('hfsrc', { ...ref, format: 'evol-instruct' }, { specDir: tmp, hf: { cacheRoot: cache, fetch: noNet } });
    expect(records.map((r) => r.instruction)).toEqual(['i']);
    expect(stats.hf).toEqual({ id: 'someone/code-set', revision: 'abc123', split: 'train' });
    expect(dir).toBe(path.join(cache, 'hf', 'someone', 'code-set', 'abc123'));
  });

  it('fails with a clear offline error when the hub is unreachable', async () => {
    const err = await resolveHfFile({ hf: 'a/b', revision: 'r1', file: 'train.jsonl' }, { cacheRoot: path.join(tmp, 'c2'), endpoint: 'http://127.0.0.1:1' }).catch((e) => e);
    expect(err).toBeInstanceOf(AblateError);
    expect(err.message).toMatch(/cannot download Hugging Face dataset a\/b@r1.*offline/);
    expect(err.message).toContain(path.join(tmp, 'c2', 'hf', 'a', 'b', 'r1'));
  });

  describe('with a local stand-in hub', () => {
    let server: http.Server;
    let endpoint: string;
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        if (req.url === '/api/datasets/org/ds/tree/v1?recursive=true') {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify([{ type: 'directory', path: 'data' }, { type: 'file', path: 'README.md' }, { type: 'file', path: 'data/train-00000.jsonl' }]));
        } else if (req.url === '/datasets/org/ds/resolve/v1/data/train-00000.jsonl') {
          res.end('{"question":"1+1?","answer":"#### 2"}\n');
        } else {
          res.statusCode = 404;
          res.end('not found');
        }
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('downloads the split file once into the cache', async () => {
      const cache = path.join(tmp, 'c3');
      const file = await resolveHfFile({ hf: 'org/ds', revision: 'v1' }, { cacheRoot: cache, endpoint });
      expect(file).toBe(path.join(cache, 'hf', 'org', 'ds', 'v1', 'data', 'train-00000.jsonl'));
      expect(await readFile(file, 'utf8')).toContain('1+1?');
      // Second time: from the cache, even with the hub gone.
      const again = await resolveHfFile({ hf: 'org/ds', revision: 'v1' }, { cacheRoot: cache, endpoint: 'http://127.0.0.1:1' });
      expect(again).toBe(file);
    });

    it('says not found (exit 2) for an unknown revision', async () => {
      const err = await resolveHfFile({ hf: 'org/ds', revision: 'nope' }, { cacheRoot: path.join(tmp, 'c4'), endpoint }).catch((e) => e);
      expect(err).toBeInstanceOf(AblateError);
      expect(err.exitCode).toBe(2);
      expect(err.message).toMatch(/answered 404/);
    });
  });

  it('reads a repository without split names as its train split (Magicoder layout), all shards of a split, resuming a partial download', async () => {
    const served: string[] = [];
    const files: Record<string, string> = {
      'data-evol_instruct-decontaminated.jsonl': '{"instruction":"i0","response":"o0"}\n',
      'sharded/data/train-00000-of-00002.jsonl': '{"instruction":"s0","response":"o"}\n',
      'sharded/data/train-00001-of-00002.jsonl': '{"instruction":"s1","response":"o"}\n',
      'sharded/data/test-00000-of-00001.jsonl': '{"instruction":"t","response":"o"}\n',
    };
    const server = http.createServer((req, res) => {
      const url = req.url ?? '';
      const tree = /^\/api\/datasets\/org\/(magic|sharded)\/tree\/v1\?recursive=true$/.exec(url);
      if (tree) {
        const prefix = tree[1] === 'sharded' ? 'sharded/' : '';
        const paths = Object.keys(files).filter((f) => (prefix ? f.startsWith(prefix) : !f.includes('/'))).map((f) => f.slice(prefix.length));
        res.end(JSON.stringify([{ type: 'file', path: 'README.md' }, ...paths.map((p) => ({ type: 'file', path: p }))]));
        return;
      }
      const file = /^\/datasets\/org\/(magic|sharded)\/resolve\/v1\/(.*)$/.exec(url);
      const key = file ? `${file[1] === 'sharded' ? 'sharded/' : ''}${decodeURIComponent(file[2]!)}` : '';
      if (files[key] !== undefined) {
        served.push(key);
        res.end(files[key]);
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const cache = path.join(tmp, 'c-split');
      const magic = await loadSource('evol', { hf: 'org/magic', revision: 'v1', format: 'evol-instruct' }, { specDir: tmp, hf: { cacheRoot: cache, endpoint } });
      expect(magic.records.map((r) => r.instruction)).toEqual(['i0']);

      const sharded = await loadSource('sh', { hf: 'org/sharded', revision: 'v1', format: 'evol-instruct' }, { specDir: tmp, hf: { cacheRoot: cache, endpoint } });
      expect(sharded.records.map((r) => r.instruction)).toEqual(['s0', 's1']);
      expect(sharded.stats.files).toHaveLength(2);
      expect(sharded.stats.sha256).toMatch(/^[0-9a-f]{64}$/);
      // A download interrupted after the first shard: the recorded file list brings the rest back.
      await rm(path.join(hfCacheDir({ hf: 'org/sharded', revision: 'v1' }, cache), 'data', 'train-00001-of-00002.jsonl'));
      served.length = 0;
      const resumed = await resolveHfFiles({ hf: 'org/sharded', revision: 'v1' }, { cacheRoot: cache, endpoint });
      expect(resumed.map((f) => path.basename(f))).toEqual(['train-00000-of-00002.jsonl', 'train-00001-of-00002.jsonl']);
      expect(served).toEqual(['sharded/data/train-00001-of-00002.jsonl']);
      // Complete now: offline from the cache.
      const offline = await resolveHfFiles({ hf: 'org/sharded', revision: 'v1' }, { cacheRoot: cache, endpoint: 'http://127.0.0.1:1' });
      expect(offline).toEqual(resumed);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('picks the split files of a repository listing', () => {
    expect(splitFiles(['README.md', 'MathInstruct.json'], 'train')).toEqual(['MathInstruct.json']);
    expect(splitFiles(['README.md', 'MathInstruct.json'], 'test')).toEqual([]);
    expect(splitFiles(['data/train-1.parquet', 'data/train-0.parquet', 'data/test-0.parquet'], 'train')).toEqual(['data/train-0.parquet', 'data/train-1.parquet']);
    // Files that name another split are never taken for train.
    expect(splitFiles(['extra.jsonl', 'test.jsonl'], 'train')).toEqual([]);
  });

  it('recognizes split files in the usual layouts', () => {
    expect(isSplitFile('data/train-00000-of-00001.parquet', 'train')).toBe(true);
    expect(isSplitFile('train.jsonl', 'train')).toBe(true);
    expect(isSplitFile('default/train/0000.parquet', 'train')).toBe(true);
    expect(isSplitFile('data/training_notes.md', 'train')).toBe(false);
    expect(isSplitFile('data/test-0.parquet', 'train')).toBe(false);
  });
});
