/**
 * contract: the bigcode eval stage end to end with the real `accelerate launch` (from the tool env)
 * driving the stand-in harness (test/fixtures/bigcode-standin: the harness's exact arguments and
 * output files), then runners/score_generations.py with the stand-in's task module.
 * The real harness cannot be installed here (not on PyPI; its tasks download datasets from the hub).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import type { StageRunContext } from '../../src/exec/types.js';
import type { Plan, Stage } from '../../src/plan/types.js';
import type { EvalResult } from '../../src/tools/evalResult.js';
import { BIGCODE_TASKS } from '../../src/tools/bigcode/tasks.js';
import { EVAL_RESULT_FILE, harnessCommit, makeEvalStageRunner } from '../../src/tools/eval.js';
import { INSTALL_HINT, ensureToolEnv, envTool, pythonBin, toolEnvStatus } from '../../src/tools/pyenv.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const status = await toolEnvStatus();
const envPath = status.present ? status.path : process.env.CI ? await ensureToolEnv() : undefined;
const skipReason = `no Python tool env at ${status.path}: ${INSTALL_HINT}`;

const work = mkdtempSync(path.join(tmpdir(), 'ablate-e2e-eval-bigcode-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('contract: bigcode eval stage with real accelerate launch and the stand-in harness', () => {
  it('contract: accelerate launch main.py with the exact arguments, per-problem scoring, result.json', async (t) => {
    if (!envPath) return t.skip(skipReason);
    expect(existsSync(envTool(envPath, 'accelerate'))).toBe(true);
    const root = path.join(work, 'results');
    const trainStage: Stage = { kind: 'train', id: 't', dir: path.join(root, 'stages/train/t'), deps: [], inputs: { dataset: 'm', train: { model: './base' }, specDir: work }, gpus: 0, runs: ['r'] };
    const evalCfg = { tool: 'bigcode', tasks: ['humaneval'], limit: 4, harness: path.join(repoRoot, 'test/fixtures/bigcode-standin'), args: { max_length_generation: 256 } };
    const stage: Stage = { kind: 'eval', id: 'e', task: 'humaneval', dir: path.join(root, 'stages/eval/e'), deps: ['t'], inputs: { train: 't', task: 'humaneval', eval: evalCfg }, gpus: 0, runs: ['r'] };
    const plan: Plan = { experiment: 'x', specFile: path.join(work, 'x.yaml'), specDir: work, resultsRoot: root, runs: [], stages: new Map([['t', trainStage], ['e', stage]]) };
    mkdirSync(path.join(trainStage.dir, 'output'), { recursive: true });
    mkdirSync(path.join(work, 'base'), { recursive: true });
    mkdirSync(stage.dir, { recursive: true });
    const lines: string[] = [];
    const ctx: StageRunContext = {
      stage, plan, workDir: stage.dir, dryRun: false, signal: new AbortController().signal,
      env: { CUDA_VISIBLE_DEVICES: '', PYTHONDONTWRITEBYTECODE: '1', ABLATE_STANDIN_PROBLEMS: path.resolve(repoRoot, '../shared/data/HumanEval.jsonl.gz') },
      log: (l) => lines.push(l), progress: () => {}, depDir: (id) => plan.stages.get(id)!.dir,
    };
    const run = makeEvalStageRunner({ pythons: async () => ({ managed: pythonBin(envPath), bigcode: pythonBin(envPath) }) });
    const t0 = Date.now();
    const out = await run(ctx);
    console.log(`bigcode stand-in stage via accelerate launch: ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const result = JSON.parse(readFileSync(path.join(stage.dir, EVAL_RESULT_FILE), 'utf8')) as EvalResult;
    expect(result).toMatchObject({ tool: 'bigcode', task: 'humaneval', metrics: { 'pass@1': 0.5 }, n_samples: 1 });
    expect(result.problems).toEqual([
      { id: 'HumanEval/0', passed: true },
      { id: 'HumanEval/1', passed: false },
      { id: 'HumanEval/2', passed: true },
      { id: 'HumanEval/3', passed: false },
    ]);
    expect(out).toMatchObject({ summary: { 'pass@1': 0.5, problems: 4 } });
    const metrics = JSON.parse(readFileSync(path.join(stage.dir, 'evaluation_results.json'), 'utf8')) as { config: Record<string, unknown> };
    expect(metrics.config).toMatchObject({ model: path.join(work, 'base'), peft_model: path.join(trainStage.dir, 'output'), do_sample: false, max_length_generation: 256, precision: 'fp32' });
    expect(existsSync(path.join(stage.dir, 'generations_humaneval.json'))).toBe(true);
    // TMPDIR (the harness's multiprocessing socket) is a short private folder outside the results tree.
    expect(existsSync(path.join(stage.dir, 'tmp'))).toBe(false);
  });

  // With a real clone at hand (ABLATE_BIGCODE_HARNESS), the generated task list must match it.
  it('src/tools/bigcode/tasks.ts matches the ALL_TASKS of the harness clone in ABLATE_BIGCODE_HARNESS', async (t) => {
    const harness = process.env.ABLATE_BIGCODE_HARNESS;
    if (!envPath || !harness) return t.skip('needs a clone of the BigCode harness (not on PyPI; no GitHub access on CI machines): set ABLATE_BIGCODE_HARNESS to check the generated task list against it');
    const listed = JSON.parse((await execa(pythonBin(envPath), [path.join(repoRoot, 'runners/list_bigcode_tasks.py'), harness])).stdout) as { tasks: string[] };
    console.log(`harness commit: ${(await harnessCommit(harness)) ?? 'unknown'}`);
    expect(listed.tasks).toEqual([...BIGCODE_TASKS]);
  });
});
