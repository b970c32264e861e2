import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { StageRunContext } from '../../src/exec/types.js';
import type { Plan, Stage } from '../../src/plan/types.js';
import type { ExperimentSpec } from '../../src/spec/types.generated.js';
import {
  buildMergeConfig,
  buildTrainConfig,
  checkTemplate,
  checkTrainArgs,
  checkTrainConfig,
  exportCommand,
  listCheckpoints,
  llamafactoryTrainRule,
  loadArgsSchema,
  MERGE_CARRIED_ARGS,
  parseTrainerLog,
  progressOf,
  readDatasetName,
  readTrainMetrics,
  runTrainStage,
  tailTrainerLog,
  toLlamaFactoryYaml,
  torchrunProblem,
  trainCommand,
  trainingCurve,
  yamlFloat,
} from '../../src/tools/llamafactory/index.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'ablate-lf-unit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Real lines from a 6-step LoRA run of LLaMA-Factory 0.9.5, resumed from checkpoint-3 (steps 4-6 logged twice).
const TRAINER_LOG = [
  '{"current_steps": 1, "total_steps": 6, "loss": 6.577821254730225, "lr": 0.0, "epoch": 0.05, "percentage": 16.67, "elapsed_time": "0:00:00", "remaining_time": "0:00:01"}',
  '{"current_steps": 2, "total_steps": 6, "loss": 6.593742370605469, "lr": 0.001, "epoch": 0.1, "percentage": 33.33, "elapsed_time": "0:00:00", "remaining_time": "0:00:01"}',
  '{"current_steps": 3, "total_steps": 6, "loss": 6.578677654266357, "lr": 0.0009045084971874737, "epoch": 0.15, "percentage": 50.0, "elapsed_time": "0:00:00", "remaining_time": "0:00:00"}',
  '{"current_steps": 4, "total_steps": 6, "loss": 6.611847877502441, "lr": 0.0006545084971874737, "epoch": 0.2, "percentage": 66.67, "elapsed_time": "0:00:00", "remaining_time": "0:00:00"}',
  '{"current_steps": 4, "total_steps": 6, "loss": 6.6, "lr": 0.0006545084971874737, "epoch": 0.2, "percentage": 66.67, "elapsed_time": "0:00:02", "remaining_time": "0:00:01"}',
  '{"current_steps": 5, "total_steps": 6, "eval_loss": 6.7, "epoch": 0.25, "percentage": 83.33, "elapsed_time": "0:00:03", "remaining_time": "0:00:00"}',
  '{"current_steps": 6, "total_steps": 6, "epoch": 0.3, "percentage": 100.0, "elapsed_time": "0:00:03", "remaining_time": "0:00:00"}',
  '{"current_steps": 7, "total_st', // partial line: the file is being appended to
].join('\n');

