/**
 * The local evaluator for real, offline on CPU: runners/local_eval.py loads a tiny random Llama
 * (built by runners/build_tiny_model.py) plus a LoRA adapter, generates for HumanEval problems from
 * ../shared/data, executes the tests, and runEvalStage turns that into result.json. Scores are ~0;
 * the canonical solutions scored as completions prove the executor (100%).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageProgress, StageRunContext } from '../../src/exec/types.js';
import type { Plan, Stage } from '../../src/plan/types.js';
import type { EvalResult } from '../../src/tools/evalResult.js';
import { EVAL_RESULT_FILE, makeEvalStageRunner } from '../../src/tools/eval.js';
import { localResult } from '../../src/tools/localEval/parse.js';
import { INSTALL_HINT, ensureToolEnv, pythonBin, toolEnvStatus } from '../../src/tools/pyenv.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const humanEval = path.resolve(repoRoot, '../shared/data/HumanEval.jsonl.gz');
const quickstart = path.join(repoRoot, 'experiments/data/quickstart-problems.jsonl');

// Without a tool env: skip locally (saying why), build it in CI.
const status = await toolEnvStatus();
const envPath = status.present ? status.path : process.env.CI ? await ensureToolEnv() : undefined;
const skipReason = `no Python tool env at ${status.path}: ${INSTALL_HINT}`;
const python = envPath ? pythonBin(envPath) : 'python3';

const work = mkdtempSync(path.join(tmpdir(), 'ablate-e2e-eval-local-'));
const tinyModel = path.join(work, 'tiny-llama');
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(async () => {
  if (!envPath) return;
  const env = { HF_HUB_OFFLINE: '1', TOKENIZERS_PARALLELISM: 'false' };
  await execa(python, [path.join(repoRoot, 'runners/build_tiny_model.py'), '--out', tinyModel], { env });
}, 600_000);

/** A plan with one train stage (as LLaMA-Factory leaves it) and one local eval stage. */
function fixture(name: string, train: Record<string, unknown>, evalCfg: Record<string, unknown>): { plan: Plan; stage: Stage; trainStage: Stage } {
  const root = path.join(work, name);
  const trainStage: Stage = { kind: 'train', id: `train-${name}`, dir: path.join(root, 'stages/train/t'), deps: [], inputs: { dataset: 'm', train, specDir: work }, gpus: 0, runs: ['r'] };
  const task = (evalCfg.tasks as string[])[0] as string;
  const stage: Stage = { kind: 'eval', id: `eval-${name}`, task, dir: path.join(root, 'stages/eval/e'), deps: [trainStage.id], inputs: { train: trainStage.id, task, eval: evalCfg, problems: evalCfg.problems }, gpus: 0, runs: ['r'] };
  return { plan: { experiment: name, specFile: path.join(work, 'x.yaml'), specDir: work, resultsRoot: root, runs: [], stages: new Map([[trainStage.id, trainStage], [stage.id, stage]]) }, stage, trainStage };
}

function context(plan: Plan, stage: Stage, lines: string[], progress: StageProgress[]): StageRunContext {
  mkdirSync(stage.dir, { recursive: true });
  return {
    stage, plan, workDir: stage.dir, env: { CUDA_VISIBLE_DEVICES: '' }, signal: new AbortController().signal, dryRun: false,
    log: (l) => lines.push(l), progress: (p) => progress.push(p), depDir: (id) => plan.stages.get(id)!.dir,
  };
}

const runner = makeEvalStageRunner({ pythons: async () => ({ managed: python }) });

