/**
 * LiveCodeBench runs from its clone: end to end through the eval stage (command, working folder,
 * outputs moved into the stage folder, parsing) against a LiveCodeBench-shaped clone made here,
 * which, like the real one, opens its prompt files relative to the working folder on import and
 * grades with multiprocessing. Two evaluations run at once and keep their outputs apart.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import type { StageRunContext } from '../../src/exec/types.js';
import type { Plan, Stage } from '../../src/plan/types.js';
import type { EvalResult } from '../../src/tools/evalResult.js';
import { EVAL_RESULT_FILE, makeEvalStageRunner } from '../../src/tools/eval.js';
import { writeLcbClone } from '../helpers/lcbClone.js';

const python3 = await execa('python3', ['-c', 'import sys; print(sys.executable)'], { reject: false }).then((r) => (r.exitCode === 0 ? r.stdout.trim() : undefined), () => undefined);
if (!python3 && process.env.CI) throw new Error('python3 is required for the LiveCodeBench clone test in CI');

const work = mkdtempSync(path.join(tmpdir(), 'ablate-lcb-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function stageOf(root: string, clone: string, id: string): { plan: Plan; stage: Stage } {
  const trainDir = path.join(root, 'stages/train', `t-${id}`);
  mkdirSync(path.join(trainDir, 'merged'), { recursive: true });
  const train: Stage = { kind: 'train', id: `t-${id}`, dir: trainDir, deps: [], inputs: { dataset: 'm', train: { model: 'org/m', finetuning: 'lora', merge: true } }, gpus: 0, runs: ['r'] };
  const ev = { tool: 'livecodebench', tasks: ['codegeneration'], harness: clone, args: { model: 'deepseek-ai/deepseek-coder-6.7b-instruct', n: 2, temperature: 0.2 } };
  const stage: Stage = { kind: 'eval', id, task: 'codegeneration', dir: path.join(root, 'stages/eval', id), deps: [train.id], inputs: { train: train.id, task: 'codegeneration', eval: ev }, gpus: 0, runs: ['r'] };
  return { plan: { experiment: 'x', specFile: path.join(work, 'x.yaml'), specDir: work, resultsRoot: root, runs: [], stages: new Map([[train.id, train], [id, stage]]) }, stage };
}

describe('LiveCodeBench from its clone', () => {
  it('the fixture, like the real runner, fails when started outside its clone root', async (t) => {
    if (!python3) return t.skip('python3 is not available');
    const clone = writeLcbClone(path.join(work, 'clone-probe'));
    const elsewhere = path.join(work, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    const r = await execa(python3, ['-m', 'lcb_runner.runner.main', '--help'], { cwd: elsewhere, env: { PYTHONPATH: clone }, reject: false });
    expect(r.stderr).toContain("FileNotFoundError: [Errno 2] No such file or directory: 'lcb_runner/prompts/few_shot_examples/generation/func.json'");
  });

  it('runs in a working folder laid out like the clone, moves output/ into the stage folder, and parses it', async (t) => {
    if (!python3) return t.skip('python3 is not available');
    const clone = writeLcbClone(path.join(work, 'LiveCodeBench'));
    const root = path.join(work, 'results');
    const runs = ['e1', 'e2'].map(async (id) => {
      const { plan, stage } = stageOf(root, clone, id);
      mkdirSync(stage.dir, { recursive: true });
      const lines: string[] = [];
      const ctx: StageRunContext = {
        stage, plan, workDir: stage.dir, env: { PYTHONDONTWRITEBYTECODE: '1' }, signal: new AbortController().signal, dryRun: false,
        log: (l) => lines.push(l), progress: () => {}, depDir: (d) => plan.stages.get(d)!.dir,
      };
      const run = makeEvalStageRunner({ pythons: async () => ({ managed: python3!, livecodebench: python3! }), toolVersion: async () => 'git:test' });
      await run(ctx).catch((err: Error) => {
        throw new Error(`${err.message}\n${lines.slice(-30).join('\n')}`);
      });
      return stage;
    });
    for (const stage of await Promise.all(runs)) {
      const result = JSON.parse(readFileSync(path.join(stage.dir, EVAL_RESULT_FILE), 'utf8')) as EvalResult;
      expect(result.problems.map((p) => [p.id, p.passed])).toEqual([['1873_A', true], ['2727', false], ['abc301_a', true]]);
      expect(result.n_samples).toBe(2);
      expect(result.metrics['pass@1']).toBeCloseTo(2 / 3, 6);
      expect(readdirSync(path.join(stage.dir, 'output', 'DSCoder-6.7b-Ins')).sort()).toEqual(['Scenario.codegeneration_2_0.2.json', 'Scenario.codegeneration_2_0.2_eval.json', 'Scenario.codegeneration_2_0.2_eval_all.json']);
      const commands = JSON.parse(readFileSync(path.join(stage.dir, 'eval-commands.json'), 'utf8')) as Array<{ cwd: string; env: Record<string, string> }>;
      expect(commands[0]!.cwd.startsWith(root)).toBe(false);
      expect(existsSync(commands[0]!.cwd)).toBe(false);
      expect(commands[0]!.env.HF_DATASETS_OFFLINE).toBe('1');
    }
    // Nothing was written into the clone: it stays clean, so its provenance does not change.
    expect(existsSync(path.join(clone, 'output'))).toBe(false);
  }, 120_000);
});
