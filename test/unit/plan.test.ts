import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { buildPlan } from '../../src/plan/build.js';
import { describePlan } from '../../src/plan/describe.js';
import { expandSweep, repeatSeed } from '../../src/spec/sweep.js';
import { repoRoot, runCli } from '../helpers/cli.js';

const rq2 = path.join(repoRoot, 'experiments/rq2-composition.yaml');

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ablate-plan-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const DATA = '{"instruction":"x","input":"","output":"y"}\n';

describe('sweep expansion', () => {
  it('takes the cartesian product of grid axes and the zip axis, minus excludes, plus includes, times repeats', () => {
    const runs = expandSweep({
      grid: { a: [1, 2], b: ['x', 'y', 'z'] },
      zip: { m: ['m1', 'm2'], t: ['t1', 't2'] },
      exclude: [{ a: 2, b: 'z' }],
      include: [{ a: 9 }],
      repeat: 2,
    });
    // (2·3 − 1) · 2 zipped + 1 include = 11 points, × 2 repeats
    expect(runs).toHaveLength(22);
    const points = runs.filter((r) => r.repeat === 1).map((r) => Object.fromEntries(r.overrides.map((o) => [o.path, o.value])));
    expect(points).toContainEqual({ a: 1, b: 'x', m: 'm1', t: 't1' });
    expect(points).toContainEqual({ a: 1, b: 'x', m: 'm2', t: 't2' });
    expect(points).not.toContainEqual({ a: 1, b: 'x', m: 'm1', t: 't2' });
    expect(points.filter((p) => p.a === 2 && p.b === 'z')).toHaveLength(0);
    expect(points).toContainEqual({ a: 9 });
  });

  it('derives repeat seeds: repeat 1 keeps the spec seed, later repeats differ and are stable', () => {
    expect(repeatSeed(42, 1)).toBe(42);
    expect(repeatSeed(42, 2)).not.toBe(42);
    expect(repeatSeed(42, 2)).toBe(repeatSeed(42, 2));
    expect(repeatSeed(42, 3)).not.toBe(repeatSeed(42, 2));
  });
});

