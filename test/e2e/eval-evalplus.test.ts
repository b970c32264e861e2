/**
 * EvalPlus for real (the pinned PyPI package), offline on CPU: `evalplus.codegen` with the hf backend
 * on a tiny random Llama, then `evalplus.evaluate`, on a HumanEvalPlus-format file given through
 * HUMANEVAL_OVERRIDE_PATH (written here from the shipped quickstart problems with base/plus inputs).
 * Canonical solutions through the same evaluate step must pass base and plus tests.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageRunContext } from '../../src/exec/types.js';
import type { Plan, Stage } from '../../src/plan/types.js';
import type { EvalResult } from '../../src/tools/evalResult.js';
import { EVAL_RESULT_FILE, evalInvocation, evalSteps, makeEvalStageRunner } from '../../src/tools/eval.js';
import { evalplusResultsPath } from '../../src/tools/evalplus/command.js';
import { evalplusResult } from '../../src/tools/evalplus/parse.js';
import { INSTALL_HINT, ensureToolEnv, pythonBin, toolEnvStatus } from '../../src/tools/pyenv.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const status = await toolEnvStatus();
const envPath = status.present ? status.path : process.env.CI ? await ensureToolEnv() : undefined;
const skipReason = `no Python tool env at ${status.path}: ${INSTALL_HINT}`;
const python = envPath ? pythonBin(envPath) : 'python3';

const work = mkdtempSync(path.join(tmpdir(), 'ablate-e2e-evalplus-'));
// EvalPlus caches ground truth under the user cache folder; keep it inside the test's folder.
const cacheEnv = { XDG_CACHE_HOME: path.join(work, 'cache'), HF_HUB_OFFLINE: '1' };
afterAll(() => rmSync(work, { recursive: true, force: true }));

const PLUS_INPUTS: Record<string, [unknown[][], unknown[][]]> = {
  add_two: [[[2, 3], [-1, 1]], [[100, 23], [0, 0]]],
  is_even: [[[4], [7]], [[0], [-3]]],
  count_vowels: [[['Ablate'], ['xyz']], [['AEIOU'], ['']]],
};
const plusFile = path.join(work, 'QuickstartPlus.jsonl');
const tinyModel = path.join(work, 'tiny-llama');

beforeAll(async () => {
  if (!envPath) return;
  const problems = readFileSync(path.join(repoRoot, 'experiments/data/quickstart-problems.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const plus = problems.filter((p) => String(p.entry_point) in PLUS_INPUTS).map((p) => {
    const [base, extra] = PLUS_INPUTS[String(p.entry_point)]!;
    return { ...p, contract: '', base_input: base, plus_input: extra, atol: 0 };
  });
  writeFileSync(plusFile, plus.map((p) => JSON.stringify(p)).join('\n') + '\n');
  await execa(python, [path.join(repoRoot, 'runners/build_tiny_model.py'), '--out', tinyModel], { env: cacheEnv });
}, 600_000);

function fixture(evalCfg: Record<string, unknown>): { plan: Plan; stage: Stage; trainStage: Stage } {
  const root = path.join(work, 'results');
  const trainStage: Stage = { kind: 'train', id: 't', dir: path.join(root, 'stages/train/t'), deps: [], inputs: { dataset: 'm', train: { model: './unused', finetuning: 'full' }, specDir: work }, gpus: 0, runs: ['r'] };
  const stage: Stage = { kind: 'eval', id: 'e', task: 'humaneval', dir: path.join(root, 'stages/eval/e'), deps: ['t'], inputs: { train: 't', task: 'humaneval', eval: evalCfg, problems: evalCfg.problems }, gpus: 0, runs: ['r'] };
  return { plan: { experiment: 'x', specFile: path.join(work, 'x.yaml'), specDir: work, resultsRoot: root, runs: [], stages: new Map([['t', trainStage], ['e', stage]]) }, stage, trainStage };
}

describe('EvalPlus (real package, CPU)', () => {
  it('codegen + evaluate on a tiny model with HUMANEVAL_OVERRIDE_PATH, per-problem base/plus in result.json', async (t) => {
    if (!envPath) return t.skip(skipReason);
    const { plan, stage, trainStage } = fixture({ tool: 'evalplus', tasks: ['humaneval'], problems: plusFile, limit: 1 });
    cpSync(tinyModel, path.join(trainStage.dir, 'output'), { recursive: true });
    mkdirSync(stage.dir, { recursive: true });
    const ctx: StageRunContext = {
      stage, plan, workDir: stage.dir, dryRun: false, signal: new AbortController().signal, env: { CUDA_VISIBLE_DEVICES: '', ...cacheEnv },
      log: () => {}, progress: () => {}, depDir: (id) => plan.stages.get(id)!.dir,
    };
    const t0 = Date.now();
    const out = await makeEvalStageRunner({ pythons: async () => ({ managed: python }) })(ctx);
    console.log(`evalplus codegen+evaluate (tiny Llama, 1 problem: 768 new tokens on CPU): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const result = JSON.parse(readFileSync(path.join(stage.dir, EVAL_RESULT_FILE), 'utf8')) as EvalResult;
    expect(result.tool).toBe('evalplus');
    // eval.limit 1: EvalPlus got a cut problem file with the first problem only.
    expect(result.problems.map((p) => p.id)).toEqual(['Quickstart/0']);
    expect(result.problems.every((p) => typeof p.plus === 'boolean')).toBe(true);
    expect(Object.keys(result.metrics).sort()).toEqual(['pass@1', 'plus_pass@1']);
    expect(result.tool_version).toBe('0.3.1');
    expect(out).toMatchObject({ tools: { evalplus: '0.3.1' } });

    // The same evaluate step on the canonical solutions: every base and plus test passes.
    const inv = evalInvocation(plan, stage, { pythons: { managed: python } });
    const evaluate = evalSteps(inv)[1]!;
    const samplesArg = evaluate.argv.indexOf('--samples') + 1;
    const canonical = path.join(work, 'canonical', 'samples.jsonl');
    mkdirSync(path.dirname(canonical), { recursive: true });
    const problems = readFileSync(plusFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { task_id: string; prompt: string; canonical_solution: string });
    writeFileSync(canonical, problems.map((p) => JSON.stringify({ task_id: p.task_id, solution: p.prompt + p.canonical_solution })).join('\n') + '\n');
    const argv = [...evaluate.argv];
    argv[samplesArg] = canonical;
    await execa(argv[0]!, argv.slice(1), { cwd: work, env: { ...evaluate.env, ...cacheEnv, HUMANEVAL_OVERRIDE_PATH: plusFile } });
    const full = evalplusResult({ task: 'humaneval', json: JSON.parse(readFileSync(evalplusResultsPath(canonical), 'utf8')), args: {} });
    expect(full.problems).toHaveLength(3);
    expect(full.metrics).toEqual({ 'pass@1': 1, 'plus_pass@1': 1 });
  });
});
