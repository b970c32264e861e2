import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import type { StageProgress, StageRunContext } from '../../src/exec/types.js';
import type { Plan, Stage } from '../../src/plan/types.js';
import type { EvalResult } from '../../src/tools/evalResult.js';
import type { ExperimentSpec } from '../../src/spec/types.generated.js';
import { EVAL_COMMANDS_FILE, EVAL_RESULT_FILE, harnessCommit, preflightEvalTools, checkEvalTasks, evalCommand, evalInvocation, evalSteps, evalTaskRule, makeEvalStageRunner, trainedModel } from '../../src/tools/eval.js';
import { writeHumanEvalFixture } from '../helpers/fixtures.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'ablate-eval-stage-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
// The problem file the local-tool fixtures name (spec folder = work/spec, so '../q.jsonl').
writeFileSync(path.join(work, 'q.jsonl'), '');

function fixturePlan(evalCfg: Record<string, unknown>, train: Record<string, unknown> = { model: './models/tiny', finetuning: 'lora' }): { plan: Plan; stage: Stage; trainStage: Stage } {
  const root = path.join(work, `results-${Math.random().toString(16).slice(2)}`);
  const trainStage: Stage = { kind: 'train', id: 'train1', dir: path.join(root, 'stages/train/train1'), deps: ['mat1'], inputs: { dataset: 'mat1', train }, gpus: 1, runs: ['run1'] };
  const task = (evalCfg.tasks as string[])[0] as string;
  const stage: Stage = { kind: 'eval', id: 'eval1', task, dir: path.join(root, 'stages/eval/eval1'), deps: ['train1'], inputs: { train: 'train1', task, eval: evalCfg, problems: evalCfg.problems ? path.resolve(work, 'spec', String(evalCfg.problems)) : undefined }, gpus: 0, runs: ['run1'] };
  const plan: Plan = { experiment: 'x', specFile: path.join(work, 'spec/x.yaml'), specDir: path.join(work, 'spec'), resultsRoot: root, runs: [], stages: new Map([[trainStage.id, trainStage], [stage.id, stage]]) };
  return { plan, stage, trainStage };
}

function context(plan: Plan, stage: Stage, dryRun: boolean, lines: string[], progress: StageProgress[] = []): StageRunContext {
  mkdirSync(stage.dir, { recursive: true });
  return {
    stage, plan, workDir: stage.dir, env: {}, signal: new AbortController().signal, dryRun,
    log: (line) => lines.push(line), progress: (p) => progress.push(p), depDir: (id) => plan.stages.get(id)!.dir,
  };
}

describe('checkEvalTasks', () => {
  it('dispatches on the tool', () => {
    expect(checkEvalTasks('bigcode', ['humaneval', 'mbpp'])).toEqual([]);
    expect(checkEvalTasks('bigcode', ['multiple-cpp'])[0]).toMatchObject({ task: 'multiple-cpp', suggestion: expect.stringContaining('commas') });
    expect(checkEvalTasks('evalplus', ['humaneval'])).toEqual([]);
    expect(checkEvalTasks('livecodebench', ['codegeneration'], { args: { model: 'm' } })).toEqual([]);
    expect(checkEvalTasks('local', ['quickstart'], { problems: 'p.jsonl' })).toEqual([]);
    expect(checkEvalTasks('nope', ['x'])[0]?.message).toContain("unknown eval tool 'nope'");
  });
  it('reports a tool-wide problem once, not per task', () => {
    expect(checkEvalTasks('local', ['a', 'b'])).toHaveLength(1);
    expect(checkEvalTasks('bigcode', ['humaneval', 'mbpp'], { args: { foo: 1 } })).toHaveLength(1);
  });
  it('as a spec rule points at the task or the argument', () => {
    const spec = { eval: { tool: 'bigcode', tasks: ['humaneval', 'multiple-cpp'], args: { max_new_tokens: 5 } } } as unknown as ExperimentSpec;
    const issues = evalTaskRule(spec, { specDir: work });
    expect(issues.map((i) => i.path)).toEqual([['eval', 'tasks', 1], ['eval', 'args', 'max_new_tokens']]);
    expect(issues[1]?.at).toBe('key');
    expect(issues[0]?.message).toContain('multiple-cljcpp');
  });
});