describe('plan', () => {
  it('study B RQ2: 60 runs on 30 unique datasets, models share datasets', async () => {
    const plan = await buildPlan(rq2, { resultsRoot: '/tmp/ablate-results' });
    const d = describePlan(plan, () => 'pending');
    expect(d.runs).toHaveLength(60);
    expect(d.unique.materialize).toBe(30);
    expect(d.unique.train).toBe(60);
    expect(new Set(d.runs.map((r) => r.name)).size).toBe(60);
    const byDataset = new Map<string, Set<unknown>>();
    for (const r of plan.runs) {
      const key = r.stages[0]!;
      if (!byDataset.has(key)) byDataset.set(key, new Set());
      byDataset.get(key)!.add(r.axes['train.model']);
    }
    for (const models of byDataset.values()) expect(models.size).toBe(2);
  });

  it('ids do not depend on key order, whitespace, comments or anchors', async () => {
    const a = tree({
      'd.jsonl': DATA,
      'spec.yaml': `name: t\nseed: 7\nsources:\n  code: { path: d.jsonl, format: alpaca }\ndata:\n  source: code\n  size: 5\ntrain: { model: m/x, template: default, args: { learning_rate: 1.0e-4, max_steps: 3 } }\neval: { tool: bigcode, tasks: [humaneval] }\nsweep:\n  grid:\n    data.size: [5, 6]\n`,
    });
    const b = tree({
      'd.jsonl': DATA,
      'spec.yaml': `# reordered, with comments and an anchor\nsweep:\n  grid:\n    data.size: [5, 6]\neval: { tasks: [humaneval], tool: bigcode }\ntrain:\n  args: &a { max_steps: 3, learning_rate: 0.0001 }\n  template: default\n  model: m/x\ndata:\n  size: 5\n  source: code\nsources:\n  code:\n    format: alpaca\n    path: d.jsonl\nseed: 7\nname: t\n`,
    });
    const pa = describePlan(await buildPlan(path.join(a, 'spec.yaml'), { resultsRoot: '/r' }), () => 'pending');
    const pb = describePlan(await buildPlan(path.join(b, 'spec.yaml'), { resultsRoot: '/r' }), () => 'pending');
    expect(pb.runs.map((r) => [r.id, r.stages.map((s) => s.id)])).toEqual(pa.runs.map((r) => [r.id, r.stages.map((s) => s.id)]));
  });

  it('defaults written out or left implicit give the same ids; changed data changes them', async () => {
    const base = `name: t\nsources:\n  code: { path: d.jsonl }\ndata: { source: code }\ntrain: { model: m/x }\n`;
    const implicit = tree({ 'd.jsonl': DATA, 's.yaml': base });
    const explicit = tree({ 'd.jsonl': DATA, 's.yaml': base.replace('{ path: d.jsonl }', '{ path: d.jsonl, format: alpaca, domain: code }').replace('{ model: m/x }', '{ model: m/x, finetuning: lora, template: default }') + 'seed: 42\n' });
    const changed = tree({ 'd.jsonl': DATA.replace('y', 'z'), 's.yaml': base });
    const id = async (d: string) => (await buildPlan(path.join(d, 's.yaml'), { resultsRoot: '/r' })).runs[0]!.stages;
    expect(await id(explicit)).toEqual(await id(implicit));
    expect((await id(changed))[0]).not.toEqual((await id(implicit))[0]);
  });

  it('the same spec plans the same ids in two invocations of the CLI, and after reordering its keys', async () => {
    const dir = tree({});
    const doc = YAML.parse(readFileSync(rq2, 'utf8'));
    const reversed = Object.fromEntries(Object.entries(doc).reverse());
    writeFileSync(path.join(repoRoot, 'experiments', '.reordered-rq2.test.yaml'), YAML.stringify(reversed));
    try {
      const one = await runCli(['plan', rq2, '--json', '--results', dir]);
      const two = await runCli(['plan', rq2, '--json', '--results', dir]);
      const three = await runCli(['plan', path.join(repoRoot, 'experiments', '.reordered-rq2.test.yaml'), '--json', '--results', dir]);
      expect(one.exitCode).toBe(0);
      const ids = (s: string) => (JSON.parse(s) as { runs: Array<{ id: string; stages: Array<{ id: string }> }> }).runs.map((r) => [r.id, ...r.stages.map((x) => x.id)]).sort();
      expect(ids(two.stdout)).toEqual(ids(one.stdout));
      expect(ids(three.stdout)).toEqual(ids(one.stdout));
      const parsed = JSON.parse(one.stdout);
      expect(parsed.runs).toHaveLength(60);
      expect(parsed.unique.materialize).toBe(30);
      expect(parsed.runs[0].stages[0]).toMatchObject({ kind: 'materialize', status: 'pending' });
      expect(parsed.runs[0].stages[0].dir).toBe(path.join(dir, 'stages', 'materialize', parsed.runs[0].stages[0].id));
    } finally {
      (await import('node:fs')).rmSync(path.join(repoRoot, 'experiments', '.reordered-rq2.test.yaml'));
    }
  });

  it('repeats share one dataset when the data config does not depend on the seed, and not when it does', async () => {
    const dir = tree({ 'd.jsonl': DATA, 's.yaml': `name: t\nsources:\n  code: { path: d.jsonl }\ndata:\n  source: code\n  filter: { complexity: { keep: low } }\nsweep:\n  repeat: 3\n` });
    const plan = await buildPlan(path.join(dir, 's.yaml'), { resultsRoot: '/r' });
    expect(plan.runs).toHaveLength(3);
    expect(new Set(plan.runs.map((r) => r.stages[0])).size).toBe(1);
    const sampled = tree({ 'd.jsonl': DATA, 's.yaml': `name: t\nsources:\n  code: { path: d.jsonl }\ndata:\n  source: code\n  size: 1\nsweep:\n  repeat: 3\n` });
    const p2 = await buildPlan(path.join(sampled, 's.yaml'), { resultsRoot: '/r' });
    expect(new Set(p2.runs.map((r) => r.stages[0])).size).toBe(3);
  });

  it('relative paths in a base spec resolve from the base file, not from the spec that extends it', async () => {
    const dir = tree({ 'd.jsonl': DATA });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(dir, 'bases'));
    writeFileSync(path.join(dir, 'bases', 'b.yaml'), 'name: b\nsources:\n  code: { path: ../d.jsonl }\ndata: { source: code }\ntrain: { model: ./tiny, deepspeed: z2 }\n');
    mkdirSync(path.join(dir, 'bases', 'tiny'));
    mkdirSync(path.join(dir, 'specs'));
    writeFileSync(path.join(dir, 'specs', 's.yaml'), 'extends: ../bases/b.yaml\nname: s\n');
    const plan = await buildPlan(path.join(dir, 'specs', 's.yaml'), { resultsRoot: '/r' });
    const run = plan.runs[0]!;
    expect(run.config.sources.code!.path).toBe('../d.jsonl');
    expect(run.config.train!.model).toBe('../bases/tiny');
    expect(run.config.train!.deepspeed).toBe('z2');
    const mat = plan.stages.get(run.stages[0]!)!;
    expect((mat.inputs as { sources: { code: { absPath: string } } }).sources.code.absPath).toBe(path.join(dir, 'd.jsonl'));
  });

  it('study B RQ1 has 12 runs on 6 datasets', async () => {
    const plan = await buildPlan(path.join(repoRoot, 'experiments/kd-rq1-complexity.yaml'), { resultsRoot: '/r' });
    expect(plan.runs).toHaveLength(12);
    expect([...plan.stages.values()].filter((s) => s.kind === 'materialize')).toHaveLength(6);
  });

  it('every shipped spec is valid and starts with a yaml-language-server schema comment', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(path.join(repoRoot, 'experiments')).filter((f) => f.endsWith('.yaml')).map((f) => path.join('experiments', f));
    files.push(...readdirSync(path.join(repoRoot, 'experiments/base')).map((f) => path.join('experiments/base', f)));
    for (const f of files) expect(readFileSync(path.join(repoRoot, f), 'utf8').split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=(\.\.\/)+schemas\/experiment\.schema\.json$/);
    const r = await runCli(['validate', ...files]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });
});

describe('generated files', () => {
  it('types and the README spec reference are up to date with the schema', async () => {
    const { execa } = await import('execa');
    const r = await execa('node', ['scripts/generate.mjs', '--check'], { cwd: repoRoot, reject: false });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });
});
