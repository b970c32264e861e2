import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveHfFiles } from '../../src/data/sources/hf.js';
import { planArtifacts } from '../../src/fetch/artifacts.js';
import { fetchSpecs } from '../../src/fetch/command.js';
import { downloadFile } from '../../src/fetch/hub.js';
import { hubCacheDir } from '../../src/util/locations.js';
import { buildPlan } from '../../src/plan/build.js';
import { runCli } from '../helpers/cli.js';
import { commitSha, startHub, type HubRepo, type StandInHub } from '../helpers/hubServer.js';

const C1 = commitSha('data v1');
const C2 = commitSha('data v2');
const M1 = commitSha('model v1');
const E1 = commitSha('embedder v1');
const rows = (n: number, tag: string): string => Array.from({ length: n }, (_, i) => JSON.stringify({ instruction: `write f${i} ${tag}`, input: '', output: `def f${i}(): return ${i}` })).join('\n') + '\n';
const weights = Buffer.alloc(200_000, 7);

function repos(): HubRepo[] {
  return [
    { type: 'dataset', id: 'org/evol', refs: { main: C1 }, commits: { [C1]: { 'data/train-00000-of-00002.jsonl': rows(30, 'a'), 'data/train-00001-of-00002.jsonl': rows(30, 'b'), 'data/test-00000.jsonl': rows(3, 't'), 'README.md': '# evol' }, [C2]: { 'data/train-00000-of-00001.jsonl': rows(40, 'v2') } } },
    { type: 'model', id: 'org/tiny-coder', refs: { main: M1 }, commits: { [M1]: { 'config.json': '{"model_type":"llama"}', 'tokenizer.json': '{}', 'model.safetensors': weights, 'pytorch_model.bin': Buffer.alloc(1000, 1), 'onnx/model.onnx': 'x' } } },
    { type: 'model', id: 'org/embedder', refs: { main: E1 }, commits: { [E1]: { 'config.json': '{}', 'tokenizer.json': '{}', 'tokenizer_config.json': '{}', 'onnx/model.onnx': 'onnx', 'onnx/model_quantized.onnx': 'q', 'pytorch_model.bin': 'big' } } },
  ];
}

const SPEC = `name: offline
sources:
  evol: { hf: org/evol, revision: main, format: alpaca }
annotate:
  embedding: { method: transformers, model: org/embedder }
data: { source: evol }
train: { model: org/tiny-coder, template: default, finetuning: lora, merge: true, gpus: 0 }
eval: { tool: evalplus, tasks: [humaneval], gpus: 0 }
`;

