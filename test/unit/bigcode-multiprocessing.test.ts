/**
 * The BigCode harness scores code with real `multiprocessing` (a Manager reached over a Unix socket
 * under TMPDIR, a Process per program). A Unix socket path holds at most 107 bytes, so an eval
 * stage must give the harness a short private temp folder, not one inside a deep results tree.
 * This runs the eval stage (harness run, then runners/score_generations.py) against a
 * harness-shaped package that executes code that way, under a results root of more than 150 characters.
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
import { writeHarnessPackage } from '../helpers/harnessPackage.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const python3 = await execa('python3', ['-c', 'import sys; print(sys.executable)'], { reject: false }).then((r) => (r.exitCode === 0 ? r.stdout.trim() : undefined), () => undefined);
if (!python3 && process.env.CI) throw new Error('python3 is required for the harness multiprocessing test in CI');

const work = mkdtempSync(path.join(tmpdir(), 'ablate-mp-'));
afterAll(() => { if (!process.env.KEEP) rmSync(work, { recursive: true, force: true }); });

function deepPlan(harness: string): { plan: Plan; stage: Stage } {
  // Deep, like a results tree on a cluster's project filesystem.
  let root = path.join(work, 'projects', 'code-llm-instruction-data-ablations', 'study-b-knowledge-distillation');
  while (root.length <= 160) root = path.join(root, 'results-of-the-composition-sweep');
  const trainDir = path.join(root, 'stages/train/train1');
  mkdirSync(path.join(trainDir, 'output'), { recursive: true });
  mkdirSync(path.join(work, 'base'), { recursive: true });
  const trainStage: Stage = { kind: 'train', id: 'train1', dir: trainDir, deps: [], inputs: { dataset: 'm', train: { model: path.join(work, 'base'), finetuning: 'lora' } }, gpus: 0, runs: ['r'] };
  const stage: Stage = { kind: 'eval', id: 'eval1', task: 'humaneval', dir: path.join(root, 'stages/eval/eval1'), deps: ['train1'], inputs: { train: 'train1', task: 'humaneval', eval: { tool: 'bigcode', tasks: ['humaneval'], harness } }, gpus: 0, runs: ['r'] };
  const plan: Plan = { experiment: 'x', specFile: path.join(work, 'x.yaml'), specDir: work, resultsRoot: root, runs: [], stages: new Map([[trainStage.id, trainStage], [stage.id, stage]]) };
  return { plan, stage };
}

describe('bigcode scoring with real multiprocessing under a deep results root', () => {
  it('passes: the harness and score_generations.py get a short private TMPDIR, removed afterwards', async (t) => {
    if (!python3) return t.skip('python3 is not available');
    const { harness, python } = writeHarnessPackage(path.join(work, 'harness'), repoRoot, python3);
    const { plan, stage } = deepPlan(harness);
    expect(plan.resultsRoot.length).toBeGreaterThan(150);
    mkdirSync(stage.dir, { recursive: true });
    const lines: string[] = [];
    const ctx: StageRunContext = {
      stage, plan, workDir: stage.dir, env: { PYTHONDONTWRITEBYTECODE: '1' }, signal: new AbortController().signal, dryRun: false,
      log: (l) => lines.push(l), progress: () => {}, depDir: (id) => plan.stages.get(id)!.dir,
    };
    const run = makeEvalStageRunner({ pythons: async () => ({ managed: '/unused', bigcode: python }), toolVersion: async () => 'git:test' });
    await run(ctx).catch((err: Error) => {
      throw new Error(`${err.message}\n${lines.slice(-40).join('\n')}`);
    });
    const result = JSON.parse(readFileSync(path.join(stage.dir, EVAL_RESULT_FILE), 'utf8')) as EvalResult;
    // The stand-in's main.py gives even problems their canonical solution: 0 and 2 pass, 1 fails.
    expect(result.problems.map((p) => [p.id, p.passed])).toEqual([['HumanEval/0', true], ['HumanEval/1', false], ['HumanEval/2', true]]);
    expect(result.metrics['pass@1']).toBeCloseTo(2 / 3, 6);
    // Nothing of the temp folder is left in the results tree or in the system temp folder.
    expect(readdirSync(stage.dir).filter((f) => /tmp|pymp|ablate-score/.test(f))).toEqual([]);
    const commands = JSON.parse(readFileSync(path.join(stage.dir, 'eval-commands.json'), 'utf8')) as Array<{ env: Record<string, string> }>;
    const tmp = commands[0]!.env.TMPDIR!;
    expect(tmp.startsWith(plan.resultsRoot)).toBe(false);
    expect(tmp.length).toBeLessThan(60);
    expect(existsSync(tmp)).toBe(false);
  }, 120_000);
});
