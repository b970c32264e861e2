/**
 * `ablate fetch` against a stand-in Hugging Face hub on 127.0.0.1, then the quickstart-sized loop
 * with the hub stopped: the dataset comes from the hub at a resolved commit, the base model (the
 * tiny Llama, served by the stand-in) from the Hugging Face cache under a private HF_HOME, read by
 * real LLaMA-Factory and transformers offline. The real huggingface_hub client downloads from the
 * same stand-in first, which checks that it answers like the hub.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../../src/tools/llamafactory/model.js';
import { ensureToolEnv, pythonBin, toolEnvStatus } from '../../src/tools/pyenv.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { commitSha, startHub, type StandInHub } from '../helpers/hubServer.js';

const status = await toolEnvStatus();
const envPath = status.present ? status.path : process.env.CI ? await ensureToolEnv() : undefined;
const skipReason = `no Python tool env at ${status.path}: run \`ablate tools install\``;

const work = mkdtempSync(path.join(tmpdir(), 'ablate-e2e-fetch-'));
const DATA_COMMIT = commitSha('code-sample v1');
const MODEL_COMMIT = commitSha('tiny-llama v1');
let hub: StandInHub | undefined;
let env: Record<string, string> = {};
const spec = path.join(work, 'spec.yaml');

beforeAll(async () => {
  if (!envPath) return;
  const tiny = await ensureTinyModel(envPath);
  const modelFiles = Object.fromEntries(readdirSync(tiny).filter((f) => f !== 'ablate-model.json').map((f) => [f, readFileSync(path.join(tiny, f))]));
  hub = await startHub([
    { type: 'dataset', id: 'ablate-test/code-sample', refs: { main: DATA_COMMIT }, commits: { [DATA_COMMIT]: { 'data/train.jsonl': readFileSync(path.join(repoRoot, 'experiments/data/quickstart-code.jsonl')), 'README.md': '# sample' } } },
    { type: 'model', id: 'ablate-test/tiny-llama', refs: { main: MODEL_COMMIT }, commits: { [MODEL_COMMIT]: modelFiles } },
  ]);
  copyFileSync(path.join(repoRoot, 'experiments/data/quickstart-problems.jsonl'), path.join(work, 'problems.jsonl'));
  writeFileSync(
    spec,
    `name: offline-quickstart
sources:
  code: { hf: ablate-test/code-sample, revision: main, format: alpaca }
annotate: { complexity: { method: heuristic } }
data: { source: code, filter: { complexity: { bins: 3, keep: low } } }
sweep: { grid: { data.filter.complexity.keep: [low, high] } }
train:
  model: ablate-test/tiny-llama
  template: default
  finetuning: lora
  args: { max_steps: 2, per_device_train_batch_size: 2, learning_rate: 1.0e-3, cutoff_len: 128, logging_steps: 1, save_steps: 2 }
  gpus: 0
eval: { tool: local, tasks: [humaneval], problems: problems.jsonl, args: { max_new_tokens: 16 }, gpus: 0 }
execute: { cpu_slots: 1 }
`,
  );
  env = {
    ...(process.env as Record<string, string>),
    ABLATE_PYTHON_ENV: envPath,
    ABLATE_CACHE: path.join(work, 'cache'),
    HF_HOME: path.join(work, 'hf-home'),
    HF_ENDPOINT: hub.url,
  };
  delete env.HF_HUB_CACHE;
  delete env.HF_HUB_OFFLINE;
}, 600_000);

afterAll(async () => {
  await hub?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('ablate fetch, then an offline run', () => {
  it('the real huggingface_hub client downloads a snapshot from the stand-in hub', async (t) => {
    if (!envPath || !hub) return t.skip(skipReason);
    const code = 'import sys\nfrom huggingface_hub import snapshot_download\nprint(snapshot_download(sys.argv[1], revision="main"))';
    const r = await execa(pythonBin(envPath), ['-c', code, 'ablate-test/tiny-llama'], { env: { ...env, HF_HOME: path.join(work, 'hf-client') }, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim().endsWith(path.join('snapshots', MODEL_COMMIT))).toBe(true);
    expect(readFileSync(path.join(work, 'hf-client', 'hub', 'models--ablate-test--tiny-llama', 'refs', 'main'), 'utf8')).toBe(MODEL_COMMIT);
  }, 120_000);

  it('without fetch, a run fails in under 5 s naming what is missing; after fetch it completes with the hub stopped', async (t) => {
    if (!envPath || !hub) return t.skip(skipReason);
    const results = path.join(work, 'results');
    const t0 = Date.now();
    const before = await runCli(['run', spec, '--results', results, '--quiet'], { env });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(before.exitCode).toBe(2);
    expect(before.stderr).toMatch(/dataset ablate-test\/code-sample@main \(train\): revision main was never resolved/);
    expect(before.stderr).toMatch(/base model ablate-test\/tiny-llama@main: not in the Hugging Face cache/);
    expect(before.stderr).toContain(`ablate fetch ${spec}`);

    const dry = await runCli(['fetch', spec, '--dry-run', '--results', results], { env });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/base model ablate-test\/tiny-llama@main → [0-9a-f]{12}: to fetch: \d+ file\(s\), [\d.]+ [kM]B/);
    expect(existsSync(path.join(work, 'hf-home'))).toBe(false);

    const fetched = await runCli(['fetch', spec, '--results', results], { env });
    expect(fetched.exitCode, fetched.stderr).toBe(0);
    expect(fetched.stderr).toMatch(/model\.safetensors: .*\(100%\)/);
    expect(readFileSync(path.join(work, 'hf-home', 'hub', 'models--ablate-test--tiny-llama', 'refs', 'main'), 'utf8')).toBe(MODEL_COMMIT);

    await hub.close();
    const run = await runCli(['run', spec, '--results', results, '--quiet'], { env });
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/humaneval/);
    const lock = JSON.parse(readFileSync(path.join(results, 'experiments', 'offline-quickstart', 'ablate.lock.json'), 'utf8')) as { datasets: Record<string, { sources: { code: { commit?: string } } }> };
    expect(Object.values(lock.datasets).map((d) => d.sources.code.commit)).toEqual([DATA_COMMIT, DATA_COMMIT]);
    // LLaMA-Factory really read the hub id from the cache (no local path in its config).
    const trainDirs = readdirSync(path.join(results, 'stages', 'train'));
    const cfg = readFileSync(path.join(results, 'stages', 'train', trainDirs[0]!, 'llamafactory.yaml'), 'utf8');
    expect(cfg).toMatch(/model_name_or_path: ablate-test\/tiny-llama/);
  }, 1_800_000);
});
