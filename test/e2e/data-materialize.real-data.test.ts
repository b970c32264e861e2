// e2e tier (real data): reads ../shared/data (see test/helpers/fixtures.ts); the rest is in test/unit/data-materialize.test.ts.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realDataFor } from '../helpers/fixtures.js';
import type { StageRunContext } from '../../src/exec/types.js';
import type { Plan, Stage } from '../../src/plan/types.js';
import type { Datacard } from '../../src/data/datacard.js';
import { buildMaterializeInputs, materializeDataset, type DatasetManifest, type MaterializeInputs } from '../../src/data/materialize.js';
import { overlapFile, overlapForPlan, overlapReport, readArmIds, renderCardWithOverlap, withOverlap, type OverlapFile } from '../../src/data/overlap.js';
import { idListHash } from '../../src/data/records.js';
import { loadSource } from '../../src/data/sources/load.js';

const shared = realDataFor('the tests on the real data sets') ?? '';

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

const SOURCES = {
  evol: { path: path.join(shared, 'evol-codealpaca-2k-1.json'), format: 'evol-instruct' as const },
  code_alpaca: { path: path.join(shared, 'code_alpaca_2k.json') },
  alpaca: { path: path.join(shared, 'alpaca_en_demo.json'), domain: 'general' as const },
  gsm8k: { path: path.join(shared, 'gsm8k_train.jsonl'), format: 'gsm8k' as const, domain: 'math' as const },
};

async function run(id: string, spec: Omit<MaterializeInputs, 'sources' | 'seed'>, seed = 42): Promise<{ dir: string; summary: Record<string, unknown>; stage: Stage }> {
  const inputs = await buildMaterializeInputs({ sources: SOURCES, ...spec }, seed, tmp);
  const dir = path.join(tmp, 'stages', 'materialize', id);
  const stage: Stage = { kind: 'materialize', id, dir, deps: [], inputs: inputs as unknown as Record<string, unknown>, gpus: 0, runs: ['r1'] };
  const logs: string[] = [];
  const ctx: StageRunContext = {
    stage,
    plan: { experiment: 't', specFile: path.join(tmp, 'spec.yaml'), specDir: tmp, resultsRoot: tmp, runs: [], stages: new Map() } as Plan,
    workDir: dir,
    env: {},
    signal: new AbortController().signal,
    log: (l) => logs.push(l),
    progress: () => {},
    depDir: () => '',
    dryRun: false,
  };
  const res = await materializeDataset(ctx);
  return { dir, summary: (res ?? {}).summary ?? {}, stage };
}

const read = (dir: string, f: string): Promise<string> => readFile(path.join(dir, f), 'utf8');
const json = async <T>(dir: string, f: string): Promise<T> => JSON.parse(await read(dir, f)) as T;

