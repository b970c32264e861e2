import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ablateVersion, annotatorSetup, buildLock, portableSelection } from '../../src/bundle/lock.js';
import { inputReasons } from '../../src/bundle/verify.js';
import { SCORER_PRESETS } from '../../src/data/annotators/scorerPresets.js';
import type { Plan, Run, Stage } from '../../src/plan/types.js';

const work = mkdtempSync(path.join(tmpdir(), 'ablate-lock-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function stage(kind: Stage['kind'], id: string, inputs: Record<string, unknown>, files: Record<string, unknown>, extra: Partial<Stage> = {}): Stage {
  const dir = path.join(work, 'results', 'stages', kind, id);
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), JSON.stringify(content));
  return { kind, id, dir, deps: [], inputs, gpus: 0, runs: ['run1'], ...extra };
}

/** A finished one-arm plan whose stage folders hold what the executor and the tools write. */
function finishedPlan(): Plan {
  const annotate = { complexity: { method: 'python', preset: 'deita' }, task_type: { method: 'embedding' } };
  const mat = stage(
    'materialize',
    'm1',
    {
      sources: { hub: { hf: 'org/data', revision: 'abc123', split: 'train', file: 'data/train.jsonl', format: 'alpaca' } },
      annotate,
      data: { source: 'hub', filter: { complexity: { bins: 3, keep: 'low' } } },
      seed: 7,
      benchmarks: { humaneval: 'f'.repeat(64) },
    },
    {
      'manifest.json': {
        records: 12,
        idsSha256: 'a'.repeat(64),
        dataSha256: 'b'.repeat(64),
        sources: { hub: { sha256: 'c'.repeat(64) } },
        steps: [{ step: 'load', count: 40 }, { step: 'complexity', count: 12, bins: 3 }],
        annotators: { complexity: { method: 'python', preset: 'deita', annotatorHash: '1234' }, task_type: { method: 'embedding' } },
      },
      'ablate-stage.json': { tools: {} },
    },
  );
  const train1 = stage('train', 't1', { dataset: 'm1', train: { model: 'org/model', revision: 'r1' } }, { 'ablate-stage.json': { tools: { llamafactory: '0.9.1', transformers: '4.45.0' } } }, { deps: ['m1'] });
  const train2 = stage('train', 't2', { dataset: 'm1', train: { model: 'org/model', revision: 'r1' } }, { 'ablate-stage.json': { tools: { llamafactory: '0.9.1', transformers: '4.46.1' } } }, { deps: ['m1'] });
  const ev = stage(
    'eval',
    'e1',
    { train: 't1', task: 'humaneval', eval: { tool: 'bigcode' }, problemsSha256: 'd'.repeat(64) },
    { 'result.json': { tool: 'bigcode', task: 'humaneval', metrics: {}, problems: [], n_samples: 1, setup_hash: 'feed' }, 'ablate-stage.json': { tools: { bigcode: 'harness@0a1b2c' } } },
    { deps: ['t1'], task: 'humaneval' },
  );
  // Absolute paths in the spec, as a user may write them: the lock must not carry them.
  const config = {
    name: 'lock-test',
    seed: 7,
    sources: { local: { path: path.join(work, 'data', 'code.jsonl') } },
    data: { source: 'hub', decontaminate: { paths: { humaneval: path.join(work, 'bench', 'he.jsonl') } } },
    annotate: { ...annotate, embedding: { model: path.join(work, 'models', 'emb') } },
    train: { model: path.join(work, 'models', 'base'), deepspeed: path.join(work, 'ds.json') },
    eval: { tool: 'bigcode', tasks: ['humaneval'], problems: path.join(work, 'he.jsonl') },
    execute: { results: path.join(work, 'results') },
  } as unknown as Run['config'];
  const run: Run = { id: 'run1', name: 'base', index: 0, axes: {}, repeat: 1, samplingSeed: 7, config, stages: ['m1', 't1', 'e1'] };
  return {
    experiment: 'lock-test',
    specFile: path.join(work, 'spec.yaml'),
    specDir: work,
    resultsRoot: path.join(work, 'results'),
    runs: [run],
    stages: new Map([mat, train1, train2, ev].map((s) => [s.id, s])),
  };
}