describe('trainer_log.jsonl', () => {
  it('parses entries, skipping a partial last line', () => {
    const entries = parseTrainerLog(TRAINER_LOG);
    expect(entries).toHaveLength(7);
    expect(entries[0]).toEqual({ current_steps: 1, total_steps: 6, loss: 6.577821254730225, lr: 0, epoch: 0.05, percentage: 16.67, elapsed_time: '0:00:00', remaining_time: '0:00:01' });
    expect(entries[6]).not.toHaveProperty('loss');
  });

  it('turns the latest entry into progress', () => {
    const entries = parseTrainerLog(TRAINER_LOG);
    expect(progressOf(entries[1]!)).toEqual({ percent: 33.33, message: 'step 2/6 loss 6.5937', loss: 6.593742370605469, remaining: '0:00:01' });
    expect(progressOf({ current_steps: 3, total_steps: 12 })).toEqual({ percent: 25, message: 'step 3/12' });
  });

  it('keeps one curve point per step, the latest value winning after a resume', () => {
    const curve = trainingCurve(parseTrainerLog(TRAINER_LOG));
    expect(curve.map((p) => p.step)).toEqual([1, 2, 3, 4, 5]);
    expect(curve[3]!.loss).toBe(6.6);
    expect(curve[4]).toEqual({ step: 5, epoch: 0.25, eval_loss: 6.7 });
  });

  it('keeps a diverged step (Python writes NaN / Infinity, which JSON.parse rejects) and its progress', () => {
    // json.dumps({"loss": float("nan")}) == '{"loss": NaN}'; str(timedelta) past a day reads "1 day, 2:03:04".
    const text = [
      '{"current_steps": 10, "total_steps": 20, "loss": 1.5, "lr": 0.001, "epoch": 0.5, "percentage": 50.0, "elapsed_time": "1 day, 2:03:04", "remaining_time": "1 day, 2:03:04"}',
      '{"current_steps": 11, "total_steps": 20, "loss": NaN, "lr": 0.001, "epoch": 0.55, "percentage": 55.0, "elapsed_time": "1 day, 2:03:10", "remaining_time": "0:59:59"}',
      '{"current_steps": 12, "total_steps": 20, "loss": Infinity, "eval_loss": -Infinity, "epoch": 0.6, "percentage": 60.0, "elapsed_time": "NaN", "remaining_time": "0:00:01"}',
    ].join('\n');
    const entries = parseTrainerLog(text);
    expect(entries.map((e) => e.current_steps)).toEqual([10, 11, 12]);
    expect(entries[0]!.elapsed_time).toBe('1 day, 2:03:04');
    expect(entries[1]!.loss).toBeNaN();
    expect(entries[2]!.elapsed_time).toBe('NaN');
    expect(progressOf(entries[1]!)).toMatchObject({ percent: 55, message: 'step 11/20 loss NaN', remaining: '0:59:59' });
    // The curve (written to metrics.json as JSON) keeps finite values only.
    expect(trainingCurve(entries)).toEqual([{ step: 10, epoch: 0.5, loss: 1.5, lr: 0.001 }]);
    expect(JSON.stringify(trainingCurve(entries))).not.toContain('null');
  });
});

describe('tailTrainerLog', () => {
  it('reports only lines appended after it started, complete lines only', async () => {
    const file = path.join(tmp, 'tail', 'trainer_log.jsonl');
    mkdirSync(path.dirname(file), { recursive: true });
    const lines = TRAINER_LOG.split('\n');
    writeFileSync(file, `${lines[0]}\n`); // from an earlier (resumed) attempt
    const seen: number[] = [];
    const tail = tailTrainerLog(file, (e) => seen.push(e.current_steps), 5);
    appendFileSync(file, `${lines[1]}\n${lines[2]!.slice(0, 20)}`);
    await new Promise((r) => setTimeout(r, 30));
    expect(seen).toEqual([2]);
    appendFileSync(file, `${lines[2]!.slice(20)}\n`);
    tail.stop();
    expect(seen).toEqual([2, 3]);
  });
});

describe('output_dir', () => {
  it('reads all_results.json and lists checkpoints by step', () => {
    const out = path.join(tmp, 'out');
    for (const c of ['checkpoint-10', 'checkpoint-2', 'checkpoint-x', 'runs']) mkdirSync(path.join(out, c), { recursive: true });
    expect(readTrainMetrics(out)).toBeUndefined();
    writeFileSync(path.join(out, 'all_results.json'), JSON.stringify({ epoch: 0.3, total_flos: 824739840.0, train_loss: 3.29, train_runtime: 3.69, note: 'x' }));
    expect(readTrainMetrics(out)).toEqual({ epoch: 0.3, total_flos: 824739840, train_loss: 3.29, train_runtime: 3.69 });
    expect(listCheckpoints(out).map((p) => path.basename(p))).toEqual(['checkpoint-2', 'checkpoint-10']);
    expect(listCheckpoints(path.join(tmp, 'nope'))).toEqual([]);
  });

  it('reads the single dataset name from dataset_info.json', () => {
    const dir = path.join(tmp, 'mat');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'dataset_info.json'), JSON.stringify({ ablate_abc: { file_name: 'data.jsonl' } }));
    expect(readDatasetName(dir)).toBe('ablate_abc');
    writeFileSync(path.join(dir, 'dataset_info.json'), JSON.stringify({ a: {}, b: {} }));
    expect(() => readDatasetName(dir)).toThrow(/exactly one dataset entry, found 2/);
  });
});

