import { describe, expect, it } from 'vitest';
import { accelerateLaunchArgs, bigcodeArgs, bigcodeGenerationsPath, bigcodeSteps, checkBigcodeArgs } from '../../src/tools/bigcode/args.js';
import { checkBigcodeTasks } from '../../src/tools/bigcode/check.js';
import { bigcodeConsistencyWarning, bigcodeResult, parseBigcodeMetrics } from '../../src/tools/bigcode/parse.js';
import { BIGCODE_HARNESS_COMMIT, BIGCODE_TASKS } from '../../src/tools/bigcode/tasks.js';
import type { EvalInvocation } from '../../src/tools/evalCommon.js';

const inv = (over: Partial<EvalInvocation> = {}): EvalInvocation => ({
  tool: 'bigcode',
  task: 'humaneval',
  model: { base: '/models/base', adapter: '/r/stages/train/t1/output' },
  outDir: '/r/stages/eval/e1',
  args: {},
  gpus: 1,
  python: '/envs/harness/bin/python',
  runnersDir: '/ablate/runners',
  harness: '/src/bigcode-evaluation-harness',
  ...over,
});

describe('bigcode task list', () => {
  it('is the harness ALL_TASKS at a recorded commit', () => {
    expect(BIGCODE_HARNESS_COMMIT).toMatch(/^[0-9a-f]{40}$/);
    expect(BIGCODE_TASKS).toHaveLength(144);
    expect(BIGCODE_TASKS).toContain('humaneval');
    expect(BIGCODE_TASKS).toContain('mbpp');
    expect(BIGCODE_TASKS).toContain('humanevalplus');
    expect(BIGCODE_TASKS).toContain('multiple-java');
    expect(BIGCODE_TASKS).toContain('multiple-cljcpp');
    expect(BIGCODE_TASKS).not.toContain('multiple-cpp');
    expect([...BIGCODE_TASKS]).toEqual([...BIGCODE_TASKS].sort());
  });
});

describe('checkBigcodeTasks', () => {
  it('accepts registered tasks', () => {
    expect(checkBigcodeTasks(['humaneval', 'mbpp', 'multiple-java'])).toEqual([]);
  });

  it('explains multiple-cpp (fused into multiple-cljcpp by the harness)', () => {
    const [issue] = checkBigcodeTasks(['multiple-cpp']);
    expect(issue?.task).toBe('multiple-cpp');
    expect(issue?.message).toContain("no task 'multiple-cpp'");
    expect(issue?.message).toContain('multiple-cljcpp');
    expect(issue?.suggestion).toContain('commas');
  });

  it('flags the fused names themselves, whose datasets do not exist', () => {
    expect(checkBigcodeTasks(['multiple-mlpl'])[0]?.message).toContain('humaneval-mlpl');
  });

  it('suggests the nearest name for a typo', () => {
    expect(checkBigcodeTasks(['humanevl'])[0]?.suggestion).toContain("'humaneval'");
  });

  it('rejects wildcards and comma lists (one stage per task)', () => {
    expect(checkBigcodeTasks(['multiple-*'])[0]?.message).toContain('wildcard');
    expect(checkBigcodeTasks(['humaneval,mbpp'])[0]?.suggestion).toContain('[humaneval, mbpp]');
  });

  it('refuses APPS at validation: its metric cannot score single problems, so no per-problem outcomes', () => {
    for (const task of ['apps-interview', 'apps-competition', 'apps-introductory']) {
      const [issue] = checkBigcodeTasks([task]);
      expect(issue?.message).toContain(`per-problem outcomes cannot be recovered for '${task}'`);
    }
  });

  it('asks for a prompt format for HumanEvalPack tasks', () => {
    expect(checkBigcodeTasks(['humanevalsynthesize-python'])[0]?.suggestion).toContain('eval.args.prompt');
    expect(checkBigcodeTasks(['humanevalsynthesize-python'], { prompt: 'instruct' })).toEqual([]);
  });
});

describe('checkBigcodeArgs', () => {
  it('accepts the harness arguments with the right types', () => {
    expect(checkBigcodeArgs('humaneval', { max_length_generation: 1024, precision: 'bf16', do_sample: false, postprocess: false })).toEqual([]);
  });
  it('rejects unknown, managed and mistyped arguments', () => {
    const issues = checkBigcodeArgs('humaneval', { max_len: 5, model: 'x', n_samples: 'ten', precision: 'fp8' });
    const messages = issues.map((i) => i.message).join('\n');
    expect(messages).toContain('eval.args.max_len is not an argument');
    expect(messages).toContain('eval.args.model is set by ablate');
    expect(messages).toContain('eval.args.n_samples: expected an integer');
    expect(messages).toContain('precision must be one of');
  });
  it('rejects batch_size > n_samples and greedy multi-sampling', () => {
    expect(checkBigcodeArgs('humaneval', { batch_size: 4 })[0]?.message).toContain('batch_size');
    expect(checkBigcodeArgs('humaneval', { n_samples: 10 })[0]?.suggestion).toContain('do_sample');
  });
});

