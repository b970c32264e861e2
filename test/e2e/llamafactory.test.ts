/**
 * The real LLaMA-Factory, offline, on the CPU: generated configs go through its own argument
 * parser, and a tiny random Llama trains (LoRA) for a few steps, resumes, fails cleanly, merges.
 * Uses the managed Python env (built on first use; ABLATE_PYTHON_ENV points at an existing one).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageProgress, StageRunContext } from '../../src/exec/types.js';
import type { Plan, Stage } from '../../src/plan/types.js';
import type { Train } from '../../src/spec/types.generated.js';
import {
  buildTrainConfig,
  deepspeedPreset,
  ensureTinyModel,
  parseTrainerLog,
  readTrainMetrics,
  runTrainStage,
  TINY_LLAMA,
  writeTrainConfig,
} from '../../src/tools/llamafactory/index.js';
import { ensureToolEnv, pythonBin, runnerScript } from '../../src/tools/pyenv.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const codeAlpaca = path.resolve(repoRoot, '../shared/data/code_alpaca_2k.json');

let envPath: string | undefined;
let skipReason = '';
let work: string;
const timings: Record<string, number> = {};

async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    timings[name] = (Date.now() - t0) / 1000;
  }
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'ablate-lf-e2e-'));
  try {
    envPath = await timed('ensureToolEnv', () => ensureToolEnv({ onProgress: (l) => console.log(l) }));
  } catch (err) {
    if (process.env.CI) throw err;
    skipReason = `Python tool env unavailable: ${(err as Error).message.split('\n')[0]}`;
  }
});

afterAll(() => {
  console.log(`llamafactory e2e timings (s): ${JSON.stringify(timings)}`);
  if (work && !process.env.ABLATE_KEEP_E2E) rmSync(work, { recursive: true, force: true });
});

function skipIfNoEnv(ctx: { skip: (note?: string) => void }): string {
  if (!envPath) ctx.skip(skipReason);
  return envPath!;
}

/** 40 records of the real Code Alpaca file as a materialized stage folder (data.jsonl + dataset_info.json). */
function writeDataset(dir: string, name = 'ablate_e2e'): string {
  mkdirSync(dir, { recursive: true });
  const records = (JSON.parse(readFileSync(codeAlpaca, 'utf8')) as Array<Record<string, string>>).slice(0, 40);
  writeFileSync(path.join(dir, 'data.jsonl'), records.map((r) => JSON.stringify({ instruction: r.instruction, input: r.input ?? '', output: r.output })).join('\n') + '\n');
  writeFileSync(
    path.join(dir, 'dataset_info.json'),
    JSON.stringify({ [name]: { file_name: 'data.jsonl', formatting: 'alpaca', columns: { prompt: 'instruction', query: 'input', response: 'output' } } }, null, 2),
  );
  return dir;
}

interface CheckResult {
  ok: boolean;
  unknown_keys: string[];
  error: string | null;
  values: Record<string, unknown>;
  types?: Record<string, string>;
}

/** Runs the installed parser on several configs in one Python process (its import alone takes seconds). */
async function parseWithLlamaFactory(cfgPaths: string[]): Promise<CheckResult[]> {
  const r = await execa(pythonBin(envPath!), [runnerScript('check_llamafactory_config.py'), ...cfgPaths], { env: { DISABLE_VERSION_CHECK: '1', HF_HUB_OFFLINE: '1' } });
  return String(r.stdout).trim().split('\n').map((l) => JSON.parse(l) as CheckResult);
}

function fakeContext(stage: Stage, depDirs: Record<string, string>, dryRun = false) {
  const progress: StageProgress[] = [];
  const lines: string[] = [];
  const ctx: StageRunContext = {
    stage,
    plan: { experiment: 'e2e', specFile: '', specDir: work, resultsRoot: work, runs: [], stages: new Map([[stage.id, stage]]) } as Plan,
    workDir: stage.dir,
    env: { CUDA_VISIBLE_DEVICES: '' },
    signal: new AbortController().signal,
    log: (l) => lines.push(l),
    progress: (p) => progress.push(p),
    depDir: (id) => depDirs[id]!,
    dryRun,
  };
  return { ctx, progress, lines };
}