describe('YAML for OmegaConf', () => {
  it('writes floats with a decimal point in the mantissa', () => {
    expect(yamlFloat(0.001)).toBe('0.001');
    expect(yamlFloat(2e-5)).toBe('0.00002');
    expect(yamlFloat(1e-7)).toBe('1.0e-7');
    expect(yamlFloat(1.5e-8)).toBe('1.5e-8');
    expect(yamlFloat(1.5e21)).toBe('1.5e+21');
  });

  it('quotes YAML 1.1 booleans and keeps values round-tripping', () => {
    const cfg = { learning_rate: 1e-7, save_strategy: 'no', report_to: 'none', flag: true, steps: 10, list: ['a', 'on'], ratio: 0.5 };
    const text = toLlamaFactoryYaml(cfg);
    expect(text).toContain('learning_rate: 1.0e-7\n');
    expect(text).toMatch(/save_strategy: "no"\n/);
    expect(text).toContain('report_to: none\n');
    expect(parse(text, { version: '1.1' })).toEqual(cfg);
  });
});

const schema = loadArgsSchema();

describe('schemas/llamafactory-args.json', () => {
  it('lists the pinned version, the keys ablate writes and the templates', () => {
    expect(schema.llamafactory_version).toBe('0.9.5');
    for (const key of ['model_name_or_path', 'template', 'dataset_dir', 'output_dir', 'report_to', 'overwrite_output_dir', 'plot_loss', 'export_dir', 'adapter_name_or_path', 'deepspeed', 'eval_strategy']) {
      expect(schema.args, key).toHaveProperty(key);
    }
    expect(schema.args).not.toHaveProperty('evaluation_strategy');
    expect(schema.templates).toEqual(expect.arrayContaining(['default', 'empty', 'deepseek', 'deepseekcoder', 'qwen', 'llama3']));
    expect(Object.keys(schema.args)).toEqual([...Object.keys(schema.args)].sort());
  });
});

describe('buildTrainConfig', () => {
  const base = { modelPath: '/models/m', datasetDir: '/r/stages/materialize/d1', datasetName: 'ablate_d1', outputDir: '/r/stages/train/t1/output' };

  it('sets ablate keys first, then defaults the user may override, then the user args sorted', () => {
    const cfg = buildTrainConfig({ ...base, train: { model: 'x', args: { num_train_epochs: 4, learning_rate: 2.0e-4, logging_steps: 5, cutoff_len: 2048 } } });
    expect(Object.keys(cfg)).toEqual([
      'model_name_or_path', 'stage', 'do_train', 'finetuning_type', 'template', 'dataset', 'dataset_dir', 'output_dir', 'overwrite_output_dir',
      'report_to', 'plot_loss', 'logging_steps', 'save_steps', 'cutoff_len', 'learning_rate', 'num_train_epochs',
    ]);
    expect(cfg).toMatchObject({ model_name_or_path: '/models/m', stage: 'sft', do_train: true, finetuning_type: 'lora', template: 'default', overwrite_output_dir: false, report_to: 'none', logging_steps: 5, save_steps: 500 });
  });

  it('writes revision, deepspeed, finetuning and template from train', () => {
    const cfg = buildTrainConfig({ ...base, deepspeedConfig: '/r/ds.json', train: { model: 'x', revision: 'abc', template: 'deepseek', finetuning: 'full' } });
    expect(cfg).toMatchObject({ model_revision: 'abc', deepspeed: '/r/ds.json', template: 'deepseek', finetuning_type: 'full' });
  });

  it('refuses keys ablate sets and keys LLaMA-Factory does not know', () => {
    expect(() => buildTrainConfig({ ...base, train: { model: 'x', args: { output_dir: '/elsewhere' } } })).toThrow(/train.args.output_dir: ablate trains into the stage folder/);
    expect(() => buildTrainConfig({ ...base, train: { model: 'x', args: { learning_rat: 1 } } })).toThrow(/does not accept `learning_rat`/);
  });

  it('builds a merge config of known keys only', () => {
    const cfg = buildMergeConfig({ modelPath: '/m', adapterDir: '/t/output', template: 'default', exportDir: '/t/merged' });
    expect(cfg).toEqual({ model_name_or_path: '/m', adapter_name_or_path: '/t/output', template: 'default', finetuning_type: 'lora', export_dir: '/t/merged', export_size: 5, export_device: 'cpu', export_legacy_format: false });
  });
});

