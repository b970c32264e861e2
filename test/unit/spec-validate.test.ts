import { mkdtempSync, writeFileSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, beforeAll } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** A temp tree with a small valid data file; each case writes its own spec next to it. */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ablate-spec-'));
  writeFileSync(path.join(dir, 'code.jsonl'), '{"instruction":"Add two numbers","input":"","output":"def add(a, b):\\n    return a + b"}\n');
});

const VALID = `name: t
sources:
  code: { path: code.jsonl }
data:
  source: code
  size: 10
`;

function specFile(name: string, text: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Runs `ablate validate` and returns its exit code and the FILE:LINE:COL lines it printed. */
async function validate(name: string, text: string | Buffer) {
  const file = specFile(name, text);
  const before = readdirSync(dir).sort();
  const r = await runCli(['validate', file], { cwd: dir });
  // Bad input writes nothing.
  expect(readdirSync(dir).sort()).toEqual(before);
  return { ...r, lines: r.stderr.trim().split('\n') };
}

function expectLocated(lines: string[], file: string, line: number, col: number, pattern: RegExp) {
  const hit = lines.find((l) => l.startsWith(`${file}:${line}:${col}: `) && pattern.test(l));
  expect(hit, `expected ${file}:${line}:${col} matching ${pattern} in:\n${lines.join('\n')}`).toBeTruthy();
}

describe('ablate validate: bad input is reported as FILE:LINE:COL with exit code 2', () => {
  it('accepts a valid spec', async () => {
    const r = await runCli(['validate', specFile('ok.yaml', VALID)], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('YAML syntax error', async () => {
    const r = await validate('syntax.yaml', 'name: t\nsources: [a, b\ndata: {}\n');
    expect(r.exitCode).toBe(2);
    expect(r.lines[0]).toMatch(/^syntax\.yaml:\d+:\d+: YAML syntax error/);
  });

  it('duplicate keys', async () => {
    const r = await validate('dup.yaml', VALID.replace('data:\n', 'seed: 1\nseed: 2\ndata:\n'));
    expect(r.exitCode).toBe(2);
    expectLocated(r.lines, 'dup.yaml', 5, 1, /duplicate key `seed`: it appears twice/);
  });

  it('unknown key with the nearest valid one suggested', async () => {
    const r = await validate('unknown.yaml', VALID.replace('  size: 10', '  szie: 10'));
    expect(r.exitCode).toBe(2);
    expectLocated(r.lines, 'unknown.yaml', 6, 3, /unknown key `szie`; did you mean `size`\?/);
  });

  it('wrong type', async () => {
    const r = await validate('type.yaml', VALID.replace('size: 10', 'size: ten'));
    expect(r.exitCode).toBe(2);
    expectLocated(r.lines, 'type.yaml', 6, 9, /data\.size: must be an integer \(got "ten"\)/);
  });

  it('non-positive size', async () => {
    const r = await validate('size.yaml', VALID.replace('size: 10', 'size: 0'));
    expect(r.exitCode).toBe(2);
    expectLocated(r.lines, 'size.yaml', 6, 9, /data\.size: must be >= 1/);
  });

  it('ratios that do not sum to 1, and unknown groups', async () => {
    const r = await validate('ratio.yaml', `${VALID}  filter:\n    composition:\n      groups: { algorithmic: 0.7, practical: 0.2 }\n`);
    expect(r.exitCode).toBe(2);
    expectLocated(r.lines, 'ratio.yaml', 9, 15, /ratios sum to 0\.9, not 1/);
    const g = await validate('group.yaml', `${VALID}  filter:\n    composition:\n      groups: { algoritmic: 0.5, practical: 0.5 }\n`);
    expectLocated(g.lines, 'group.yaml', 9, 17, /unknown task-type group `algoritmic`; did you mean `algorithmic`\?/);
  });

  it('percentiles: not with thresholds, strictly ascending, in (0, 100), and keep counted against them', async () => {
    const both = await validate('pct-both.yaml', `${VALID}  filter:\n    complexity:\n      thresholds: [1, 2]\n      percentiles: [33, 66]\n      keep: low\n`);
    expect(both.exitCode).toBe(2);
    expectLocated(both.lines, 'pct-both.yaml', 10, 20, /data\.filter\.complexity\.percentiles: give either thresholds .* or percentiles .*, not both/);
    const order = await validate('pct-order.yaml', `${VALID}  filter:\n    diversity: { percentiles: [67, 34], keep: high }\n`);
    expect(order.exitCode).toBe(2);
    expectLocated(order.lines, 'pct-order.yaml', 8, 36, /percentiles must be strictly ascending \(34 follows 67\)/);
    const range = await validate('pct-range.yaml', `${VALID}  filter:\n    complexity: { percentiles: [50, 100], keep: 1 }\n`);
    expect(range.exitCode).toBe(2);
    expectLocated(range.lines, 'pct-range.yaml', 8, 37, /data\.filter\.complexity\.percentiles\.1: must be < 100/);
    // Two percentiles make three bins: `medium` is fine, bin 4 and a contradicting `levels` are not.
    expect((await validate('pct-ok.yaml', `${VALID}  filter:\n    diversity: { percentiles: [34, 67], keep: medium }\n`)).exitCode).toBe(0);
    const keep = await validate('pct-keep.yaml', `${VALID}  filter:\n    diversity: { levels: 5, percentiles: [50], keep: high }\n`);
    expect(keep.exitCode).toBe(2);
    expectLocated(keep.lines, 'pct-keep.yaml', 8, 26, /levels \(5\) disagrees with 1 percentiles, which make 2/);
    expectLocated(keep.lines, 'pct-keep.yaml', 8, 54, /`high` names one of three bins, but there are 2/);
    const bin = await validate('pct-bin.yaml', `${VALID}  filter:\n    complexity: { percentiles: [25, 50, 75], keep: 5 }\n`);
    expectLocated(bin.lines, 'pct-bin.yaml', 8, 52, /bin 5 does not exist: there are 4 complexity bins/);
    const greedy = await validate('pct-greedy.yaml', `${VALID}  filter:\n    diversity: { method: greedy, percentiles: [50], keep: high }\n`);
    expectLocated(greedy.lines, 'pct-greedy.yaml', 8, 47, /greedy selection .* has no score to cut/);
  });

  it('references to undefined sources', async () => {
    const r = await validate('src.yaml', VALID.replace('source: code', 'source: cod'));
    expect(r.exitCode).toBe(2);
    expectLocated(r.lines, 'src.yaml', 5, 11, /unknown source `cod`; did you mean `code`\?/);
  });

  it('local files that do not exist', async () => {
    const r = await validate('file.yaml', VALID.replace('code.jsonl', 'missing.jsonl'));
    expect(r.exitCode).toBe(2);
    expectLocated(r.lines, 'file.yaml', 3, 17, /source file `missing\.jsonl` not found/);
  });

  it('sweep paths that do not exist', async () => {
    const r = await validate('sweeppath.yaml', `${VALID}sweep:\n  grid:\n    data.filter.complexty.keep: [low, high]\n`);
    expect(r.exitCode).toBe(2);
    expectLocated(r.lines, 'sweeppath.yaml', 9, 5, /sweep path `data\.filter\.complexty\.keep` does not exist: no `complexty` under `data\.filter`; did you mean `complexity`\?/);
  });

  it('sweep values that do not validate against the target schema', async () => {
    const r = await validate('sweepval.yaml', `${VALID}sweep:\n  grid:\n    data.size: [10, -5, many]\n`);
    expect(r.exitCode).toBe(2);
    expectLocated(r.lines, 'sweepval.yaml', 9, 21, /must be >= 1/);
    expectLocated(r.lines, 'sweepval.yaml', 9, 25, /must be an integer/);
  });

  it('unequal zip lists', async () => {
    const r = await validate('zip.yaml', `${VALID}sweep:\n  zip:\n    data.size: [1, 2]\n    seed: [1]\n`);
    expect(r.exitCode).toBe(2);
    expectLocated(r.lines, 'zip.yaml', 9, 5, /zip lists must have equal lengths/);
  });

  it('evaluation task names the tool does not have, with a hint', async () => {
    const r = await validate('task.yaml', `${VALID}train: { model: m/x }\neval:\n  tool: bigcode\n  tasks: [humaneval, multiple-cpp]\n`);
    expect(r.exitCode).toBe(2);
    expectLocated(r.lines, 'task.yaml', 10, 22, /eval\.tasks\.1: .*no task 'multiple-cpp'.*cljcpp/);
  });

  it('train.args keys LLaMA-Factory does not accept, and keys ablate sets itself', async () => {
    const r = await validate('args.yaml', `${VALID}train:\n  model: m/x\n  template: deepseak\n  args: { learning_rat: 0.1, output_dir: x }\n`);
    expect(r.exitCode).toBe(2);
    expectLocated(r.lines, 'args.yaml', 9, 13, /unknown LLaMA-Factory template `deepseak`.*did you mean `deepseek`\?/);
    expectLocated(r.lines, 'args.yaml', 10, 11, /unknown LLaMA-Factory 0\.9\.5 argument `learning_rat`; did you mean `learning_rate`\?/);
    expectLocated(r.lines, 'args.yaml', 10, 30, /`output_dir` is set by ablate/);
  });

  it('a top level that is not a mapping', async () => {
    const r = await validate('list.yaml', '- a\n- b\n');
    expect(r.exitCode).toBe(2);
    expectLocated(r.lines, 'list.yaml', 1, 1, /top level of a spec must be a mapping/);
  });

  it('empty files', async () => {
    const r = await validate('empty.yaml', '# only a comment\n\n');
    expect(r.exitCode).toBe(2);
    expectLocated(r.lines, 'empty.yaml', 1, 1, /file is empty/);
  });

  it('non-UTF-8 files', async () => {
    const r = await validate('latin1.yaml', Buffer.concat([Buffer.from('name: t\ndescription: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    expect(r.exitCode).toBe(2);
    expectLocated(r.lines, 'latin1.yaml', 2, 17, /not valid UTF-8/);
  });

  it('alias bombs are bounded, not hanging', async () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const started = Date.now();
    const r = await validate('bomb.yaml', `${levels.join('\n')}\n${VALID}`);
    expect(r.exitCode).toBe(2);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.stderr).toMatch(/bomb\.yaml:1:1: too many alias expansions/);
  });

  it('oversized files are refused before parsing', async () => {
    const r = await validate('huge.yaml', `${VALID}description: "${'x'.repeat(1024 * 1024)}"\n`);
    expect(r.exitCode).toBe(2);
    expectLocated(r.lines, 'huge.yaml', 1, 1, /specs are limited to/);
  });

  it('an extends cycle', async () => {
    specFile('cycle-b.yaml', 'extends: cycle-a.yaml\n' + VALID);
    const r = await validate('cycle-a.yaml', 'extends: cycle-b.yaml\n' + VALID);
    expect(r.exitCode).toBe(2);
    expectLocated(r.lines, 'cycle-b.yaml', 1, 10, /extends cycle: cycle-a\.yaml → cycle-b\.yaml → cycle-a\.yaml/);
  });

  it('errors in a base spec name the base file', async () => {
    mkdirSync(path.join(dir, 'base'), { recursive: true });
    specFile('base/b.yaml', 'name: b\nsources:\n  code: { path: ../code.jsonl }\ndata:\n  source: code\ntrain:\n  model: m\n  finetunig: lora\n');
    const r = await validate('child.yaml', 'extends: base/b.yaml\nname: child\n');
    expect(r.exitCode).toBe(2);
    expectLocated(r.lines, path.join('base', 'b.yaml'), 8, 3, /unknown key `finetunig`; did you mean `finetuning`\?/);
  });

  it('reports every problem at once', async () => {
    const r = await validate('many.yaml', 'name: t\nsources:\n  code: { path: nope.jsonl, fromat: alpaca }\ndata:\n  source: other\n  size: -1\n');
    expect(r.exitCode).toBe(2);
    expect(r.lines.length).toBeGreaterThanOrEqual(2);
  });

  it('file not found is a usage error', async () => {
    const r = await runCli(['validate', path.join(dir, 'nope.yaml')], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/nope\.yaml:1:1: file not found/);
  });

  it('writes no output folder', () => {
    expect(existsSync(path.join(dir, 'results'))).toBe(false);
  });
});