describe('local evaluator (real, CPU)', () => {
  it('evaluates base model + LoRA adapter on 4 HumanEval problems into result.json', async (t) => {
    if (!envPath) return t.skip(skipReason);
    const { plan, stage, trainStage } = fixture('lora', { model: './not-used', finetuning: 'lora' }, { tool: 'local', tasks: ['humaneval'], problems: humanEval, limit: 4, args: { max_new_tokens: 24 } });
    // The train stage's output_dir holds the adapter; its llamafactory.yaml names the base it loaded.
    const adapter = path.join(trainStage.dir, 'output');
    await execa(python, ['-c', [
      'import sys', 'from transformers import AutoModelForCausalLM', 'from peft import LoraConfig, get_peft_model',
      'm = AutoModelForCausalLM.from_pretrained(sys.argv[1])',
      "p = get_peft_model(m, LoraConfig(r=4, lora_alpha=8, target_modules=['q_proj', 'v_proj'], init_lora_weights=False))",
      'p.save_pretrained(sys.argv[2])',
    ].join('\n'), tinyModel, adapter], { env: { HF_HUB_OFFLINE: '1' } });
    writeFileSync(path.join(trainStage.dir, 'llamafactory.yaml'), `model_name_or_path: ${tinyModel}\nfinetuning_type: lora\n`);

    const lines: string[] = [];
    const progress: StageProgress[] = [];
    const t0 = Date.now();
    const out = await runner(context(plan, stage, lines, progress));
    console.log(`local eval (tiny Llama + LoRA, 4 HumanEval problems): ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const result = JSON.parse(readFileSync(path.join(stage.dir, EVAL_RESULT_FILE), 'utf8')) as EvalResult;
    expect(result.tool).toBe('local');
    expect(result.task).toBe('humaneval');
    expect(result.n_samples).toBe(1);
    expect(result.problems.map((p) => p.id)).toEqual(['HumanEval/0', 'HumanEval/1', 'HumanEval/2', 'HumanEval/3']);
    expect(result.metrics['pass@1']).toBeGreaterThanOrEqual(0);
    expect(result.metrics['pass@1']).toBeLessThanOrEqual(1);
    expect(result.metrics['pass@1']).toBe(result.problems.filter((p) => p.passed).length / 4);
    expect(result.setup_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(result.tool_version).toMatch(/^local_eval\.py:[0-9a-f]{12}$/);
    expect(out).toMatchObject({ summary: { problems: 4 } });
    // The runner really loaded the adapter on top of the base named in llamafactory.yaml.
    const steps = JSON.parse(readFileSync(path.join(stage.dir, 'eval-commands.json'), 'utf8')) as { argv: string[] }[];
    expect(steps[0]?.argv).toEqual(expect.arrayContaining(['--model', tinyModel, '--adapter', adapter]));
    expect(readFileSync(path.join(stage.dir, 'generations.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);
    expect(progress.some((p) => /^generated 4\/4/.test(p.message ?? ''))).toBe(true);
  });

  it('evaluates merged (full) weights on the shipped quickstart problems', async (t) => {
    if (!envPath) return t.skip(skipReason);
    const { plan, stage, trainStage } = fixture('full', { model: './not-used', finetuning: 'full' }, { tool: 'local', tasks: ['quickstart'], problems: quickstart, args: { max_new_tokens: 16 } });
    cpSync(tinyModel, path.join(trainStage.dir, 'output'), { recursive: true });
    await runner(context(plan, stage, [], []));
    const result = JSON.parse(readFileSync(path.join(stage.dir, EVAL_RESULT_FILE), 'utf8')) as EvalResult;
    expect(result.problems).toHaveLength(8);
    expect(result.problems.every((p) => p.id.startsWith('Quickstart/'))).toBe(true);
  });

  it('scores the canonical solutions as completions at 100% (the executor works)', async (t) => {
    if (!envPath) return t.skip(skipReason);
    for (const [file, limit, expected] of [[humanEval, 5, 5], [quickstart, undefined, 8]] as const) {
      const out = path.join(work, `canonical-${expected}.json`);
      await execa(python, [path.join(repoRoot, 'runners/local_eval.py'), '--problems', file, '--canonical', '--out', out, ...(limit ? ['--limit', String(limit)] : [])]);
      const result = localResult({ task: 'canonical', json: JSON.parse(readFileSync(out, 'utf8')), args: {} });
      expect(result.problems).toHaveLength(expected);
      expect(result.metrics['pass@1']).toBe(1);
      expect(result.problems.every((p) => p.passed)).toBe(true);
    }
  });

  it('scores given completions: wrong and non-terminating ones fail', async (t) => {
    if (!envPath) return t.skip(skipReason);
    const completions = path.join(work, 'completions.jsonl');
    writeFileSync(completions, [
      { task_id: 'Quickstart/0', completion: '    return a + b\n' },
      { task_id: 'Quickstart/1', completion: '    return None\n' },
      { task_id: 'Quickstart/2', completion: '    while True:\n        pass\n' },
    ].map((c) => JSON.stringify(c)).join('\n'));
    const out = path.join(work, 'given.json');
    await execa(python, [path.join(repoRoot, 'runners/local_eval.py'), '--problems', quickstart, '--limit', '3', '--completions', completions, '--timeout', '2', '--out', out]);
    const json = JSON.parse(readFileSync(out, 'utf8')) as { problems: { id: string; status: string }[] };
    expect(json.problems.map((p) => p.status)).toEqual(['pass', 'fail', 'timeout']);
    expect(existsSync(out)).toBe(true);
  });
});