describe('bigcodeArgs', () => {
  it('builds the greedy argument list with the adapter as --peft_model', () => {
    expect(bigcodeArgs(inv({ limit: 5 }))).toEqual([
      '--model', '/models/base',
      '--peft_model', '/r/stages/train/t1/output',
      '--tasks', 'humaneval',
      '--allow_code_execution',
      '--save_generations',
      '--save_generations_path', '/r/stages/eval/e1/generations.json',
      '--metric_output_path', '/r/stages/eval/e1/evaluation_results.json',
      '--batch_size', '1',
      '--do_sample', 'False',
      '--limit', '5',
      '--max_length_generation', '512',
      '--n_samples', '1',
      '--precision', 'bf16',
    ]);
  });

  it('loads the base at the revision the adapter was trained on (train.revision); merged weights need none', () => {
    const withRevision = bigcodeArgs(inv({ model: { base: 'org/base', adapter: '/t/output', revision: 'v1.1' } }));
    expect(withRevision.slice(0, 6)).toEqual(['--model', 'org/base', '--peft_model', '/t/output', '--revision', 'v1.1']);
    expect(withRevision.filter((a) => a === '--revision')).toHaveLength(1);
    expect(bigcodeArgs(inv({ model: { base: 'org/base', merged: '/t/merged', revision: 'v1.1' } }))).not.toContain('--revision');
    // An explicit eval.args.revision is the user's choice and is passed once.
    expect(bigcodeArgs(inv({ model: { base: 'org/base', adapter: '/t/output', revision: 'v1.1' }, args: { revision: 'main' } })).filter((a) => a === '--revision' || a === 'v1.1' || a === 'main')).toEqual(['--revision', 'main']);
  });

  it('uses the merged folder as --model and renders flags per argparse action', () => {
    const argv = bigcodeArgs(inv({ model: { base: '/b', merged: '/m' }, gpus: 0, args: { trust_remote_code: true, postprocess: false, left_padding: false, temperature: 0.2, do_sample: true } }));
    expect(argv.slice(0, 2)).toEqual(['--model', '/m']);
    expect(argv).not.toContain('--peft_model');
    expect(argv).toContain('--trust_remote_code');
    expect(argv).toContain('--postprocess');
    expect(argv).not.toContain('--left_padding');
    expect(argv.join(' ')).toContain('--do_sample True');
    expect(argv.join(' ')).toContain('--precision fp32');
    expect(argv.join(' ')).toContain('--temperature 0.2');
  });

  it('launches with accelerate and scores with score_generations.py, in a private TMPDIR', () => {
    const [launch, score] = bigcodeSteps(inv({ gpus: 2 }));
    expect(launch?.argv.slice(0, 12)).toEqual(['/envs/harness/bin/accelerate', ...accelerateLaunchArgs(2), '/src/bigcode-evaluation-harness/main.py']);
    expect(accelerateLaunchArgs(2)).toContain('--multi_gpu');
    expect(accelerateLaunchArgs(0)).toContain('--cpu');
    // Plans show a placeholder; a run passes the stage's short private folder, never one in the results tree.
    expect(launch?.env.TMPDIR).toBe('<private temp dir>');
    expect(bigcodeSteps(inv({ tmpDir: '/tmp/ablate-x1' }))[1]?.env.TMPDIR).toBe('/tmp/ablate-x1');
    expect(launch?.cwd).toBe('/r/stages/eval/e1');
    expect(score?.argv).toEqual([
      '/envs/harness/bin/python', '/ablate/runners/score_generations.py',
      '--harness', '/src/bigcode-evaluation-harness',
      '--task', 'humaneval',
      '--generations', bigcodeGenerationsPath('/r/stages/eval/e1', 'humaneval'),
      '--out', '/r/stages/eval/e1/per_problem.json',
    ]);
    expect(bigcodeGenerationsPath('/o', 'mbpp')).toBe('/o/generations_mbpp.json');
  });
});

describe('bigcode outputs', () => {
  const metricsJson = { humaneval: { 'pass@1': 0.5 }, config: { do_sample: false, n_samples: 1, precision: 'fp32', model: '/m', limit: 4, max_length_generation: 512 } };
  const perProblemJson = {
    task: 'humaneval',
    n_samples: 1,
    metric: 'pass@1',
    problems: [
      { id: 'HumanEval/0', passed: true, n_passed: 1 },
      { id: 'HumanEval/1', passed: false, n_passed: 0 },
    ],
  };

  it('parses metrics of the task and the config echo', () => {
    expect(parseBigcodeMetrics(metricsJson, 'humaneval')).toEqual({ metrics: { 'pass@1': 0.5 }, config: metricsJson.config });
    expect(() => parseBigcodeMetrics(metricsJson, 'mbpp')).toThrow(/no results for task 'mbpp' \(found: humaneval\)/);
  });

  it('combines metrics and per-problem outcomes into an EvalResult', () => {
    const result = bigcodeResult({ task: 'humaneval', metricsJson, perProblemJson, toolVersion: 'git:abc' });
    expect(result).toMatchObject({ tool: 'bigcode', task: 'humaneval', metrics: { 'pass@1': 0.5 }, n_samples: 1, tool_version: 'git:abc' });
    expect(result.problems).toEqual([{ id: 'HumanEval/0', passed: true }, { id: 'HumanEval/1', passed: false }]);
    expect(result.setup_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(bigcodeConsistencyWarning(result)).toBeUndefined();
    // The model path does not enter the setup hash; a decoding setting does.
    const moved = bigcodeResult({ task: 'humaneval', metricsJson: { ...metricsJson, config: { ...metricsJson.config, model: '/elsewhere' } }, perProblemJson, toolVersion: 'git:abc' });
    expect(moved.setup_hash).toBe(result.setup_hash);
    const longer = bigcodeResult({ task: 'humaneval', metricsJson: { ...metricsJson, config: { ...metricsJson.config, max_length_generation: 1024 } }, perProblemJson, toolVersion: 'git:abc' });
    expect(longer.setup_hash).not.toBe(result.setup_hash);
  });

  it('warns when the harness and the recovered outcomes disagree', () => {
    const result = bigcodeResult({ task: 'humaneval', metricsJson: { humaneval: { 'pass@1': 1 }, config: {} }, perProblemJson });
    expect(bigcodeConsistencyWarning(result)).toContain('harness pass@1 1.0000 but per-problem outcomes give 0.5000');
  });
});
