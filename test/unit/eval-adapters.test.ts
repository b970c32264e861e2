import { describe, expect, it } from 'vitest';
import { evalSetupHash, meanPassAtK, passAtK, pythonFloat, type EvalInvocation } from '../../src/tools/evalCommon.js';
import { checkEvalplusTasks, evalplusResultsPath, evalplusSamplesPath, evalplusSteps } from '../../src/tools/evalplus/command.js';
import { evalplusResult } from '../../src/tools/evalplus/parse.js';
import { checkLcbTasks, lcbEvalAllName, lcbSteps } from '../../src/tools/livecodebench/command.js';
import { lcbResult } from '../../src/tools/livecodebench/parse.js';
import { checkLocalTasks, localSteps } from '../../src/tools/localEval/command.js';
import { localResult } from '../../src/tools/localEval/parse.js';

const inv = (tool: EvalInvocation['tool'], over: Partial<EvalInvocation> = {}): EvalInvocation => ({
  tool,
  task: 'humaneval',
  model: { base: '/models/base', merged: '/r/stages/train/t1/merged' },
  outDir: '/r/stages/eval/e1',
  args: {},
  gpus: 0,
  python: '/env/bin/python',
  runnersDir: '/ablate/runners',
  ...over,
});

describe('pass@k', () => {
  it('matches the unbiased estimator', () => {
    expect(passAtK(1, 1, 1)).toBe(1);
    expect(passAtK(1, 0, 1)).toBe(0);
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 12);
    expect(passAtK(10, 3, 5)).toBeCloseTo(1 - (7 * 6 * 5 * 4 * 3) / (10 * 9 * 8 * 7 * 6), 12);
    expect(meanPassAtK([{ n: 1, c: 1 }, { n: 1, c: 0 }])).toEqual({ 'pass@1': 0.5 });
    expect(Object.keys(meanPassAtK([{ n: 10, c: 1 }, { n: 10, c: 0 }]))).toEqual(['pass@1', 'pass@10']);
  });
  it('prints floats as Python does in file names', () => {
    expect(pythonFloat(0)).toBe('0.0');
    expect(pythonFloat(0.2)).toBe('0.2');
    expect(pythonFloat(1)).toBe('1.0');
  });
  it('setup hashes ignore key order and change with any argument', () => {
    const a = evalSetupHash({ tool: 'local', task: 't', args: { x: 1, y: 2 } });
    expect(evalSetupHash({ tool: 'local', task: 't', args: { y: 2, x: 1 } })).toBe(a);
    expect(evalSetupHash({ tool: 'local', task: 't', args: { x: 1, y: 3 } })).not.toBe(a);
    expect(evalSetupHash({ tool: 'local', task: 't', args: { x: 1, y: 2 }, toolVersion: '2' })).not.toBe(a);
  });
});