function trainStage(id: string, train: Train): Stage {
  const dir = path.join(work, 'stages', 'train', id);
  mkdirSync(dir, { recursive: true });
  return { kind: 'train', id, dir, deps: ['mat1'], inputs: { dataset: 'mat1', train }, gpus: 0, runs: ['r1'] };
}

const smallArgs = { max_steps: 6, per_device_train_batch_size: 2, gradient_accumulation_steps: 1, cutoff_len: 128, logging_steps: 1, save_steps: 3, learning_rate: 1.0e-3, lr_scheduler_type: 'cosine', warmup_ratio: 0.1, seed: 7, preprocessing_num_workers: 1, dataloader_num_workers: 0 };

describe('LLaMA-Factory (real, CPU)', () => {
  it('parses generated configs with its own argument parser: LoRA, full, DeepSpeed', async (ctx) => {
    skipIfNoEnv(ctx);
    const dataDir = writeDataset(path.join(work, 'parse-data'));
    const cases: Array<[string, Train, string | undefined]> = [
      ['lora', { model: 'some-org/some-model', template: 'deepseek', finetuning: 'lora', args: { ...smallArgs, lora_rank: 8, lora_alpha: 16, lora_dropout: 0.05, lora_target: 'all', learning_rate: 2.0e-7, save_strategy: 'no', num_train_epochs: 3.0 } }, undefined],
      ['full', { model: 'some-org/some-model', template: 'qwen', finetuning: 'full', args: { learning_rate: 1.0e-5, num_train_epochs: 2, warmup_ratio: 0.03, cutoff_len: 2048, ddp_timeout: 180000000, save_only_model: true } }, undefined],
      ['deepspeed', { model: 'some-org/some-model', template: 'default', finetuning: 'full', deepspeed: 'z3', args: { per_device_train_batch_size: 4, gradient_accumulation_steps: 8 } }, 'z3'],
    ];
    const written: Array<{ name: string; cfg: Record<string, unknown>; cfgPath: string }> = [];
    for (const [name, train, ds] of cases) {
      const dir = path.join(work, 'parse', name);
      mkdirSync(dir, { recursive: true });
      let deepspeedConfig: string | undefined;
      if (ds) {
        deepspeedConfig = path.join(dir, 'deepspeed.json');
        writeFileSync(deepspeedConfig, JSON.stringify(deepspeedPreset(ds)));
      }
      const cfg = buildTrainConfig({ train, modelPath: train.model, datasetDir: dataDir, datasetName: 'ablate_e2e', outputDir: path.join(dir, 'output'), ...(deepspeedConfig ? { deepspeedConfig } : {}) });
      written.push({ name, cfg, cfgPath: writeTrainConfig(dir, cfg) });
    }
    const results = await timed('parse-3-configs', () => parseWithLlamaFactory(written.map((w) => w.cfgPath)));
    for (const [i, { name, cfg }] of written.entries()) {
      const result = results[i]!;
      expect(result.unknown_keys, name).toEqual([]);
      // The values LLaMA-Factory reads are the ones ablate meant (floats stay floats through OmegaConf).
      expect(result.values, name).toEqual(JSON.parse(JSON.stringify(cfg)));
      // Full parse, __post_init__ included (the DeepSpeed case needs the pinned deepspeed package).
      expect(result.error, name).toBeNull();
      expect(result.ok, name).toBe(true);
      if (name === 'lora') expect(result.types?.learning_rate).toBe('float');
    }
  });

  it('schemas/llamafactory-args.json matches the installed LLaMA-Factory (regenerate with runners/list_llamafactory_args.py)', async (ctx) => {
    const env = skipIfNoEnv(ctx);
    const r = await timed('list-args', () => execa(pythonBin(env), [runnerScript('list_llamafactory_args.py')], { env: { DISABLE_VERSION_CHECK: '1', HF_HUB_OFFLINE: '1' } }));
    const committed = readFileSync(path.join(repoRoot, 'schemas', 'llamafactory-args.json'), 'utf8');
    expect(JSON.parse(String(r.stdout))).toEqual(JSON.parse(committed));
  });

  it('builds the same tiny model twice (seeded, no hub)', async (ctx) => {
    const env = skipIfNoEnv(ctx);
    const outs = [path.join(work, 'tiny-a'), path.join(work, 'tiny-b')];
    for (const out of outs) {
      await timed('build-tiny', () => execa(pythonBin(env), [runnerScript('build_tiny_model.py'), '--out', out, '--corpus', codeAlpaca], { env: { HF_HUB_OFFLINE: '1' } }));
    }
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']) {
      expect(readFileSync(path.join(outs[0]!, f)).equals(readFileSync(path.join(outs[1]!, f))), f).toBe(true);
    }
    const tok = JSON.parse(readFileSync(path.join(outs[0]!, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    expect(tok).toMatchObject({ eos_token: '<|end_of_text|>', pad_token: '<|pad|>', model_input_names: ['input_ids', 'attention_mask'] });
    expect(Object.keys((JSON.parse(readFileSync(path.join(outs[0]!, 'tokenizer.json'), 'utf8')) as { model: { vocab: object } }).model.vocab)).toHaveLength(2000);
  });

  it('reports an unknown key the way ablate prevents it (sanity check of the parser check itself)', async (ctx) => {
    skipIfNoEnv(ctx);
    const dir = path.join(work, 'parse', 'unknown');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'bad.yaml'), 'model_name_or_path: x\nstage: sft\ndo_train: true\noutput_dir: out\nlearning_rat: 0.001\n');
    const [result] = (await parseWithLlamaFactory([path.join(dir, 'bad.yaml')])) as [CheckResult];
    expect(result.unknown_keys).toEqual(['learning_rat']);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/learning_rat/);
  });

  it('trains the tiny model with LoRA for a few steps, writes metrics.json, resumes from a checkpoint', async (ctx) => {
    const env = skipIfNoEnv(ctx);
    await timed('tinyModel', () => ensureTinyModel(env));
    const matDir = writeDataset(path.join(work, 'stages', 'materialize', 'mat1'));
    const stage = trainStage('lora1', { model: TINY_LLAMA, template: 'default', finetuning: 'lora', args: smallArgs });
    const { ctx: sctx, progress, lines } = fakeContext(stage, { mat1: matDir });
    const result = await timed('train', () => runTrainStage(sctx));
    const out = path.join(stage.dir, 'output');
    const log = parseTrainerLog(readFileSync(path.join(out, 'trainer_log.jsonl'), 'utf8'));
    expect(log.at(-1)).toMatchObject({ current_steps: 6, total_steps: 6 });
    expect(log.filter((e) => e.loss !== undefined).length).toBeGreaterThanOrEqual(5);
    expect(progress.some((p) => p.percent !== undefined && p.percent > 0 && p.percent <= 100)).toBe(true);
    const metrics = readTrainMetrics(out)!;
    expect(metrics.train_loss).toBeGreaterThan(0);
    expect(metrics.train_runtime).toBeGreaterThan(0);
    const written = JSON.parse(readFileSync(path.join(stage.dir, 'metrics.json'), 'utf8')) as { train: Record<string, number>; curve: Array<{ step: number; loss?: number }>; version: string };
    expect(written.version).toBe('0.9.5');
    expect(written.train.train_loss).toBe(metrics.train_loss);
    expect(written.curve.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(result).toMatchObject({ tools: { llamafactory: '0.9.5' }, summary: { steps: 6 } });
    expect(JSON.parse(readFileSync(path.join(stage.dir, 'model.json'), 'utf8'))).toEqual({ base: expect.stringContaining('tiny-llama-'), adapter: 'output' });
    expect(existsSync(path.join(out, 'adapter_model.safetensors'))).toBe(true);
    expect(readFileSync(path.join(stage.dir, 'llamafactory.yaml'), 'utf8')).toMatch(/^template: default$/m);
    expect(readFileSync(path.join(stage.dir, 'train.log'), 'utf8')).toMatch(/train_loss/);
    expect(lines.some((l) => l.startsWith('command: '))).toBe(true);

    // A crash after checkpoint-3: the rerun resumes from it instead of starting over.
    rmSync(path.join(out, 'checkpoint-6'), { recursive: true, force: true });
    rmSync(path.join(out, 'all_results.json'));
    const again = fakeContext(stage, { mat1: matDir });
    await timed('resume', () => runTrainStage(again.ctx));
    expect(again.lines.some((l) => l.includes('resuming from checkpoint-3'))).toBe(true);
    expect(readFileSync(path.join(stage.dir, 'train.log'), 'utf8')).toMatch(/[Cc]ontinuing training from checkpoint|checkpoint-3/);
    expect(readTrainMetrics(out)!.train_loss).toBeGreaterThan(0);
  });

  it('fails with the last lines of the log when LLaMA-Factory rejects the run', async (ctx) => {
    skipIfNoEnv(ctx);
    const matDir = path.join(work, 'stages', 'materialize', 'mat1');
    if (!existsSync(matDir)) writeDataset(matDir);
    // The parser accepts a wrong type; training then fails: ablate's check exists for exactly this.
    const stage = trainStage('broken', { model: TINY_LLAMA, template: 'default', finetuning: 'lora', args: { ...smallArgs, max_steps: 'ten' } as Record<string, unknown> });
    const { ctx: sctx } = fakeContext(stage, { mat1: matDir });
    const err = await timed('failure', () => runTrainStage(sctx).then(() => undefined, (e: Error) => e));
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).toMatch(/llamafactory-cli exited with code [1-9]/);
    expect(message.split('\n').length).toBeGreaterThan(5);
    expect(existsSync(path.join(stage.dir, 'metrics.json'))).toBe(false);
  });

  it('merges the LoRA adapter with llamafactory-cli export (train.merge)', async (ctx) => {
    const env = skipIfNoEnv(ctx);
    await ensureTinyModel(env);
    const matDir = path.join(work, 'stages', 'materialize', 'mat1');
    if (!existsSync(matDir)) writeDataset(matDir);
    const stage = trainStage('merge1', { model: TINY_LLAMA, template: 'default', finetuning: 'lora', merge: true, args: { ...smallArgs, max_steps: 2, save_steps: 100 } });
    const { ctx: sctx } = fakeContext(stage, { mat1: matDir });
    await timed('train+merge', () => runTrainStage(sctx));
    const merged = path.join(stage.dir, 'merged');
    expect(existsSync(path.join(merged, 'config.json'))).toBe(true);
    expect(existsSync(path.join(merged, 'model.safetensors'))).toBe(true);
    expect(existsSync(path.join(merged, 'tokenizer.json'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(stage.dir, 'model.json'), 'utf8'))).toMatchObject({ merged: 'merged' });
    // The merged folder loads and generates with plain transformers.
    const gen = await execa(pythonBin(env), ['-c', [
      'import sys, torch',
      'from transformers import AutoModelForCausalLM, AutoTokenizer',
      'tok = AutoTokenizer.from_pretrained(sys.argv[1]); m = AutoModelForCausalLM.from_pretrained(sys.argv[1])',
      'ids = tok("def add(a, b):", return_tensors="pt")',
      'out = m.generate(**ids, max_new_tokens=5, do_sample=False)',
      'print(out.shape[1] - ids["input_ids"].shape[1])',
    ].join('\n'), merged], { env: { HF_HUB_OFFLINE: '1' } });
    expect(Number(String(gen.stdout).trim().split('\n').pop())).toBeGreaterThan(0);

    // A rerun (say after a failed merge) merges again but never retrains a finished training.
    const trainLoss = readTrainMetrics(path.join(stage.dir, 'output'))!.train_loss;
    const again = fakeContext(stage, { mat1: matDir });
    await timed('rerun-merge-only', () => runTrainStage(again.ctx));
    expect(again.lines.some((l) => l.includes('not training again'))).toBe(true);
    expect(readTrainMetrics(path.join(stage.dir, 'output'))!.train_loss).toBe(trainLoss);
    expect(existsSync(path.join(merged, 'model.safetensors'))).toBe(true);
  });

  it('dry run writes llamafactory.yaml and runs nothing', async (ctx) => {
    skipIfNoEnv(ctx);
    const matDir = path.join(work, 'stages', 'materialize', 'mat1');
    if (!existsSync(matDir)) writeDataset(matDir);
    const stage = trainStage('dry1', { model: TINY_LLAMA, template: 'default', finetuning: 'lora', args: smallArgs });
    const { ctx: sctx, lines } = fakeContext(stage, { mat1: matDir }, true);
    await runTrainStage(sctx);
    expect(existsSync(path.join(stage.dir, 'llamafactory.yaml'))).toBe(true);
    expect(existsSync(path.join(stage.dir, 'output'))).toBe(false);
    expect(lines.find((l) => l.startsWith('command: '))).toMatch(/llamafactory-cli","train"/);
  });
});