/** A stand-in embedding: hashed bag of words, so the diversity path runs through the real `file` annotator. */
async function writeVectors(file: string): Promise<void> {
  const { records } = await loadSource('evol', SOURCES.evol, { specDir: tmp });
  const d = 64;
  const lines = records.map((r) => {
    const v = new Array<number>(d).fill(0);
    for (const w of r.instruction.toLowerCase().match(/[a-z]+/g) ?? []) {
      const h = createHash('md5').update(w).digest();
      v[h[0]! % d]! += h[1]! & 1 ? 1 : -1;
    }
    v[0]! += 0.01;
    return JSON.stringify({ id: r.id, vector: v });
  });
  await writeFile(file, lines.join('\n') + '\n');
}
describe.skipIf(!shared)('materialize on the real data sets', () => {
  describe('materializeDataset', () => {
    it('writes the five files; the same inputs give byte-identical data.jsonl twice and on a clean cache', async () => {
      const spec = {
        annotate: { complexity: { method: 'heuristic' as const }, task_type: { method: 'keywords' as const } },
        data: { source: 'evol', filter: { complexity: { keep: 'medium' as const } }, size: 300 },
      };
      const a = await run('aaaa000000000001', spec);
      const b = await run('aaaa000000000002', spec);
      process.env.ABLATE_CACHE = path.join(tmp, 'cache-clean');
      const c = await run('aaaa000000000003', spec);
      process.env.ABLATE_CACHE = path.join(tmp, 'cache-a');
      expect((await readdir(a.dir)).sort()).toEqual(['data.jsonl', 'datacard.json', 'datacard.md', 'dataset_info.json', 'manifest.json']);
      const da = await read(a.dir, 'data.jsonl');
      expect(await read(b.dir, 'data.jsonl')).toBe(da);
      expect(await read(c.dir, 'data.jsonl')).toBe(da);
      const lines = da.trimEnd().split('\n');
      expect(lines.length).toBe(300);
      for (const l of lines) expect(Object.keys(JSON.parse(l))).toEqual(['instruction', 'input', 'output']);

      expect(await json(a.dir, 'dataset_info.json')).toEqual({
        ablate_aaaa000000000001: { file_name: 'data.jsonl', formatting: 'alpaca', columns: { prompt: 'instruction', query: 'input', response: 'output' } },
      });
      const m = await json<DatasetManifest>(a.dir, 'manifest.json');
      expect(m.records).toBe(300);
      expect([...m.ids].sort()).toEqual(m.ids);
      expect(m.idsSha256).toBe(idListHash(m.ids));
      expect(m.dataSha256).toBe(createHash('sha256').update(da).digest('hex'));
      expect(m.steps.map((s) => [s.step, s.count])).toEqual([
        ['load', 1966],
        ['complexity', 655],
        ['size', 300],
      ]);
      expect(m.seeds.derived.size).toBeTypeOf('number');
      expect(m.sources.evol!.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(m.annotators.complexity).toMatchObject({ method: 'heuristic', annotatorHash: expect.any(String) });
      const card = await json<Datacard>(a.dir, 'datacard.json');
      expect(card.size).toBe(300);
      expect(card.complexity!.histogram.counts.reduce((s, n) => s + n, 0)).toBe(300);
      expect(Object.keys(card.taskTypes!.groups).sort()).toEqual(['algorithmic', 'practical']);
      expect(card.domains).toEqual({ code: 1 });
      expect(await read(a.dir, 'datacard.md')).toContain('# Data card: ablate_aaaa000000000001');
      expect(a.summary.records).toBe(300);
      console.log(`medium tertile card: complexity mean ${card.complexity!.mean}, groups ${JSON.stringify(card.taskTypes!.groups)}`);
    });

    it('tertile arms are disjoint and ordered; overlapReport flags an identical pair loudly', async () => {
      const arms: Record<string, string> = {};
      const means: number[] = [];
      for (const keep of ['low', 'medium', 'high'] as const) {
        const { dir } = await run(`tert-${keep}`, { data: { source: 'evol', filter: { complexity: { keep } } } });
        arms[keep] = dir;
        means.push((await json<Datacard>(dir, 'datacard.json')).complexity!.mean);
      }
      expect(means[0]!).toBeLessThan(means[1]!);
      expect(means[1]!).toBeLessThan(means[2]!);
      // A "copy" arm: the medium tertile materialized again under another stage id (study B's defect).
      arms.copy = (await run('tert-medium-copy', { data: { source: 'evol', filter: { complexity: { keep: 'medium' } } } })).dir;
      const ids = await Promise.all(Object.entries(arms).map(([k, d]) => readArmIds(k, d)));
      const report = overlapReport(ids);
      const j = (a: string, b: string): number => report.pairs.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a))!.jaccard;
      expect(j('low', 'medium')).toBe(0);
      expect(j('medium', 'high')).toBe(0);
      expect(j('medium', 'copy')).toBe(1);
      expect(report.warnings).toHaveLength(1);
      expect(report.warnings[0]).toMatch(/^IDENTICAL DATA: arms "medium" and "copy"/);
      // The overlap belongs to the experiment: the stage's own data card (hashed in its record) is not rewritten.
      const before = await read(arms.copy!, 'datacard.json');
      const file = overlapFile(report, arms);
      const card = withOverlap(await json<Datacard>(arms.copy!, 'datacard.json'), file.arms[arms.copy!]);
      expect(card.overlap!.find((o) => o.other === 'medium')).toMatchObject({ jaccard: 1, flag: 'identical' });
      expect(card.warnings.some((w) => w.startsWith('IDENTICAL DATA'))).toBe(true);
      expect(renderCardWithOverlap(await json<Datacard>(arms.copy!, 'datacard.json'), file.arms[arms.copy!])).toContain('| medium | 1.0000 |');
      expect(await read(arms.copy!, 'datacard.json')).toBe(before);
    });

    it('composition: group shares match the ratio exactly', async () => {
      for (const [a, p] of [[0.2, 0.8], [0.5, 0.5]] as const) {
        const { dir } = await run(`comp-${a}`, {
          annotate: { task_type: { method: 'keywords' } },
          data: { source: 'code_alpaca', filter: { composition: { groups: { algorithmic: a, practical: p } } }, size: 500 },
        });
        const card = await json<Datacard>(dir, 'datacard.json');
        expect(card.size).toBe(500);
        expect(card.taskTypes!.groups).toEqual({ algorithmic: a, practical: p });
        const m = await json<DatasetManifest>(dir, 'manifest.json');
        expect(m.steps.find((s) => s.step === 'composition')).toMatchObject({ taken: { algorithmic: a * 500, practical: p * 500 } });
        expect(m.seeds.derived['composition/algorithmic']).toBeTypeOf('number');
      }
    });

    it('diversity (file embeddings) then cross-domain mixing with the keyword filter, and decontamination', async () => {
      await writeVectors(path.join(tmp, 'evol-vectors.jsonl'));
      const { dir } = await run('div-cross', {
        annotate: { embedding: { method: 'file', path: 'evol-vectors.jsonl' } },
        data: {
          source: 'evol',
          decontaminate: { benchmarks: ['humaneval', 'mbpp'], paths: { humaneval: path.join(shared, 'HumanEval.jsonl.gz'), mbpp: path.join(shared, 'sanitized-mbpp.json') } },
          filter: { diversity: { keep: 'high' }, cross_domain: { mix: { alpaca: 0.03 }, drop_code_like: true } },
        },
      });
      const m = await json<DatasetManifest>(dir, 'manifest.json');
      const steps = Object.fromEntries(m.steps.map((s) => [s.step, s.count]));
      const afterDecon = steps.decontaminate!;
      const high = afterDecon - 2 * Math.floor(afterDecon / 3);
      expect(steps.diversity).toBe(high);
      expect(steps.cross_domain).toBe(Math.floor(high * 0.97) + Math.floor(high * 0.03));
      expect(m.decontamination!.benchmarks.map((b) => b.problems)).toEqual([164, 427]);
      const card = await json<Datacard>(dir, 'datacard.json');
      expect(card.domains.general).toBeCloseTo(Math.floor(high * 0.03) / steps.cross_domain!, 3);
      expect(card.diversity!.meanScore).toBeGreaterThan(0);
      expect(card.decontamination).toEqual({ ngram: 13, minChars: 40, removed: m.decontamination!.removed.length, byBenchmark: expect.any(Object), bySource: expect.any(Object), byRule: expect.any(Object), records: expect.any(Array) });
      expect(card.decontamination!.records).toHaveLength(m.decontamination!.removed.length);
      expect(await read(dir, 'datacard.md')).toContain('## Decontamination');
      console.log(`div-cross: ${JSON.stringify(steps)}, decontaminated ${m.decontamination!.removed.length}`);
    });
  });

  describe('composition then cross-domain mixing', () => {
    it('keeps the task-type shares in the card, over the classified code records', async () => {
      const { dir } = await run('comp-cross', {
        annotate: { task_type: { method: 'keywords' } },
        data: { source: 'code_alpaca', filter: { composition: { groups: { algorithmic: 0.5, practical: 0.5 } }, cross_domain: { mix: { alpaca: 0.1 } } }, size: 300 },
      });
      const card = await json<Datacard>(dir, 'datacard.json');
      expect(card.size).toBe(300);
      expect(card.sources).toEqual({ alpaca: 0.1, code_alpaca: 0.9 });
      expect(card.taskTypes!.classified).toBe(270);
      expect(Object.values(card.taskTypes!.groups).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
      expect(await read(dir, 'datacard.md')).toContain('## Task types (over the 270 classified records)');
    });
  });

  describe('composition group names', () => {
    it('names the known groups when the spec uses an unknown one', async () => {
      const err = await run('comp-typo', {
        annotate: { task_type: { method: 'keywords' } },
        data: { source: 'code_alpaca', filter: { composition: { groups: { algorithmc: 0.5, practical: 0.5 } } }, size: 100 },
      }).catch((e) => e);
      expect(err.exitCode).toBe(2);
      expect(err.message).toMatch(/no task category belongs to group "algorithmc"; the categories' groups are "algorithmic", "practical"/);
    });
  });

  describe('overlapForPlan', () => {
    it('labels arms by run names and warns on unexpected copies', async () => {
      const low = { data: { source: 'evol', filter: { complexity: { keep: 'low' as const } } } };
      const r1 = await run('plan-low-r1', low, 1);
      const med = await run('plan-med', { data: { source: 'evol', filter: { complexity: { keep: 'medium' as const } } } });
      const med2 = await run('plan-med-bin2', { data: { source: 'evol', filter: { complexity: { keep: 2 } } } });
      const stages = [r1, med, med2].map((r, i) => ({ ...r.stage, runs: [`run${i}`] }));
      const plan = {
        experiment: 't', specFile: '', specDir: tmp, resultsRoot: tmp,
        runs: ['low', 'medium', 'bin2'].map((name, i) => ({ id: `run${i}`, name })),
        stages: new Map(stages.map((s) => [s.id, s])),
      } as unknown as Plan;
      const report = await overlapForPlan(plan);
      const pair = (a: string, b: string) => report.pairs.find((p) => p.a.startsWith(a) && p.b.startsWith(b))!;
      expect(pair('medium', 'bin2')).toMatchObject({ jaccard: 1, flag: 'identical' });
      expect(pair('low', 'medium').jaccard).toBe(0);
      expect(report.warnings).toHaveLength(1);
      expect(report.warnings[0]).toMatch(/^IDENTICAL DATA: arms "medium \[plan-med\]" and "bin2 \[plan-med-b\]"/);
      const file = JSON.parse(await read(path.join(tmp, 'experiments', 't'), 'overlap.json')) as OverlapFile;
      const card = withOverlap(await json<Datacard>(med2.dir, 'datacard.json'), file.arms[med2.stage.id]);
      expect(card.overlap).toHaveLength(2);
      expect(card.warnings).toHaveLength(1);
      expect((await json<Datacard>(med2.dir, 'datacard.json')).overlap).toBeUndefined();
    });

    it('does not warn when the repeats of a seeded arm come out identical (the seed cannot change a 100:0 mix)', async () => {
      const pure = { data: { source: 'evol', filter: { complexity: { keep: 'low' as const }, cross_domain: { mix: {} } } } };
      const reps = [await run('plan-pure-r1', pure, 1), await run('plan-pure-r2', pure, 2)];
      const other = await run('plan-pure-plain', { data: { source: 'evol', filter: { complexity: { keep: 'low' as const } } } }, 1);
      const stages = [...reps, other].map((r, i) => ({ ...r.stage, runs: [`run${i}`] }));
      const plan = {
        experiment: 't', specFile: '', specDir: tmp, resultsRoot: tmp,
        runs: ['pure/r1', 'pure/r2', 'sized'].map((name, i) => ({ id: `run${i}`, name })),
        stages: new Map(stages.map((s) => [s.id, s])),
      } as unknown as Plan;
      const report = await overlapForPlan(plan);
      const pair = (a: string, b: string) => report.pairs.find((p) => p.a.startsWith(a) && p.b.startsWith(b))!;
      expect(pair('pure/r1', 'pure/r2')).toMatchObject({ jaccard: 1, flag: 'identical', expected: true });
      // Another config with the same records is still a copy worth a warning.
      expect(report.warnings).toHaveLength(2);
      expect(report.warnings.every((w) => w.includes('"sized ['))).toBe(true);
    });
  });
});