describe('checkTrainArgs', () => {
  it('accepts valid args', () => {
    expect(checkTrainArgs({ learning_rate: 2e-4, num_train_epochs: 4, cutoff_len: 2048, bf16: true, lr_scheduler_type: 'cosine', report_to: 'none', lora_target: 'all', resume_from_checkpoint: null })).toEqual([]);
  });

  it('names unknown keys with the nearest known name', () => {
    expect(checkTrainArgs({ learning_rat: 1e-3, evaluation_strategy: 'steps', zzzzzzzzzz: 1 })).toEqual([
      { key: 'learning_rat', path: 'train.args.learning_rat', kind: 'unknown', message: 'unknown LLaMA-Factory 0.9.5 argument `learning_rat`', suggestion: 'did you mean `learning_rate`?' },
      { key: 'evaluation_strategy', path: 'train.args.evaluation_strategy', kind: 'unknown', message: 'unknown LLaMA-Factory 0.9.5 argument `evaluation_strategy`', suggestion: 'did you mean `eval_strategy`?' },
      { key: 'zzzzzzzzzz', path: 'train.args.zzzzzzzzzz', kind: 'unknown', message: 'unknown LLaMA-Factory 0.9.5 argument `zzzzzzzzzz`' },
    ]);
  });

  it('says where to set keys ablate writes itself', () => {
    const issues = checkTrainArgs({ model_name_or_path: 'x', template: 'qwen', finetuning_type: 'full', dataset: 'd', output_dir: 'o' });
    expect(issues.map((i) => [i.key, i.kind])).toEqual([['model_name_or_path', 'reserved'], ['template', 'reserved'], ['finetuning_type', 'reserved'], ['dataset', 'reserved'], ['output_dir', 'reserved']]);
    expect(issues[0]!.message).toMatch(/set train.model instead/);
    expect(issues[1]!.message).toMatch(/set train.template instead/);
    expect(issues[2]!.message).toMatch(/set train.finetuning instead/);
  });

  it('catches wrong types and values the parser would let through', () => {
    const issues = checkTrainArgs({ max_steps: 'ten', cutoff_len: 1.5, bf16: 'yes', lr_scheduler_type: 'cosin', learning_rate: null });
    expect(issues.map((i) => [i.key, i.kind])).toEqual([['max_steps', 'value'], ['cutoff_len', 'value'], ['bf16', 'value'], ['lr_scheduler_type', 'value'], ['learning_rate', 'value']]);
    expect(issues[0]!.message).toBe('must be an integer, got "ten"');
    expect(issues[3]!.suggestion).toBe('did you mean `cosine`?');
  });

  it('checks the template against the registered names', () => {
    expect(checkTemplate('deepseek')).toEqual([]);
    expect(checkTemplate('deepseak')[0]).toMatchObject({ key: 'template', path: 'train.template', kind: 'template', suggestion: 'did you mean `deepseek`?' });
    expect(checkTrainConfig({ model: 'x', template: 'qwen9', deepspeed: 'zero3', args: { lerning_rate: 1 } }).map((i) => i.path)).toEqual(['train.template', 'train.deepspeed', 'train.args.lerning_rate']);
    expect(checkTrainConfig({ model: 'x', deepspeed: 'z3' })).toEqual([]);
    expect(checkTrainConfig({ model: 'x', deepspeed: 'configs/ds.json' })).toEqual([]);
  });

  it('works as a spec rule with paths into the spec', () => {
    const spec = { train: { model: 'x', template: 'deepseek', args: { learning_rat: 1, cutoff_len: 'long' } } } as unknown as ExperimentSpec;
    expect(llamafactoryTrainRule(spec, { specDir: '/' })).toEqual([
      { path: ['train', 'args', 'learning_rat'], message: 'unknown LLaMA-Factory 0.9.5 argument `learning_rat`; did you mean `learning_rate`?', at: 'key' },
      { path: ['train', 'args', 'cutoff_len'], message: 'must be an integer, got "long"', at: 'value' },
    ]);
    expect(llamafactoryTrainRule({} as ExperimentSpec, { specDir: '/' })).toEqual([]);
  });
});

