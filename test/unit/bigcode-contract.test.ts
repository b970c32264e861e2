/**
 * contract: ablate's bigcode adapter against a stand-in harness (test/fixtures/bigcode-standin) that
 * accepts exactly the harness's arguments and writes its documented outputs. The stand-in and
 * score_generations.py need only the Python standard library, so this runs in the fast tier.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { BIGCODE_FILES, bigcodeArgs, bigcodeGenerationsPath, bigcodeSteps } from '../../src/tools/bigcode/args.js';
import { bigcodeConsistencyWarning, bigcodeResult } from '../../src/tools/bigcode/parse.js';
import type { EvalInvocation } from '../../src/tools/evalCommon.js';
import { writeHumanEvalFixture } from '../helpers/fixtures.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const standin = path.join(repoRoot, 'test/fixtures/bigcode-standin');

const python = await execa('python3', ['--version'], { reject: false }).then((r) => (r.exitCode === 0 ? 'python3' : undefined), () => undefined);
if (!python && process.env.CI) throw new Error('python3 is required for the bigcode contract test in CI');

const work = mkdtempSync(path.join(tmpdir(), 'ablate-bigcode-contract-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
// Generated from the project's own problems: this tier runs on a clone without ../shared.
const humanEval = writeHumanEvalFixture(work);

function invocation(outDir: string, over: Partial<EvalInvocation> = {}): EvalInvocation {
  const base = path.join(work, 'base-model');
  const adapter = path.join(work, 'adapter');
  mkdirSync(base, { recursive: true });
  mkdirSync(adapter, { recursive: true });
  mkdirSync(outDir, { recursive: true });
  return {
    tool: 'bigcode', task: 'humaneval', model: { base, adapter }, outDir, args: {}, limit: 4, gpus: 0,
    python: python ?? 'python3', runnersDir: path.join(repoRoot, 'runners'), harness: standin, ...over,
  };
}

// No __pycache__ inside the fixture folder.
const env = { ...process.env, ABLATE_STANDIN_PROBLEMS: humanEval, HF_ALLOW_CODE_EVAL: '1', PYTHONDONTWRITEBYTECODE: '1' };

describe.skipIf(!python)('contract: bigcode harness adapter against the stand-in harness', () => {
  it('contract: main.py accepts the exact argument list and writes the documented files; score_generations.py recovers per-problem outcomes', async () => {
    const outDir = path.join(work, 'eval-a');
    const inv = invocation(outDir, { args: { max_length_generation: 256, postprocess: false, trust_remote_code: true, top_p: 0.9, seed: 3 } });
    const run = await execa(python as string, [path.join(standin, 'main.py'), ...bigcodeArgs(inv)], { cwd: outDir, env, reject: false });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);

    const metrics = JSON.parse(readFileSync(path.join(outDir, BIGCODE_FILES.metrics), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(metrics).sort()).toEqual(['config', 'humaneval']);
    expect(metrics.config).toMatchObject({ do_sample: false, n_samples: 1, limit: 4, max_length_generation: 256, postprocess: false, trust_remote_code: true, allow_code_execution: true, peft_model: inv.model.adapter });
    const generations = JSON.parse(readFileSync(bigcodeGenerationsPath(outDir, 'humaneval'), 'utf8')) as unknown;
    expect(Array.isArray(generations) && generations.length === 4 && generations.every((g) => Array.isArray(g) && g.length === 1)).toBe(true);

    const [, score] = bigcodeSteps(inv);
    const scored = await execa(python as string, score!.argv.slice(1), { cwd: outDir, env, reject: false });
    expect(scored.exitCode, scored.stderr).toBe(0);
    const perProblem = JSON.parse(readFileSync(path.join(outDir, BIGCODE_FILES.perProblem), 'utf8')) as unknown;

    const result = bigcodeResult({ task: 'humaneval', metricsJson: metrics, perProblemJson: perProblem });
    // The stand-in answers even problems with the canonical solution and odd ones wrongly.
    expect(result.metrics['pass@1']).toBe(0.5);
    expect(result.problems).toEqual([
      { id: 'HumanEval/0', passed: true },
      { id: 'HumanEval/1', passed: false },
      { id: 'HumanEval/2', passed: true },
      { id: 'HumanEval/3', passed: false },
    ]);
    expect(result.n_samples).toBe(1);
    expect(bigcodeConsistencyWarning(result)).toBeUndefined();
  });

  it('contract: an argument the harness does not know is rejected by argparse with exit code 2', async () => {
    const outDir = path.join(work, 'eval-b');
    const inv = invocation(outDir);
    const run = await execa(python as string, [path.join(standin, 'main.py'), ...bigcodeArgs(inv), '--max_new_tokens', '5'], { cwd: outDir, env, reject: false });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('unrecognized arguments: --max_new_tokens 5');
    const badTask = await execa(python as string, [path.join(standin, 'main.py'), '--tasks', 'multiple-cpp'], { cwd: outDir, env, reject: false });
    expect(badTask.exitCode).toBe(2);
    expect(badTask.stderr).toContain('invalid choice');
  });

  it('contract: multiple samples per problem are counted per problem', async () => {
    const outDir = path.join(work, 'eval-c');
    const inv = invocation(outDir, { limit: 2, args: { do_sample: true, temperature: 0.8, n_samples: 3, batch_size: 3 } });
    const run = await execa(python as string, [path.join(standin, 'main.py'), ...bigcodeArgs(inv)], { cwd: outDir, env: { ...env, ABLATE_STANDIN_MODE: 'canonical' }, reject: false });
    expect(run.exitCode, run.stderr).toBe(0);
    const [, score] = bigcodeSteps(inv);
    const scored = await execa(python as string, score!.argv.slice(1), { cwd: outDir, env, reject: false });
    expect(scored.exitCode, scored.stderr).toBe(0);
    const result = bigcodeResult({
      task: 'humaneval',
      metricsJson: JSON.parse(readFileSync(path.join(outDir, BIGCODE_FILES.metrics), 'utf8')),
      perProblemJson: JSON.parse(readFileSync(path.join(outDir, BIGCODE_FILES.perProblem), 'utf8')),
    });
    expect(result.n_samples).toBe(3);
    expect(result.problems).toEqual([
      { id: 'HumanEval/0', passed: true, n_passed: 3 },
      { id: 'HumanEval/1', passed: true, n_passed: 3 },
    ]);
  });

  it('contract: tasks that score by dataset position in a shared temp folder (MultiPL-E) are recovered per problem', async () => {
    // multiple.py takes the i-th generation for the i-th document of get_dataset() and averages every
    // *.results.json in tempfile.gettempdir(), which the harness run (same private TMPDIR) has filled.
    const outDir = path.join(work, 'eval-multiple');
    const inv = invocation(outDir, { task: 'multiple-py', limit: 4 });
    const [launch, score] = bigcodeSteps(inv);
    mkdirSync(launch!.env.TMPDIR!, { recursive: true });
    const stepEnv = { ...env, ABLATE_STANDIN_TASKS: 'humaneval,multiple-py' };
    const run = await execa(python as string, [path.join(standin, 'main.py'), ...bigcodeArgs(inv)], { cwd: outDir, env: { ...stepEnv, ...launch!.env }, reject: false });
    expect(run.exitCode, run.stderr).toBe(0);
    const scored = await execa(python as string, score!.argv.slice(1), { cwd: outDir, env: { ...stepEnv, ...score!.env }, reject: false });
    expect(scored.exitCode, scored.stderr).toBe(0);
    const result = bigcodeResult({
      task: 'multiple-py',
      metricsJson: JSON.parse(readFileSync(path.join(outDir, BIGCODE_FILES.metrics), 'utf8')),
      perProblemJson: JSON.parse(readFileSync(path.join(outDir, BIGCODE_FILES.perProblem), 'utf8')),
    });
    expect(result.metrics['pass@1']).toBe(0.5);
    expect(result.problems.map((p) => p.passed)).toEqual([true, false, true, false]);
    expect(bigcodeConsistencyWarning(result)).toBeUndefined();
  });

  it('contract: score_generations.py refuses APPS (its metric scores by position in the whole dataset)', async () => {
    const outDir = path.join(work, 'eval-apps');
    const inv = invocation(outDir, { task: 'apps-interview' });
    const [, score] = bigcodeSteps(inv);
    const scored = await execa(python as string, score!.argv.slice(1), { cwd: outDir, env, reject: false });
    expect(scored.exitCode).not.toBe(0);
    expect(scored.stderr).toContain('per-problem outcomes cannot be recovered for apps-interview');
  });

  it('contract: list_bigcode_tasks.py reads ALL_TASKS from a harness folder', async () => {
    const listed = await execa(python as string, [path.join(repoRoot, 'runners/list_bigcode_tasks.py'), standin], { env });
    expect(JSON.parse(listed.stdout)).toMatchObject({ tasks: ['humaneval'], stubbed: [] });
  });
});