describe('EvalPlus', () => {
  it('names the samples file as run_codegen does', () => {
    // identifier = model.strip("./").replace("/", "--") + f"_{backend}_temp_{temperature}"
    expect(evalplusSamplesPath('/o/evalplus_results', 'humaneval', '/tmp/tinym', 'hf', 0)).toBe('/o/evalplus_results/humaneval/tmp--tinym_hf_temp_0.0.jsonl');
    expect(evalplusSamplesPath('/o/r', 'mbpp', './models/m/', 'vllm', 0.8)).toBe('/o/r/mbpp/models--m_vllm_temp_0.8.jsonl');
    expect(evalplusResultsPath('/o/r/humaneval/x_hf_temp_0.0.jsonl')).toBe('/o/r/humaneval/x_hf_temp_0.0_eval_results.json');
  });

  it('builds codegen + evaluate with the local dataset override', () => {
    const [codegen, evaluate] = evalplusSteps(inv('evalplus', { problems: '/data/HumanEvalPlus.jsonl' }));
    expect(codegen?.argv).toEqual([
      '/env/bin/python', '-m', 'evalplus.codegen',
      '--model', '/r/stages/train/t1/merged', '--dataset', 'humaneval', '--root', '/r/stages/eval/e1/evalplus_results',
      '--backend', 'hf', '--bs', '1', '--dtype', 'float32', '--greedy', 'True', '--n_samples', '1', '--temperature', '0.0',
    ]);
    expect(evaluate?.argv).toEqual([
      '/env/bin/python', '-m', 'evalplus.evaluate', '--dataset', 'humaneval',
      '--samples', '/r/stages/eval/e1/evalplus_results/humaneval/r--stages--train--t1--merged_hf_temp_0.0.jsonl',
    ]);
    expect(codegen?.env.HUMANEVAL_OVERRIDE_PATH).toBe('/data/HumanEvalPlus.jsonl');
    const [mbpp] = evalplusSteps(inv('evalplus', { task: 'mbpp', problems: '/data/MbppPlus.jsonl', limit: 3 }));
    expect(mbpp?.env.MBPP_OVERRIDE_PATH).toBe('/r/stages/eval/e1/problems.jsonl');
  });

  it('passes the dataset version to evaluate too (evaluate(version=...) picks the tests it scores against)', () => {
    // MBPP+ honours the version in both commands (0.3.1 data/mbpp.py); codegen alone would score v0.1.0 samples against the default tests.
    const [codegen, evaluate] = evalplusSteps(inv('evalplus', { task: 'mbpp', args: { version: 'v0.1.0', base_only: true } }));
    expect(codegen?.argv.join(' ')).toContain('--version v0.1.0');
    expect(evaluate?.argv.slice(3)).toEqual([
      '--dataset', 'mbpp',
      '--samples', '/r/stages/eval/e1/evalplus_results/mbpp/r--stages--train--t1--merged_hf_temp_0.0.jsonl',
      '--base_only', 'True', '--version', 'v0.1.0',
    ]);
  });

  it('needs merged weights', () => {
    expect(() => evalplusSteps(inv('evalplus', { model: { base: '/b', adapter: '/a' } }))).toThrow(/train.merge: true/);
  });

  it('checks tasks and arguments', () => {
    expect(checkEvalplusTasks(['humaneval', 'mbpp'])).toEqual([]);
    expect(checkEvalplusTasks(['humanevalplus'])[0]?.suggestion).toContain("use 'humaneval'");
    expect(checkEvalplusTasks(['humaneval'], { args: { greedy: 'yes', foo: 1 } }).map((i) => i.message)).toEqual([
      'eval.args.greedy: expected true or false, got "yes"',
      'eval.args.foo is not an EvalPlus codegen/evaluate argument ablate passes',
    ]);
    expect(checkEvalplusTasks(['humaneval'], { limit: 5 })[0]?.message).toContain('local problem file');
  });

  it('catches settings EvalPlus 0.3.1 accepts and then fails on or ignores', () => {
    // data/mbpp.py: assert mini is False (raised by evaluate, after all generation is done).
    expect(checkEvalplusTasks(['mbpp'], { args: { mini: true } })[0]?.message).toContain('no mini MBPP+');
    expect(checkEvalplusTasks(['humaneval'], { args: { mini: true } })).toEqual([]);
    // data/humaneval.py loads HUMANEVAL_PLUS_VERSION whatever version says.
    expect(checkEvalplusTasks(['humaneval'], { args: { version: 'v0.1.9' } })[0]?.message).toContain('ignores the version for humaneval');
    expect(checkEvalplusTasks(['mbpp'], { args: { version: 'v0.1.0' } })).toEqual([]);
  });

  it('parses eval_results.json per problem, base and plus', () => {
    const json = {
      date: '2026-11-22 02:00',
      hash: 'abc',
      eval: {
        'HumanEval/10': [{ task_id: 'HumanEval/10', solution: '', base_status: 'pass', plus_status: 'fail', base_fail_tests: [], plus_fail_tests: [[1]] }],
        'HumanEval/2': [{ task_id: 'HumanEval/2', solution: '', base_status: 'pass', plus_status: 'pass', base_fail_tests: [], plus_fail_tests: [] }],
        'HumanEval/3': [{ task_id: 'HumanEval/3', solution: '', base_status: 'timeout', plus_status: 'pass', base_fail_tests: [], plus_fail_tests: [] }],
      },
    };
    const r = evalplusResult({ task: 'humaneval', json, args: { greedy: true }, toolVersion: '0.3.1' });
    expect(r.problems).toEqual([
      { id: 'HumanEval/2', passed: true, plus: true },
      { id: 'HumanEval/3', passed: false, plus: false },
      { id: 'HumanEval/10', passed: true, plus: false },
    ]);
    expect(r.metrics['pass@1']).toBeCloseTo(2 / 3, 12);
    expect(r.metrics['plus_pass@1']).toBeCloseTo(1 / 3, 12);
    expect(r).toMatchObject({ tool: 'evalplus', n_samples: 1, tool_version: '0.3.1' });
  });

  it('leaves plus out with --base_only and counts samples', () => {
    const sample = (s: string) => ({ task_id: 'Mbpp/2', solution: '', base_status: s, plus_status: null, base_fail_tests: [], plus_fail_tests: [] });
    const r = evalplusResult({ task: 'mbpp', json: { eval: { 'Mbpp/2': [sample('fail'), sample('pass')] } }, args: {} });
    expect(r.problems).toEqual([{ id: 'Mbpp/2', passed: false, n_passed: 1 }]);
    expect(r.metrics).toEqual({ 'pass@1': 0.5 });
    expect(r.n_samples).toBe(2);
  });
});