describe('trainedModel', () => {
  it('follows the train stage layout', () => {
    expect(trainedModel('/t', { model: './m' }, '/spec')).toEqual({ base: '/spec/m', adapter: '/t/output' });
    expect(trainedModel('/t', { model: 'org/model', merge: true }, '/spec')).toEqual({ base: 'org/model', merged: '/t/merged' });
    expect(trainedModel('/t', { model: 'org/model', finetuning: 'full' }, '/spec')).toEqual({ base: 'org/model', merged: '/t/output' });
    // An adapter is applied to the base at the revision it was trained on; merged weights carry it already.
    expect(trainedModel('/t', { model: 'org/model', revision: 'v1.1' }, '/spec')).toEqual({ base: 'org/model', adapter: '/t/output', revision: 'v1.1' });
    expect(trainedModel('/t', { model: 'org/model', revision: 'v1.1', merge: true }, '/spec')).toEqual({ base: 'org/model', merged: '/t/merged' });
    expect(trainedModel('/t', { model: 'builtin:tiny-llama' }, '/spec', { ABLATE_CACHE: '/cache' }).base).toMatch(/^\/cache\/models\/tiny-llama-[0-9a-f]{16}$/);
  });
});

describe('evalInvocation / evalCommand', () => {
  it('resolves model, problems and interpreter from the plan', () => {
    const { plan, stage } = fixturePlan({ tool: 'local', tasks: ['quickstart'], problems: 'data/q.jsonl', limit: 2 });
    const inv = evalInvocation(plan, stage, { pythons: { managed: '/env/bin/python' }, runnersDir: '/ablate/runners', env: {} });
    expect(inv).toMatchObject({ tool: 'local', task: 'quickstart', limit: 2, problems: path.join(work, 'spec/data/q.jsonl'), python: '/env/bin/python', outDir: stage.dir });
    expect(inv.model).toEqual({ base: path.join(work, 'spec/models/tiny'), adapter: path.join(plan.resultsRoot, 'stages/train/train1/output') });
    expect(evalCommand(inv).argv.slice(0, 2)).toEqual(['/env/bin/python', '/ablate/runners/local_eval.py']);
  });
  it('uses the harness env and folder for bigcode', () => {
    const { plan, stage } = fixturePlan({ tool: 'bigcode', tasks: ['humaneval'] });
    const inv = evalInvocation(plan, stage, { pythons: { managed: '/env/bin/python', bigcode: '/harness-env/bin/python' }, env: { ABLATE_BIGCODE_HARNESS: '/src/harness' } });
    expect(inv.harness).toBe('/src/harness');
    expect(evalSteps(inv).map((s) => s.argv[0])).toEqual(['/harness-env/bin/accelerate', '/harness-env/bin/python']);
  });
});

const python = await execa('python3', ['--version'], { reject: false }).then((r) => (r.exitCode === 0 ? 'python3' : undefined), () => undefined);
if (!python && process.env.CI) throw new Error('python3 is required for the bigcode stand-in contract test in CI');