describe('ablate fetch against a stand-in hub, then offline', () => {
  let hub: StandInHub;
  let root: string;
  let spec: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'ablate-fetch-'));
    spec = path.join(root, 'spec.yaml');
    writeFileSync(spec, SPEC);
    hub = await startHub(repos(), { files: { '/evalplus/humanevalplus_release/releases/download/v0.1.10/HumanEvalPlus.jsonl.gz': gzipSync('{"task_id":"HumanEval/0"}\n') } });
    // A venv stand-in: the Python env is present, so fetch installs nothing.
    mkdirSync(path.join(root, 'venv', 'bin'), { recursive: true });
    writeFileSync(path.join(root, 'venv', 'bin', 'python'), '');
    env = {
      ABLATE_CACHE: path.join(root, 'cache'),
      HF_HOME: path.join(root, 'hf-home'),
      XDG_CACHE_HOME: path.join(root, 'xdg'),
      HF_ENDPOINT: hub.url,
      ABLATE_EVALPLUS_RELEASES: `${hub.url}/evalplus`,
      ABLATE_PYTHON_ENV: path.join(root, 'venv'),
    };
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
    vi.stubEnv('HF_HUB_CACHE', '');
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await hub.close();
  });

  it('lists what is missing, downloads it with sizes and resume, records the commit, and works with the hub stopped', async () => {
    const before = await buildPlan(spec, { resultsRoot: path.join(root, 'results') });
    const missing = planArtifacts(before).filter((a) => !a.cached).map((a) => a.key).sort();
    expect(missing).toEqual(['EvalPlus problems HumanEvalPlus v0.1.10', 'annotator model org/embedder (transformers.js)', 'base model org/tiny-coder@main', 'dataset org/evol@main (train)']);

    // Dry run: sizes from the hub's listing, nothing written.
    const dry = await fetchSpecs([spec], { dryRun: true, log: () => {} });
    const byKey = Object.fromEntries(dry.items.map((i) => [i.key, i]));
    expect(byKey['dataset org/evol@main (train)']).toMatchObject({ commit: C1, files: 2, bytes: Buffer.byteLength(rows(30, 'a')) + Buffer.byteLength(rows(30, 'b')) });
    // Only what LLaMA-Factory reads: safetensors, not the .bin duplicate nor the ONNX export.
    expect(byKey['base model org/tiny-coder@main']).toMatchObject({ files: 3, bytes: weights.length + 22 + 2 });
    expect(byKey['annotator model org/embedder (transformers.js)']).toMatchObject({ files: 4 });
    expect(existsSync(env.ABLATE_CACHE!)).toBe(false);
    expect(existsSync(env.HF_HOME!)).toBe(false);

    // An interrupted download: the first attempt fails, the second resumes with a Range request.
    hub.breakOnce.add('model.safetensors');
    const lines: string[] = [];
    await expect(fetchSpecs([spec], { log: (l) => lines.push(l) })).rejects.toThrow(/broke off|downloaded \d+ of/);
    const snapshot = path.join(env.HF_HOME!, 'hub', 'models--org--tiny-coder', 'snapshots', M1);
    expect(existsSync(path.join(snapshot, 'model.safetensors.incomplete'))).toBe(true);
    const done = await fetchSpecs([spec], { log: (l) => lines.push(l) });
    expect(hub.ranges.some((r) => r.startsWith('model.safetensors bytes='))).toBe(true);
    expect(readFileSync(path.join(snapshot, 'model.safetensors')).equals(weights)).toBe(true);
    expect(lines.some((l) => /model\.safetensors: .* \/ 200\.0 kB \(100%\)/.test(l))).toBe(true);
    // The Hugging Face cache as huggingface_hub lays it out (HF_HOME honoured): refs/main → the commit.
    expect(hubCacheDir()).toBe(path.join(env.HF_HOME!, 'hub'));
    expect(readFileSync(path.join(env.HF_HOME!, 'hub', 'models--org--tiny-coder', 'refs', 'main'), 'utf8')).toBe(M1);
    expect(existsSync(path.join(env.XDG_CACHE_HOME!, 'evalplus', 'HumanEvalPlus-v0.1.10.jsonl'))).toBe(true);
    expect(existsSync(path.join(env.ABLATE_CACHE!, 'models', 'org', 'embedder', 'onnx', 'model.onnx'))).toBe(true);
    // The lock names the commit the dataset revision resolved to.
    const lock = JSON.parse(readFileSync(done.locks[0]!, 'utf8')) as { datasets: Record<string, { sources: Record<string, { commit?: string }> }> };
    expect(Object.values(lock.datasets)[0]!.sources.evol!.commit).toBe(C1);

    // Offline: the hub is gone, and everything the plan needs is on disk.
    await hub.close();
    const after = await buildPlan(spec, { resultsRoot: path.join(root, 'results') });
    expect(planArtifacts(after).filter((a) => !a.cached)).toEqual([]);
    const mat = [...after.stages.values()].find((s) => s.kind === 'materialize')!;
    const matBefore = [...before.stages.values()].find((s) => s.kind === 'materialize')!;
    expect(mat.id).not.toBe(matBefore.id);
    const files = await resolveHfFiles({ hf: 'org/evol', revision: C1 }, { fetch: () => Promise.reject(new Error('offline')) });
    expect(files.map((f) => path.basename(f))).toEqual(['train-00000-of-00002.jsonl', 'train-00001-of-00002.jsonl']);
  });

  it('keeps using the fetched commit when main moves, until fetched again', async () => {
    await fetchSpecs([spec], { log: () => {} });
    const first = await buildPlan(spec, { resultsRoot: path.join(root, 'results') });
    hub.setRef('dataset', 'org/evol', 'main', C2);
    const still = await buildPlan(spec, { resultsRoot: path.join(root, 'results') });
    expect([...still.stages.keys()]).toEqual([...first.stages.keys()]);
    const lines: string[] = [];
    await fetchSpecs([spec], { log: (l) => lines.push(l) });
    expect(lines.some((l) => l.includes(`main moved: ${C1.slice(0, 12)} → ${C2.slice(0, 12)}`))).toBe(true);
    const moved = await buildPlan(spec, { resultsRoot: path.join(root, 'results') });
    const src = ([...moved.stages.values()][0]!.inputs as { sources: Record<string, { commit?: string }> }).sources.evol!;
    expect(src.commit).toBe(C2);
    expect([...moved.stages.keys()][0]).not.toBe([...first.stages.keys()][0]);
  });

  it('a run without fetch refuses in seconds, naming each missing artifact and the fetch command', async () => {
    await hub.close();
    const t0 = Date.now();
    const r = await runCli(['run', spec, '--results', path.join(root, 'results')], { env: { ...process.env, ...env } as Record<string, string> });
    const ms = Date.now() - t0;
    expect(r.exitCode).toBe(2);
    expect(ms).toBeLessThan(5000);
    expect(r.stderr).toContain('dataset org/evol@main (train): revision main was never resolved');
    expect(r.stderr).toContain('base model org/tiny-coder@main');
    expect(r.stderr).toContain(`ablate fetch ${spec}`);
    expect(existsSync(path.join(root, 'results', 'stages'))).toBe(false);
  });

  it('downloadFile starts over when the server ignores Range, and refuses a wrong size', async () => {
    const target = path.join(root, 'f.bin');
    writeFileSync(`${target}.incomplete`, 'garbage-longer-than-the-file-itself-garbage');
    const url = `${hub.url}/org/tiny-coder/resolve/${M1}/config.json`;
    await downloadFile(url, target, { size: 22 });
    expect(readFileSync(target, 'utf8')).toBe('{"model_type":"llama"}');
    await expect(downloadFile(url, path.join(root, 'g.bin'), { size: 23 })).rejects.toThrow(/downloaded 22 of 23 bytes/);
  });
});