describe('LiveCodeBench', () => {
  it('builds the runner command with the registered model and the local weights', () => {
    const [step] = lcbSteps(inv('livecodebench', { task: 'codegeneration', gpus: 2, args: { model: 'deepseek-ai/deepseek-coder-6.7b-instruct', release_version: 'release_v5', max_tokens: 2048 } }));
    expect(step?.argv).toEqual([
      '/env/bin/python', '-m', 'lcb_runner.runner.main',
      '--model', 'deepseek-ai/deepseek-coder-6.7b-instruct',
      '--local_model_path', '/r/stages/train/t1/merged',
      '--scenario', 'codegeneration', '--evaluate', '--tensor_parallel_size', '2',
      '--max_tokens', '2048', '--n', '1', '--release_version', 'release_v5', '--temperature', '0.0',
    ]);
    // It runs in the stage's private working folder (laid out like its clone), not in the stage folder.
    expect(step?.cwd).toBe('<private temp dir>');
    expect(lcbSteps(inv('livecodebench', { task: 'codegeneration', args: { model: 'm' }, tmpDir: '/tmp/ablate-a1' }))[0]?.cwd).toBe('/tmp/ablate-a1');
    expect(lcbEvalAllName(1, 0)).toBe('Scenario.codegeneration_1_0.0_eval_all.json');
  });

  it('checks the scenario and the registered model name', () => {
    expect(checkLcbTasks(['codegeneration'], { model: 'm' })).toEqual([]);
    const issues = checkLcbTasks(['selfrepair'], { local_model_path: '/x' });
    expect(issues.map((i) => i.message)).toEqual([
      "LiveCodeBench task 'selfrepair' is not supported",
      expect.stringContaining('needs eval.args.model'),
      'eval.args.local_model_path is set by ablate',
    ]);
  });

  // Written per insert_output_evaluation: instance fields + graded_list + pass@1 + metadata.
  const evalAll = [
    { question_title: 'A', question_content: '...', platform: 'atcoder', question_id: 'abc301_a', contest_id: 'abc301', contest_date: '2023-05-13T00:00:00', starter_code: '', difficulty: 'easy', output_list: ['x'], code_list: ['x'], graded_list: [true], 'pass@1': 1.0, metadata: ['{}'] },
    { question_title: 'B', question_content: '...', platform: 'leetcode', question_id: '2848', contest_id: 'weekly-contest-362', contest_date: '2023-09-10T00:00:00', starter_code: 'class Solution:', difficulty: 'medium', output_list: ['y'], code_list: ['y'], graded_list: [false], 'pass@1': 0.0, metadata: ['{"error_code": -2}'] },
  ];

  it('parses _eval_all.json per problem', () => {
    const r = lcbResult({ task: 'codegeneration', json: evalAll, args: { n: 1 } });
    expect(r.problems).toEqual([{ id: 'abc301_a', passed: true }, { id: '2848', passed: false }]);
    expect(r.metrics).toEqual({ 'pass@1': 0.5 });
    expect(r.n_samples).toBe(1);
  });

  it('counts samples and reports pass@5 when n >= 5', () => {
    const entry = { ...evalAll[0], graded_list: [false, true, false, false, false] };
    const r = lcbResult({ task: 'codegeneration', json: [entry], args: { n: 5 } });
    expect(r.problems).toEqual([{ id: 'abc301_a', passed: false, n_passed: 1 }]);
    expect(r.metrics['pass@1']).toBeCloseTo(0.2, 12);
    expect(r.metrics['pass@5']).toBe(1);
    expect(() => lcbResult({ task: 'codegeneration', json: [{ question_id: 'x' }], args: {} })).toThrow(/graded_list/);
  });
});