describe('commands', () => {
  const envPath = '/cache/ablate/pyenv/abc';

  it('runs the env’s llamafactory-cli; one GPU or CPU needs no torchrun', () => {
    const cmd = trainCommand('/r/t/llamafactory.yaml', 1, { envPath, cwd: '/r/t', parentPath: '/usr/bin' });
    expect(cmd.argv).toEqual(['/cache/ablate/pyenv/abc/bin/llamafactory-cli', 'train', '/r/t/llamafactory.yaml']);
    expect(cmd.env).toEqual({ PATH: `/cache/ablate/pyenv/abc/bin${path.delimiter}/usr/bin`, DISABLE_VERSION_CHECK: '1', TOKENIZERS_PARALLELISM: 'false', PYTHONUNBUFFERED: '1' });
    expect(cmd.cwd).toBe('/r/t');
  });

  it('forces torchrun for several GPUs, for DeepSpeed, and for several nodes', () => {
    expect(trainCommand('/c.yaml', 4, { envPath, cwd: '/' }).env).toMatchObject({ FORCE_TORCHRUN: '1', NPROC_PER_NODE: '4' });
    expect(trainCommand('/c.yaml', 1, { envPath, cwd: '/', deepspeed: true }).env).toMatchObject({ FORCE_TORCHRUN: '1', NPROC_PER_NODE: '1' });
    expect(trainCommand('/c.yaml', 8, { envPath, cwd: '/', nodes: { nnodes: 2, nodeRank: 1, masterAddr: 'node-a', masterPort: 29500 } }).env).toMatchObject({
      FORCE_TORCHRUN: '1', NPROC_PER_NODE: '8', NNODES: '2', NODE_RANK: '1', MASTER_ADDR: 'node-a', MASTER_PORT: '29500',
    });
    // Without a port from the executor every node would pick its own free port: one fixed port for all.
    expect(trainCommand('/c.yaml', 8, { envPath, cwd: '/', nodes: { nnodes: 2, nodeRank: 0, masterAddr: 'node-a' } }).env.MASTER_PORT).toBe('29500');
    expect(trainCommand('/c.yaml', 0, { envPath, cwd: '/' }).env).not.toHaveProperty('FORCE_TORCHRUN');
    // Local models train offline; hub ids keep the user's hub settings.
    expect(trainCommand('/c.yaml', 0, { envPath, cwd: '/', offline: true }).env.HF_HUB_OFFLINE).toBe('1');
    expect(trainCommand('/c.yaml', 0, { envPath, cwd: '/' }).env).not.toHaveProperty('HF_HUB_OFFLINE');
  });

  it('refuses spaces wherever torchrun re-launches: several GPUs, DeepSpeed, several nodes', () => {
    const spaced = '/r/my results/t/llamafactory.yaml';
    expect(torchrunProblem(trainCommand(spaced, 1, { envPath, cwd: '/' }))).toBeUndefined();
    expect(torchrunProblem(trainCommand('/c.yaml', 4, { envPath, cwd: '/' }))).toBeUndefined();
    for (const cmd of [
      trainCommand(spaced, 4, { envPath, cwd: '/' }),
      trainCommand(spaced, 1, { envPath, cwd: '/', deepspeed: true }),
      trainCommand(spaced, 1, { envPath, cwd: '/', nodes: { nnodes: 2, nodeRank: 0, masterAddr: 'node-a' } }),
      trainCommand('/c.yaml', 2, { envPath: '/home/me/My Cache/env', cwd: '/' }),
    ]) {
      expect(torchrunProblem(cmd)).toMatch(/cannot use paths with spaces.*Offending: ".* .*".*without spaces/s);
    }
  });

  it('exports (merges) on the CPU', () => {
    const cmd = exportCommand('/t/merge.yaml', { envPath, cwd: '/t' });
    expect(cmd.argv).toEqual(['/cache/ablate/pyenv/abc/bin/llamafactory-cli', 'export', '/t/merge.yaml']);
    expect(cmd.env.CUDA_VISIBLE_DEVICES).toBe('');
  });
});

