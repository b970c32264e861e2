/**
 * The README's spec reference documents every tool's eval.args and LLaMA-Factory's train.args from
 * the schemas the tool modules read, and those schemas agree with what really runs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { ablateDefaults, evalArgSpecs, userEvalArgs, type EvalTool } from '../../src/tools/evalArgs.js';
import { checkLocalTasks, localEffectiveArgs } from '../../src/tools/localEval/command.js';
import { RESERVED_ARGS } from '../../src/tools/llamafactory/check.js';
import { TRAIN_DEFAULTS } from '../../src/tools/llamafactory/config.js';
import { loadArgsSchema } from '../../src/tools/llamafactory/argsSchema.js';

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const reference = readme.slice(readme.indexOf('<!-- spec-reference:start'), readme.indexOf('<!-- spec-reference:end'));

function toolSection(tool: EvalTool): string {
  const start = reference.indexOf(`**\`eval.args\` of \`eval.tool: ${tool}\`**`);
  expect(start, tool).toBeGreaterThan(0);
  const next = reference.indexOf('**`', start + 10);
  return reference.slice(start, next < 0 ? undefined : next);
}

describe('tool arguments in the spec reference', () => {
  it("lists the local evaluator's max_new_tokens, timeout, workers, seed with the defaults it runs with", () => {
    const section = toolSection('local');
    const effective = localEffectiveArgs({ args: {} });
    for (const name of ['max_new_tokens', 'timeout', 'workers', 'seed']) {
      expect(section).toContain(`| \`${name}\` | ${name === 'timeout' ? 'number' : 'integer'} | \`${JSON.stringify(effective[name])}\` |`);
    }
  });

  it("the local evaluator's documented defaults are runners/local_eval.py's own argparse defaults", () => {
    const runner = readFileSync(path.join(repoRoot, 'runners', 'local_eval.py'), 'utf8');
    for (const [name, value] of Object.entries(ablateDefaults('local'))) {
      const m = new RegExp(`add_argument\\("--${name.replaceAll('_', '-')}", type=(int|float), default=([0-9.]+)`).exec(runner);
      expect(m, name).not.toBeNull();
      expect(Number(m![2]), name).toBe(value);
    }
  });

  it('every argument a spec may give each tool is in its table, and every managed one is named as set by ablate', () => {
    for (const tool of ['local', 'bigcode', 'evalplus', 'livecodebench'] as const) {
      const section = toolSection(tool);
      for (const name of userEvalArgs(tool)) expect(section, `${tool} ${name}`).toContain(`| \`${name}\` |`);
      for (const [name, spec] of Object.entries(evalArgSpecs(tool))) {
        if (spec['x-ablate-managed'] !== undefined) expect(section, `${tool} ${name}`).toMatch(new RegExp(`Set by ablate.*\`${name}\``));
      }
    }
    expect(toolSection('livecodebench')).toMatch(/\| `model` \| string \| \*\*required\*\* \|/);
  });

  it('the checks use the same table: an unknown or badly typed argument is refused', () => {
    const messages = checkLocalTasks(['t'], { problems: 'p.jsonl', args: { workers: 0, timeout: 'x', top_k: 3 } }).map((i) => i.message);
    expect(messages).toEqual([
      'eval.args.workers: expected a positive integer, got 0',
      'eval.args.timeout: expected a positive number, got "x"',
      'eval.args.top_k is not an argument of the local evaluator',
    ]);
  });

  it('train.args: every LLaMA-Factory argument is listed, and what ablate sets or defaults is said', () => {
    for (const name of Object.keys(loadArgsSchema().args)) expect(reference, name).toContain(`| \`${name}\` |`);
    const row = reference.split('\n').find((l) => l.startsWith('| `train.args` |'))!;
    for (const name of Object.keys(RESERVED_ARGS)) expect(row, name).toContain(name);
    for (const [name, value] of Object.entries(TRAIN_DEFAULTS)) expect(row, name).toContain(`${name}: ${String(value)}`);
  });
});