describe('local evaluator', () => {
  it('builds the runner command with base model + adapter', () => {
    const [step] = localSteps(inv('local', { task: 'quickstart', model: { base: '/m', adapter: '/a' }, problems: '/p.jsonl', limit: 3 }));
    expect(step?.argv).toEqual([
      '/env/bin/python', '/ablate/runners/local_eval.py',
      '--problems', '/p.jsonl', '--task', 'quickstart',
      '--out', '/r/stages/eval/e1/local_eval.json', '--generations-out', '/r/stages/eval/e1/generations.jsonl',
      '--model', '/m', '--adapter', '/a',
      '--limit', '3', '--max-new-tokens', '128', '--timeout', '10', '--workers', '2', '--seed', '0',
    ]);
    expect(step?.env.PYTHONUNBUFFERED).toBe('1');
  });

  it('loads the base at the revision the adapter was trained on', () => {
    const [step] = localSteps(inv('local', { task: 'q', model: { base: 'org/m', adapter: '/a', revision: 'v2' }, problems: '/p.jsonl' }));
    expect(step?.argv.join(' ')).toContain('--model org/m --adapter /a --revision v2');
  });

  it('checks the problem file and arguments', () => {
    expect(checkLocalTasks(['quickstart'], { problems: 'p.jsonl' })).toEqual([]);
    expect(checkLocalTasks(['quickstart'])[0]?.message).toContain('eval.problems');
    expect(checkLocalTasks(['a b'], { problems: 'p', args: { max_new_tokens: 0, temperature: 1 } }).map((i) => i.message)).toEqual([
      "local task name 'a b' must be letters, digits, '.', '_' or '-'",
      'eval.args.max_new_tokens: expected a positive integer, got 0',
      'eval.args.temperature is not an argument of the local evaluator',
    ]);
  });

  it('parses local_eval.py output', () => {
    const json = { task: 'quickstart', n_samples: 1, metrics: { 'pass@1': 0.5 }, problems: [{ id: 'Q/0', passed: true, status: 'pass' }, { id: 'Q/1', passed: false, status: 'timeout' }] };
    const r = localResult({ task: 'quickstart', json, args: { max_new_tokens: 128 } });
    expect(r).toMatchObject({ tool: 'local', task: 'quickstart', metrics: { 'pass@1': 0.5 }, n_samples: 1, problems: [{ id: 'Q/0', passed: true }, { id: 'Q/1', passed: false }] });
    expect(() => localResult({ task: 'q', json: { metrics: {} }, args: {} })).toThrow(/problems/);
  });
});
