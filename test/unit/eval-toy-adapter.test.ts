/**
 * The evaluation adapter interface is the only thing the eval stage knows about a tool: a fifth,
 * toy evaluator defined here is registered, validated, planned and run end to end (a real process
 * through the stage's command runner, outputs parsed into per-problem outcomes) without any change
 * elsewhere in src/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCompletion } from '../../src/exec/cache.js';
import { executeLocal } from '../../src/exec/local.js';
import type { StageRunners } from '../../src/exec/types.js';
import { buildPlan } from '../../src/plan/build.js';
import { describePlan } from '../../src/plan/describe.js';
import { defaultRunners } from '../../src/stages/runners.js';
import { attachCommands } from '../../src/tools/commands.js';
import { EVAL_COMMANDS_FILE, EVAL_RESULT_FILE, makeEvalStageRunner } from '../../src/tools/eval.js';
import { registerEvalAdapter, evalToolNames, type EvalAdapter } from '../../src/tools/evalAdapter.js';
import { dedupeIssues, readToolJson, resultFromGraded } from '../../src/tools/evalCommon.js';
import type { EvalResult } from '../../src/tools/evalResult.js';
import { toolRules } from '../../src/tools/rules.js';
import { repoRoot } from '../helpers/cli.js';

const TASKS = ['evens', 'thirds'];
// The toy tool "solves" problem i of task `evens` when i is even, of `thirds` when i % 3 == 0;
// it writes one graded sample per problem and its own version file, like a real harness would.
const TOY_SCRIPT = `
const [out, task, n] = process.argv.slice(1);
const fs = require('fs');
const problems = Array.from({ length: Number(n) }, (_, i) => ({ id: task + '/' + i, samples: [task === 'evens' ? i % 2 === 0 : i % 3 === 0] }));
console.log('scored ' + n + '/' + n);
fs.writeFileSync(require('path').join(out, 'toy-out.json'), JSON.stringify({ task, problems }));
`;

const toyAdapter: EvalAdapter = {
  name: 'toy',
  checkTasks: (tasks, opts) =>
    dedupeIssues([
      ...tasks.filter((t) => !TASKS.includes(t)).map((task) => ({ task, message: `toy has no task '${task}'`, suggestion: `use one of: ${TASKS.join(', ')}` })),
      ...Object.keys(opts.args ?? {}).filter((k) => k !== 'n').map((k) => ({ task: tasks[0] ?? '', message: `eval.args.${k} is not an argument of toy` })),
    ]),
  steps: (inv) => [{ argv: [inv.python, '-e', TOY_SCRIPT, inv.outDir, inv.task, String(inv.limit ?? inv.args.n ?? 6)], env: { TOY_SEED: '1' }, cwd: inv.outDir }],
  staleOutputs: ['toy-out.json'],
  parse(inv, toolVersion) {
    const json = readToolJson(path.join(inv.outDir, 'toy-out.json'), 'toy') as { problems: Array<{ id: string; samples: boolean[] }> };
    return resultFromGraded({ tool: 'toy', task: inv.task, problems: json.problems.map((p) => ({ id: p.id, graded: p.samples })), ks: [1], args: inv.args, ...(toolVersion ? { toolVersion } : {}) });
  },
  version: async () => 'toy-1.0',
};
registerEvalAdapter(toyAdapter);

const work = mkdtempSync(path.join(tmpdir(), 'ablate-toy-adapter-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function writeSpec(evalSection: string): string {
  const dir = mkdtempSync(path.join(work, 'spec-'));
  writeFileSync(path.join(dir, 'code.jsonl'), readFileSync(path.join(repoRoot, 'experiments/data/quickstart-code.jsonl')));
  const file = path.join(dir, 'toy.yaml');
  writeFileSync(
    file,
    [
      'name: toy-eval',
      'seed: 1',
      'sources:',
      '  code: { path: code.jsonl, format: alpaca }',
      'data:',
      '  source: code',
      '  size: 8',
      'train:',
      '  model: org/toy-base',
      '  template: default',
      '  finetuning: lora',
      '  gpus: 0',
      evalSection,
      '',
    ].join('\n'),
  );
  return file;
}

describe('a fifth evaluation adapter, defined in this test', () => {
  it('is registered beside the built-in four', () => {
    expect(evalToolNames()).toEqual(['bigcode', 'evalplus', 'livecodebench', 'local', 'toy']);
  });

  it('validation asks the adapter: an unknown task and argument point at the spec line; an unknown tool names the registered ones', async () => {
    const bad = writeSpec('eval:\n  tool: toy\n  tasks: [evens, nope]\n  args: { n: 4, temperature: 0.2 }\n  gpus: 0');
    const err = (await buildPlan(bad, { rules: toolRules }).then(() => undefined, (e: unknown) => e)) as Error & { exitCode?: number };
    expect(err?.exitCode).toBe(2);
    expect(err.message).toMatch(/toy\.yaml:15:\d+.*toy has no task 'nope'; use one of: evens, thirds/);
    expect(err.message).toMatch(/eval\.args\.temperature is not an argument of toy/);
    const unknown = writeSpec('eval:\n  tool: toys\n  tasks: [evens]\n  gpus: 0');
    const err2 = (await buildPlan(unknown, { rules: toolRules }).then(() => undefined, (e: unknown) => e)) as Error;
    expect(err2.message).toMatch(/toy\.yaml:14:\d+.*unknown eval tool 'toys'; use one of: bigcode, evalplus, livecodebench, local, toy/);
  });

  it('plans its stages with its exact command, and runs them: outputs parsed into per-problem outcomes, provenance recorded', async () => {
    const spec = writeSpec('eval:\n  tool: toy\n  tasks: [evens, thirds]\n  args: { n: 6 }\n  gpus: 0');
    const plan = await buildPlan(spec, { rules: toolRules, resultsRoot: path.join(work, 'results') });
    await attachCommands(plan);
    const evals = [...plan.stages.values()].filter((s) => s.kind === 'eval');
    expect(evals.map((s) => s.task)).toEqual(['evens', 'thirds']);
    const described = describePlan(plan).runs[0]!.stages.filter((s) => s.kind === 'eval');
    expect(described.map((s) => s.command?.argv.slice(1, 2).concat(s.command.argv.slice(3)))).toEqual([
      ['-e', path.join(plan.resultsRoot, 'stages/eval', evals[0]!.id), 'evens', '6'],
      ['-e', path.join(plan.resultsRoot, 'stages/eval', evals[1]!.id), 'thirds', '6'],
    ]);
    expect(described[0]!.command?.env).toEqual({ TOY_SEED: '1' });

    // Real materialize and the real eval stage; the training is a stand-in that leaves a LoRA adapter folder.
    const real = await defaultRunners();
    const runners: StageRunners = {
      materialize: real.materialize,
      train: async (ctx) => {
        mkdirSync(path.join(ctx.workDir, 'output'), { recursive: true });
        writeFileSync(path.join(ctx.workDir, 'output', 'adapter_config.json'), '{}');
      },
      eval: makeEvalStageRunner({ pythons: async () => ({ managed: process.execPath }) }),
    };
    const summary = await executeLocal(plan, runners, { cpuSlots: 2 });
    expect(summary.failures).toEqual([]);
    expect(summary.ran).toBe(4);
    const [evens, thirds] = evals.map((s) => JSON.parse(readFileSync(path.join(s.dir, EVAL_RESULT_FILE), 'utf8')) as EvalResult);
    expect(evens).toMatchObject({ tool: 'toy', task: 'evens', n_samples: 1, tool_version: 'toy-1.0', metrics: { 'pass@1': 0.5 } });
    expect(evens!.problems).toEqual([0, 1, 2, 3, 4, 5].map((i) => ({ id: `evens/${i}`, passed: i % 2 === 0 })));
    expect(thirds!.metrics['pass@1']).toBeCloseTo(2 / 6, 12);
    expect(thirds!.setup_hash).not.toBe(evens!.setup_hash);
    expect(readCompletion(evals[0]!)?.tools).toEqual({ toy: 'toy-1.0' });
    expect(JSON.parse(readFileSync(path.join(evals[0]!.dir, EVAL_COMMANDS_FILE), 'utf8'))[0].argv[0]).toBe(process.execPath);
    expect(readFileSync(path.join(evals[0]!.dir, 'ablate-stage.log'), 'utf8')).toContain('scored 6/6');

    // A retry starts clean: the adapter's stale outputs go before the tool runs again.
    writeFileSync(path.join(evals[1]!.dir, 'toy-out.json'), '{"problems": []}');
    expect(existsSync(path.join(evals[1]!.dir, 'toy-out.json'))).toBe(true);
    const again = await executeLocal(plan, runners, { cpuSlots: 2, force: ['eval'] });
    expect(again.ran).toBe(2);
    expect((JSON.parse(readFileSync(path.join(evals[1]!.dir, EVAL_RESULT_FILE), 'utf8')) as EvalResult).problems).toHaveLength(6);
  });
});
