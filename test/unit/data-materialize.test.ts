import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMaterializeInputs} from '../../src/data/materialize.js';
import { loadSource } from '../../src/data/sources/load.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let tmp: string;
const savedCache = process.env.ABLATE_CACHE;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'ablate-mat-'));
  process.env.ABLATE_CACHE = path.join(tmp, 'cache-a');
});
afterAll(async () => {
  if (savedCache === undefined) delete process.env.ABLATE_CACHE;
  else process.env.ABLATE_CACHE = savedCache;
  await rm(tmp, { recursive: true, force: true });
});


describe('quickstart sample data', () => {
  const dataDir = path.join(repoRoot, 'experiments', 'data');
  const qs = {
    code: { path: path.join(dataDir, 'quickstart-code.jsonl'), format: 'alpaca' as const },
    general: { path: path.join(dataDir, 'quickstart-general.jsonl'), format: 'alpaca' as const, domain: 'general' as const },
    math: { path: path.join(dataDir, 'quickstart-math.jsonl'), format: 'gsm8k' as const, domain: 'math' as const },
  };

  it('loads cleanly, has no duplicates, and does not leak the quickstart eval problems', async () => {
    const code = await loadSource('code', qs.code, { specDir: tmp });
    const general = await loadSource('general', qs.general, { specDir: tmp });
    const math = await loadSource('math', qs.math, { specDir: tmp });
    expect(code.stats.records).toBeGreaterThanOrEqual(240);
    expect(general.stats.records).toBe(40);
    expect(math.stats.records).toBe(40);
    for (const s of [code, general, math]) expect(s.stats.duplicates + s.stats.malformed).toBe(0);
    expect(math.records.every((r) => /\n#### -?\d+(\.\d+)?$/.test(r.output))).toBe(true);

    const inputs = await buildMaterializeInputs(
      {
        sources: qs,
        annotate: { complexity: { method: 'heuristic' } },
        data: {
          source: 'code',
          filter: { complexity: { bins: 3, keep: 'low' }, cross_domain: { mix: { general: 0.1 } } },
          decontaminate: { benchmarks: ['humaneval'], paths: { humaneval: path.join(dataDir, 'quickstart-problems.jsonl') } },
        },
      },
      42,
      repoRoot,
    );
    expect(Object.keys(inputs.sources)).toEqual(['code', 'general']);
    const { buildDataset } = await import('../../src/data/materialize.js');
    const annotators = await import('../../src/data/annotators/index.js');
    const built = await buildDataset(inputs, annotators, { specDir: repoRoot, cacheDir: path.join(tmp, 'cache-qs') });
    expect(built.manifest.decontamination!.removed).toEqual([]);
    const third = Math.floor(code.stats.records / 3);
    expect(built.manifest.steps.map((s) => s.step)).toEqual(['load', 'decontaminate', 'complexity', 'cross_domain']);
    expect(built.records.length).toBe(Math.floor(third * 0.9) + Math.floor(third * 0.1));
  });
});


describe('empty sources', () => {
  it('names the source and its counts instead of blaming the filters', async () => {
    const file = path.join(tmp, 'all-duplicates.jsonl');
    await writeFile(file, '\n\n');
    const inputs = await buildMaterializeInputs({ sources: { blank: { path: file } }, data: { source: 'blank', filter: { complexity: { keep: 'low' } } } }, 42, tmp);
    const { buildDataset } = await import('../../src/data/materialize.js');
    const annotators = await import('../../src/data/annotators/index.js');
    const err = await buildDataset(inputs, annotators, { specDir: tmp, cacheDir: path.join(tmp, 'cache-empty') }).catch((e) => e);
    expect(err.message).toMatch(/^source blank has no records to build the dataset from \(.*all-duplicates\.jsonl: 0 read, 0 malformed, 0 duplicates\)/);
  });

  it('names the filter that left no records, and why a tiny pool has an empty low tertile', async () => {
    const file = path.join(tmp, 'two.jsonl');
    await writeFile(file, ['{"instruction":"a","output":"b"}', '{"instruction":"c d e","output":"f"}'].join('\n'));
    const inputs = await buildMaterializeInputs({ sources: { two: { path: file } }, data: { source: 'two', filter: { complexity: { keep: 'low' } } } }, 42, tmp);
    const { buildDataset } = await import('../../src/data/materialize.js');
    const annotators = await import('../../src/data/annotators/index.js');
    const err = await buildDataset(inputs, annotators, { specDir: tmp, cacheDir: path.join(tmp, 'cache-two') }).catch((e) => e);
    expect(err.message).toBe('the complexity step left no records of 2 (2 records cannot fill 3 quantile bins: the last bin takes them all); loosen the filters or check the sources');
  });
});