describe('decontamination benchmark files are fetch artifacts', () => {
  it('lists a cached benchmark file as missing until it is in the cache, and skips benchmarks given by local path', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ablate-fetch-bench-'));
    writeFileSync(path.join(root, 'local-mbpp.json'), '[]');
    const spec = path.join(root, 'spec.yaml');
    writeFileSync(path.join(root, 'data.jsonl'), rows(5, 'x'));
    writeFileSync(spec, `name: bench
sources:
  code: { path: data.jsonl }
data: { source: code, decontaminate: { benchmarks: [gsm8k, mbpp], paths: { mbpp: local-mbpp.json } } }
train: { model: tiny, gpus: 0 }
eval: { tool: local, tasks: [humaneval], problems: problems.jsonl, gpus: 0 }
`);
    writeFileSync(path.join(root, 'problems.jsonl'), '');
    vi.stubEnv('ABLATE_CACHE', path.join(root, 'cache'));
    try {
      const plan = await buildPlan(spec, { resultsRoot: path.join(root, 'results') });
      const bench = planArtifacts(plan).filter((a) => a.key.startsWith('decontamination problems'));
      expect(bench.map((a) => [a.key, a.cached])).toEqual([['decontamination problems gsm8k', false]]);
      expect(bench[0]!.source).toMatchObject({ type: 'url', file: path.join(root, 'cache', 'benchmarks', 'gsm8k-test.jsonl') });
      mkdirSync(path.join(root, 'cache', 'benchmarks'), { recursive: true });
      writeFileSync(path.join(root, 'cache', 'benchmarks', 'gsm8k-test.jsonl'), '{"question":"q","answer":"a"}\n');
      const again = planArtifacts(await buildPlan(spec, { resultsRoot: path.join(root, 'results') })).filter((a) => a.key.startsWith('decontamination problems'));
      expect(again.map((a) => [a.key, a.cached])).toEqual([['decontamination problems gsm8k', true]]);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