describe('runTrainStage dry run', () => {
  it('writes llamafactory.yaml (and deepspeed.json, merge.yaml) and runs nothing', async () => {
    const matDir = path.join(tmp, 'stages', 'materialize', 'm1');
    mkdirSync(matDir, { recursive: true });
    writeFileSync(path.join(matDir, 'dataset_info.json'), JSON.stringify({ ablate_m1: { file_name: 'data.jsonl', formatting: 'alpaca' } }));
    const dir = path.join(tmp, 'stages', 'train', 't1');
    mkdirSync(dir, { recursive: true });
    const stage: Stage = {
      kind: 'train', id: 't1', dir, deps: ['m1'], gpus: 2, runs: ['r1'],
      inputs: { dataset: 'm1', train: { model: './models/base', template: 'deepseek', finetuning: 'lora', merge: true, deepspeed: 'z2', args: { learning_rate: 1e-7, num_train_epochs: 2 } } },
    };
    const lines: string[] = [];
    const ctx: StageRunContext = {
      stage, plan: { specDir: tmp } as Plan, workDir: dir, env: { PATH: '/usr/bin' }, signal: new AbortController().signal,
      log: (l) => lines.push(l), progress: () => {}, depDir: () => matDir, dryRun: true,
    };
    const prev = process.env.ABLATE_PYTHON_ENV;
    process.env.ABLATE_PYTHON_ENV = '/opt/venv';
    try {
      expect(await runTrainStage(ctx)).toEqual({});
    } finally {
      if (prev === undefined) delete process.env.ABLATE_PYTHON_ENV;
      else process.env.ABLATE_PYTHON_ENV = prev;
    }
    const cfg = parse(readFileSync(path.join(dir, 'llamafactory.yaml'), 'utf8'), { version: '1.1' }) as Record<string, unknown>;
    expect(cfg).toMatchObject({
      model_name_or_path: path.join(tmp, 'models', 'base'), template: 'deepseek', dataset: 'ablate_m1', dataset_dir: matDir,
      output_dir: path.join(dir, 'output'), deepspeed: path.join(dir, 'deepspeed.json'), learning_rate: 1e-7,
    });
    expect(readFileSync(path.join(dir, 'llamafactory.yaml'), 'utf8')).toContain('learning_rate: 1.0e-7\n');
    expect(JSON.parse(readFileSync(path.join(dir, 'deepspeed.json'), 'utf8')).zero_optimization.stage).toBe(2);
    expect(parse(readFileSync(path.join(dir, 'merge.yaml'), 'utf8'))).toMatchObject({ adapter_name_or_path: path.join(dir, 'output'), export_dir: path.join(dir, 'merged') });
    const command = lines.find((l) => l.startsWith('command: '))!;
    expect(command).toContain('["/opt/venv/bin/llamafactory-cli","train",');
    expect(command).toContain('"FORCE_TORCHRUN":"1","NPROC_PER_NODE":"2"');
    expect(command).toContain('"HF_HUB_OFFLINE":"1"');
  });
});

describe('runTrainStage refuses a torchrun launch over paths with spaces', () => {
  it('for a multi-node launch from the executor too, before anything is written or installed', async () => {
    const matDir = path.join(tmp, 'stages', 'materialize', 'm2');
    mkdirSync(matDir, { recursive: true });
    writeFileSync(path.join(matDir, 'dataset_info.json'), JSON.stringify({ ablate_m2: { file_name: 'data.jsonl', formatting: 'alpaca' } }));
    const dir = path.join(tmp, 'with space', 'stages', 'train', 't2');
    mkdirSync(dir, { recursive: true });
    const stage: Stage = { kind: 'train', id: 't2', dir, deps: ['m2'], gpus: 1, runs: ['r1'], inputs: { dataset: 'm2', train: { model: './models/base', template: 'default' } } };
    const ctx: StageRunContext = {
      stage, plan: { specDir: tmp } as Plan, workDir: dir, env: { PATH: '/usr/bin', NNODES: '2', NODE_RANK: '1', MASTER_ADDR: 'node-a' },
      signal: new AbortController().signal, log: () => {}, progress: () => {}, depDir: () => matDir, dryRun: false,
    };
    const prev = process.env.ABLATE_PYTHON_ENV;
    process.env.ABLATE_PYTHON_ENV = path.join(tmp, 'no-such-env');
    try {
      await expect(runTrainStage(ctx)).rejects.toThrow(/cannot use paths with spaces/);
    } finally {
      if (prev === undefined) delete process.env.ABLATE_PYTHON_ENV;
      else process.env.ABLATE_PYTHON_ENV = prev;
    }
    expect(existsSync(path.join(dir, 'llamafactory.yaml'))).toBe(false);
  });
});