describe('runEvalStage', () => {
  it('dry run: writes the commands, runs nothing', async () => {
    const { plan, stage } = fixturePlan({ tool: 'local', tasks: ['quickstart'], problems: '../q.jsonl' });
    const lines: string[] = [];
    const run = makeEvalStageRunner({ pythons: async () => ({ managed: '/env/bin/python' }) });
    await expect(run(context(plan, stage, true, lines))).resolves.toEqual({ summary: { dryRun: true } });
    const steps = JSON.parse(readFileSync(path.join(stage.dir, EVAL_COMMANDS_FILE), 'utf8')) as { argv: string[] }[];
    expect(steps[0]?.argv[1]).toBe(path.join(repoRoot, 'runners/local_eval.py'));
    expect(lines[0]).toMatch(/^would run: \["\/env\/bin\/python"/);
    expect(existsSync(path.join(stage.dir, EVAL_RESULT_FILE))).toBe(false);
  });

  it('a failing tool fails the stage with the tail of its log and leaves no result.json', async () => {
    const { plan, stage, trainStage } = fixturePlan({ tool: 'local', tasks: ['quickstart'], problems: '../q.jsonl' });
    mkdirSync(path.join(trainStage.dir, 'output'), { recursive: true });
    const fake = path.join(work, 'failing-python');
    writeFileSync(fake, '#!/bin/sh\necho "Traceback: model folder unreadable"\nexit 3\n');
    chmodSync(fake, 0o755);
    const run = makeEvalStageRunner({ pythons: async () => ({ managed: fake }), toolVersion: async () => undefined });
    await expect(run(context(plan, stage, false, []))).rejects.toThrow(/exited with code 3[\s\S]*Traceback: model folder unreadable/);
    expect(existsSync(path.join(stage.dir, EVAL_RESULT_FILE))).toBe(false);
  });

  it('evaluates the model the train stage recorded in model.json, inside its own results folder', async () => {
    const { plan, stage, trainStage } = fixturePlan({ tool: 'local', tasks: ['quickstart'], problems: '../q.jsonl' });
    mkdirSync(trainStage.dir, { recursive: true });
    const run = makeEvalStageRunner({ pythons: async () => ({ managed: '/env/bin/python' }) });
    const argvFor = async (model: object): Promise<string[]> => {
      writeFileSync(path.join(trainStage.dir, 'model.json'), JSON.stringify(model));
      await run(context(plan, stage, true, []));
      return (JSON.parse(readFileSync(path.join(stage.dir, EVAL_COMMANDS_FILE), 'utf8')) as { argv: string[] }[])[0]!.argv;
    };
    // model.json records the adapter relative to the train stage folder.
    expect(await argvFor({ base: '/cache/models/tiny', adapter: 'output' })).toEqual(expect.arrayContaining(['--model', '/cache/models/tiny', '--adapter', path.join(trainStage.dir, 'output')]));
    // An older absolute record (a results folder copied from elsewhere) never reads the original's adapter.
    expect(await argvFor({ base: '/cache/models/tiny', adapter: '/elsewhere/stages/train/x/output' })).toEqual(expect.arrayContaining(['--adapter', path.join(trainStage.dir, 'output')]));
  });

  it('fails before running when the trained model is missing', async () => {
    const { plan, stage } = fixturePlan({ tool: 'local', tasks: ['quickstart'], problems: '../q.jsonl' });
    const run = makeEvalStageRunner({ pythons: async () => ({ managed: '/env/bin/python' }) });
    await expect(run(context(plan, stage, false, []))).rejects.toThrow(/the trained model is missing: .*train1\/output/);
  });

  it.skipIf(!python)('contract: runs the bigcode steps against the stand-in harness and writes result.json', async () => {
    // A bin folder with python3 and an `accelerate` stand-in that drops its launch options and runs the script.
    const bin = path.join(work, 'harness-env/bin');
    mkdirSync(bin, { recursive: true });
    const py = (await execa('python3', ['-c', 'import sys; print(sys.executable)'])).stdout.trim();
    if (!existsSync(path.join(bin, 'python'))) symlinkSync(py, path.join(bin, 'python'));
    writeFileSync(path.join(bin, 'accelerate'), `#!/bin/sh\n[ "$1" = launch ] || exit 2\nshift\nwhile [ $# -gt 0 ]; do case "$1" in *.py) break;; --cpu|--multi_gpu) shift;; *) shift 2;; esac; done\nexec "${py}" "$@"\n`);
    chmodSync(path.join(bin, 'accelerate'), 0o755);

    const { plan, stage, trainStage } = fixturePlan({ tool: 'bigcode', tasks: ['humaneval'], limit: 3, harness: path.join(repoRoot, 'test/fixtures/bigcode-standin') });
    mkdirSync(path.join(trainStage.dir, 'output'), { recursive: true });
    mkdirSync(path.join(work, 'spec/models/tiny'), { recursive: true });
    const lines: string[] = [];
    const progress: StageProgress[] = [];
    const ctx = context(plan, stage, false, lines, progress);
    ctx.env = { ABLATE_STANDIN_PROBLEMS: writeHumanEvalFixture(work), PYTHONDONTWRITEBYTECODE: '1' };
    const run = makeEvalStageRunner({ pythons: async () => ({ managed: '/unused', bigcode: path.join(bin, 'python') }), toolVersion: async () => 'git:standin' });
    const out = await run(ctx);
    const result = JSON.parse(readFileSync(path.join(stage.dir, EVAL_RESULT_FILE), 'utf8')) as EvalResult;
    expect(result).toMatchObject({ tool: 'bigcode', task: 'humaneval', n_samples: 1, tool_version: 'git:standin' });
    expect(result.metrics['pass@1']).toBeCloseTo(2 / 3, 12);
    expect(result.problems).toEqual([{ id: 'HumanEval/0', passed: true }, { id: 'HumanEval/1', passed: false }, { id: 'HumanEval/2', passed: true }]);
    expect(out).toMatchObject({ tools: { bigcode: 'git:standin' }, summary: { problems: 3 } });
    // The harness's multiprocessing socket lives in TMPDIR: it must be a short private folder
    // outside the results tree, gone after the stage.
    expect(existsSync(path.join(stage.dir, 'tmp'))).toBe(false);
    const tmpLine = lines.find((l) => /private temp folder /.test(l));
    expect(tmpLine).toBeDefined();
    const tmpDir = tmpLine!.replace(/.*private temp folder /, '').trim();
    expect(tmpDir.startsWith(work)).toBe(false);
    expect(existsSync(tmpDir)).toBe(false);
    expect(progress.at(-1)?.percent).toBe(100);
  });
});

describe('evalTaskRule: merged weights', () => {
  it('asks for train.merge when the evaluator cannot apply an adapter', () => {
    const spec = { train: { model: 'm' }, eval: { tool: 'evalplus', tasks: ['humaneval'] } } as unknown as ExperimentSpec;
    expect(evalTaskRule(spec, { specDir: work })).toEqual([{ path: ['train'], message: expect.stringContaining('set train.merge: true') }]);
    const mergedSpec = { train: { model: 'm', merge: true }, eval: { tool: 'evalplus', tasks: ['humaneval'] } } as unknown as ExperimentSpec;
    expect(evalTaskRule(mergedSpec, { specDir: work })).toEqual([]);
  });
});

describe('preflightEvalTools', () => {
  it('says how to get a missing harness and its accelerate', async () => {
    const { plan } = fixturePlan({ tool: 'bigcode', tasks: ['humaneval'] });
    const env = { ABLATE_PYTHON_ENV: path.join(work, 'no-env'), ABLATE_BIGCODE_PYTHON: path.join(work, 'no-env/bin/python') };
    const problems = await preflightEvalTools(plan, env);
    expect(problems[0]).toContain('set eval.harness (or ABLATE_BIGCODE_HARNESS)');
    expect(problems[1]).toContain('ABLATE_BIGCODE_PYTHON');
    const ok = fixturePlan({ tool: 'local', tasks: ['q'], problems: '../q.jsonl' });
    expect(await preflightEvalTools(ok.plan, env)).toEqual([]);
  });

  it('says how to install EvalPlus when the tool env (ABLATE_PYTHON_ENV) lacks it', async () => {
    const userEnv = path.join(work, 'user-env');
    mkdirSync(path.join(userEnv, 'bin'), { recursive: true });
    // A python that can import nothing.
    writeFileSync(path.join(userEnv, 'bin', 'python'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const { plan } = fixturePlan({ tool: 'evalplus', tasks: ['humaneval'] }, { model: './models/tiny', finetuning: 'full' });
    const problems = await preflightEvalTools(plan, { ABLATE_PYTHON_ENV: userEnv });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/evalplus: .*user-env\/bin\/python cannot import evalplus; .*pip install evalplus==0\.3\.1.*ablate tools install/);
    // No env yet: the managed env is installed before any stage runs, so nothing to report.
    expect(await preflightEvalTools(plan, { ABLATE_PYTHON_ENV: path.join(work, 'no-env') })).toEqual([]);
  });
});

describe('harnessCommit', () => {
  it('reads the commit of a clone, and none for a folder inside another repository', async () => {
    const clone = path.join(work, 'clone');
    mkdirSync(clone, { recursive: true });
    const git = (...args: string[]) => execa('git', ['-C', clone, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args]);
    await git('init', '-q');
    writeFileSync(path.join(clone, 'main.py'), '');
    await git('add', 'main.py');
    await git('commit', '-q', '-m', 'x');
    expect(await harnessCommit(clone)).toMatch(/^[0-9a-f]{40}$/);
    expect(await harnessCommit(path.join(repoRoot, 'test/fixtures/bigcode-standin'))).toBeUndefined();
  });
});