describe('ablate.lock.json', () => {
  const lock = buildLock(finishedPlan());

  it("names ablate's own version", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(ablateVersion()).toBe(pkg.version);
    expect(lock.ablate).toEqual({ version: pkg.version });
  });

  it('locks a Hugging Face source by revision, file and the content hash of what was downloaded', () => {
    expect(lock.datasets.m1!.sources.hub).toEqual({ hf: 'org/data', revision: 'abc123', split: 'train', file: 'data/train.jsonl', format: 'alpaca', sha256: 'c'.repeat(64) });
  });

  it('keeps the selection: data section, decontamination files by content, step counts', () => {
    const d = lock.datasets.m1!;
    expect(d.data).toEqual({ source: 'hub', filter: { complexity: { bins: 3, keep: 'low' } } });
    expect(d.benchmarks).toEqual({ humaneval: 'f'.repeat(64) });
    expect(d.steps).toEqual([{ step: 'load', count: 40 }, { step: 'complexity', count: 12 }]);
    expect(d.idsSha256).toBe('a'.repeat(64));
  });

  it('spells out annotator models and prompts, defaults included', () => {
    const setup = lock.datasets.m1!.annotatorSetup!;
    expect(setup.complexity).toEqual({
      method: 'python',
      preset: 'deita',
      model: 'banksy235/XCoder-Complexity-Scorer',
      perplexity_model: 'gpt2',
      prompt: SCORER_PRESETS.deita.prompt,
      firstScoreWeight: 1,
      combine: 'mean',
    });
    expect(setup.task_type).toMatchObject({
      method: 'embedding',
      model: 'Xenova/all-MiniLM-L6-v2',
      category_prompt: 'Represent the topic for coding category:',
      task_prompt: 'Represent coding category of the programming task:',
    });
    expect((setup.task_type!.categories as unknown[]).length).toBe(10);
  });

  it('records every tool version from the completion records, and never hides a disagreement', () => {
    expect(lock.trainings.t1!.tools).toEqual({ llamafactory: '0.9.1', transformers: '4.45.0' });
    expect(lock.tools).toEqual({ bigcode: 'harness@0a1b2c', llamafactory: '0.9.1', transformers: '4.45.0, 4.46.1' });
  });

  it("takes an evaluation's tool version from its completion record when result.json has none", () => {
    expect(lock.evaluations.e1).toEqual({ train: 't1', task: 'humaneval', tool: 'bigcode', setupHash: 'feed', toolVersion: 'harness@0a1b2c', problemsSha256: 'd'.repeat(64), tools: { bigcode: 'harness@0a1b2c' } });
  });

  it('has no absolute path of this machine: spec paths become spec-relative, local models local:…', () => {
    expect(JSON.stringify(lock)).not.toContain(work);
    expect(lock.runs[0]!.config).toMatchObject({
      sources: { local: { path: 'data/code.jsonl' } },
      data: { decontaminate: { paths: { humaneval: 'bench/he.jsonl' } } },
      annotate: { embedding: { model: 'local:models/emb' } },
      train: { model: 'local:models/base', deepspeed: 'ds.json' },
      eval: { problems: 'he.jsonl' },
    });
    expect(lock.runs[0]!.config).not.toHaveProperty('execute');
  });
});

describe('annotatorSetup', () => {
  it('names local model folders relative to the spec, and only what a method uses', () => {
    const specDir = '/specs/study';
    expect(annotatorSetup({ complexity: { method: 'endpoint', model: './models/scorer' } }, [], specDir).complexity).toEqual({
      method: 'endpoint',
      preset: 'xcoder',
      model: 'local:models/scorer',
      prompt: SCORER_PRESETS.xcoder.prompt,
      firstScoreWeight: 0,
      combine: 'mean',
    });
    expect(annotatorSetup({ complexity: { method: 'heuristic' } }, [], specDir)).toEqual({ complexity: { method: 'heuristic' } });
    expect(annotatorSetup({}, ['embedding'], specDir)).toEqual({ embedding: { method: 'transformers', model: 'Xenova/all-MiniLM-L6-v2', prefix: '', text: 'instruction', pooling: 'mean' } });
    expect(annotatorSetup({ embedding: { method: 'file', path: 'v.npy' } }, [], specDir)).toEqual({ embedding: { method: 'file' } });
  });
});

describe('portableSelection', () => {
  it('keeps annotate and data sections without machine paths, so verify elsewhere compares like with like', () => {
    const here = { annotate: { embedding: { model: '/home/me/study/models/emb', path: '/home/me/study/v.npy' } }, data: { source: 'code', decontaminate: { paths: { humaneval: '/home/me/study/he.jsonl' } } } };
    const there = { annotate: { embedding: { model: '/mnt/x/models/emb', path: '/mnt/x/v.npy' } }, data: { source: 'code', decontaminate: { paths: { humaneval: '/mnt/x/he.jsonl' } } } };
    const locked = portableSelection(here, '/home/me/study');
    expect(locked).toEqual({ annotate: { embedding: { model: 'local:models/emb', path: 'v.npy' } }, data: { source: 'code', decontaminate: { paths: { humaneval: 'he.jsonl' } } } });
    expect(portableSelection(there, '/mnt/x')).toEqual(locked);
    const dataset = { sources: {}, seed: 1, ...locked };
    expect(inputReasons(dataset, { inputs: { sources: {}, ...there } }, '/mnt/x')).toEqual([]);
    expect(inputReasons(dataset, { inputs: { sources: {}, ...there } }, '/mnt')).toHaveLength(2);
  });
});