describe('merge config', () => {
  it('loads the model and tokenizer as the training did (remote code, added tokens)', async () => {
    const matDir = path.join(tmp, 'stages', 'materialize', 'm3');
    mkdirSync(matDir, { recursive: true });
    writeFileSync(path.join(matDir, 'dataset_info.json'), JSON.stringify({ ablate_m3: { file_name: 'data.jsonl', formatting: 'alpaca' } }));
    const dir = path.join(tmp, 'stages', 'train', 't3');
    mkdirSync(dir, { recursive: true });
    const args = { trust_remote_code: true, add_special_tokens: '<|fim|>', resize_vocab: true, learning_rate: 1.0e-4 };
    const stage: Stage = { kind: 'train', id: 't3', dir, deps: ['m3'], gpus: 0, runs: ['r1'], inputs: { dataset: 'm3', train: { model: 'org/remote-code-model', template: 'default', merge: true, args } } };
    const ctx: StageRunContext = {
      stage, plan: { specDir: tmp } as Plan, workDir: dir, env: { PATH: '/usr/bin' }, signal: new AbortController().signal,
      log: () => {}, progress: () => {}, depDir: () => matDir, dryRun: true,
    };
    const prev = process.env.ABLATE_PYTHON_ENV;
    process.env.ABLATE_PYTHON_ENV = '/opt/venv';
    try {
      await runTrainStage(ctx);
    } finally {
      if (prev === undefined) delete process.env.ABLATE_PYTHON_ENV;
      else process.env.ABLATE_PYTHON_ENV = prev;
    }
    const merge = parse(readFileSync(path.join(dir, 'merge.yaml'), 'utf8'), { version: '1.1' }) as Record<string, unknown>;
    expect(merge).toMatchObject({ model_name_or_path: 'org/remote-code-model', trust_remote_code: true, add_special_tokens: '<|fim|>', resize_vocab: true });
    expect(merge).not.toHaveProperty('learning_rate');
    // Every carried key is one the export parser (ModelArguments) knows.
    const schema = loadArgsSchema();
    for (const key of MERGE_CARRIED_ARGS) expect(schema.args[key]?.group, key).toBe('ModelArguments');
  });
});

describe('missing LLaMA-Factory', () => {
  it('says how to install it when the tool env (ABLATE_PYTHON_ENV) has no llamafactory-cli', async () => {
    const envDir = path.join(tmp, 'user-env');
    mkdirSync(path.join(envDir, 'bin'), { recursive: true });
    writeFileSync(path.join(envDir, 'bin', 'python'), '');
    const matDir = path.join(tmp, 'stages', 'materialize', 'm4');
    mkdirSync(matDir, { recursive: true });
    writeFileSync(path.join(matDir, 'dataset_info.json'), JSON.stringify({ ablate_m4: { file_name: 'data.jsonl', formatting: 'alpaca' } }));
    const dir = path.join(tmp, 'stages', 'train', 't4');
    mkdirSync(dir, { recursive: true });
    const stage: Stage = { kind: 'train', id: 't4', dir, deps: ['m4'], gpus: 0, runs: ['r1'], inputs: { dataset: 'm4', train: { model: './models/base', template: 'default' } } };
    const ctx: StageRunContext = {
      stage, plan: { specDir: tmp } as Plan, workDir: dir, env: { PATH: '/usr/bin' }, signal: new AbortController().signal,
      log: () => {}, progress: () => {}, depDir: () => matDir, dryRun: false,
    };
    const prev = process.env.ABLATE_PYTHON_ENV;
    process.env.ABLATE_PYTHON_ENV = envDir;
    try {
      await expect(runTrainStage(ctx)).rejects.toThrow(/LLaMA-Factory is not installed in the Python tool env .*pip install -r .*requirements\.txt -c .*constraints\.txt.*ablate tools install/s);
    } finally {
      if (prev === undefined) delete process.env.ABLATE_PYTHON_ENV;
      else process.env.ABLATE_PYTHON_ENV = prev;
    }
  });
});
