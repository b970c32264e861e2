import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateResults, columnsOf, resultsFromPlan, type ResultsView } from '../../src/results/aggregate.js';
import { collectResults, type RunRow } from '../../src/results/collect.js';
import type { EvalResult } from '../../src/tools/evalResult.js';
import { mainTable, pivotView, renderMarkdown, renderResults } from '../../src/results/table.js';
import { validateSpec } from '../../src/spec/validate.js';
import { runCli } from '../helpers/cli.js';
import { makeFixture, SETUP, type Fixture, withSizeAxis } from './results-fixture.js';

let fx: Fixture;
let view: ResultsView;

beforeAll(async () => {
  fx = await makeFixture();
  view = resultsFromPlan(fx.plan, { spec: validateSpec(fx.specFile).spec });
});
afterAll(() => fx && rmSync(fx.dir, { recursive: true, force: true }));

const arm = (keep: string) => view.arms.find((a) => a.axes['data.filter.complexity.keep'] === keep)!;

describe('collectResults', () => {
  it('reads one row per run with percent metrics, sizes, losses and provenance', () => {
    const c = collectResults(fx.plan);
    expect(c.rows).toHaveLength(6);
    expect(c.tasks).toEqual(['humaneval', 'mbpp']);
    const lowR1 = c.rows.find((r) => r.arm === 'complexity=low' && r.repeat === 1)!;
    expect(lowR1.cells['humaneval.pass@1']).toMatchObject({ value: 40, source: { kind: 'eval', setupHash: SETUP, toolVersion: '0.1.0' } });
    const src = lowR1.cells['humaneval.pass@1']!.source!;
    expect(src.file).toBe(path.join(fx.plan.stages.get(src.stage)!.dir, 'result.json'));
    expect(lowR1.cells['dataset.size']).toMatchObject({ value: 30, source: { kind: 'materialize' } });
    expect(lowR1.cells['train.loss']).toMatchObject({ value: 1.21 });
    expect(lowR1.curve?.points).toHaveLength(4);
    expect(lowR1.datacard?.card.size).toBe(30);
    const highR1 = c.rows.find((r) => r.arm === 'complexity=high' && r.repeat === 1)!;
    expect(highR1.cells['train.loss']).toMatchObject({ value: 1.01, source: { kind: 'train', tool: 'llamafactory', toolVersion: '0.9.3' } });
    expect(highR1.curve?.points[0]).toEqual({ step: 1, loss: 2.01, lr: 0.001, epoch: 0.25 });
  });

  it('missing cells carry the reason: failed training, pending eval', () => {
    const c = collectResults(fx.plan);
    const medR2 = c.rows.find((r) => r.arm === 'complexity=medium' && r.repeat === 2)!;
    expect(medR2.cells['train.loss']).toMatchObject({ value: null, reason: 'train stage failed: llamafactory-cli exited with code 1' });
    expect(medR2.cells['humaneval.pass@1']).toMatchObject({ value: null, reason: 'eval stage pending' });
    const highR2 = c.rows.find((r) => r.arm === 'complexity=high' && r.repeat === 2)!;
    expect(highR2.cells['mbpp.pass@1']).toMatchObject({ value: null, reason: 'eval stage pending' });
  });

  it('a materialize folder with a manifest but no completion record (bundle without data) says so', async () => {
    const f = await makeFixture();
    try {
      const mat = f.plan.stages.get(f.plan.runs[0]!.stages[0]!)!;
      rmSync(path.join(mat.dir, 'ablate-stage.json'));
      const row = collectResults(f.plan).rows[0]!;
      expect(row.cells['dataset.size']).toMatchObject({ value: null, reason: 'materialize stage not run here: its folder has manifest.json but no data (a bundle exported without --with-data?)' });
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });

  it('a done stage whose file is deleted or damaged is a missing cell flagged UNTRUSTED (never the edited value), not a crash', async () => {
    const f = await makeFixture();
    try {
      const run = f.plan.runs[0]!;
      const ev = f.plan.stages.get(run.stages[2]!)!;
      rmSync(path.join(ev.dir, 'result.json'));
      writeFileSync(path.join(f.plan.stages.get(run.stages[1]!)!.dir, 'metrics.json'), '{broken');
      const row = collectResults(f.plan).rows[0]!;
      expect(row.cells['humaneval.pass@1']).toMatchObject({ value: null, reason: expect.stringMatching(/^UNTRUSTED: eval stage \w+: result\.json is missing; `ablate run` redoes it/) });
      expect((row.cells['train.loss'] as { reason: string }).reason).toMatch(/^UNTRUSTED: train stage \w+: metrics\.json has 7 bytes, its completion record says \d+/);
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });
});

describe('aggregation', () => {
  it('one row per arm; repeats as mean ± sd with n', () => {
    expect(view.arms.map((a) => a.arm)).toEqual(['complexity=low', 'complexity=medium', 'complexity=high']);
    const low = arm('low').cells['humaneval.pass@1']!;
    expect(low.mean).toBe(45);
    expect(low.sd).toBeCloseTo(7.0711, 4);
    expect(low.n).toBe(2);
    const med = arm('medium').cells['humaneval.pass@1']!;
    expect([med.mean, med.sd, med.n, med.of]).toEqual([55, null, 1, 2]);
    expect(med.missing).toEqual([{ run: 'complexity=medium,r2', repeat: 2, reason: 'eval stage pending' }]);
  });

  it('deltas vs the baseline arm in percentage points', () => {
    expect(view.baseline.arm).toBe('complexity=low');
    expect(arm('low').isBaseline).toBe(true);
    expect(arm('high').delta['humaneval.pass@1']).toBeCloseTo(17.5, 10);
    expect(arm('medium').delta['humaneval.pass@1']).toBeCloseTo(10, 10);
    expect(arm('low').delta['humaneval.pass@1']).toBe(0);
  });

  it('checks reference numbers against the tolerance', () => {
    expect(view.tolerance).toBe(3);
    expect(view.references).toEqual([
      { armSelector: { 'data.filter.complexity.keep': 'high' }, metric: 'humaneval.pass@1', reference: 60, note: 'Table 3', arm: 'complexity=high', observed: 62.5, diff: 2.5, ok: true },
      { armSelector: { 'data.filter.complexity.keep': 'medium' }, metric: 'humaneval.pass@1', reference: 10, arm: 'complexity=medium', observed: 55, diff: 45, ok: false },
    ]);
  });

  it('paired statistics vs the baseline: by repeat, McNemar per configuration, seeded bootstrap CI', () => {
    const high = view.stats.find((s) => s.arm === 'complexity=high' && s.task === 'humaneval')!;
    expect(high.configs.map((c) => [c.a, c.b, c.a_only, c.b_only, c.diff])).toEqual([
      ['complexity=high r1', 'complexity=low r1', 5, 0, 25],
      ['complexity=high r2', 'complexity=low r2', 2, 0, 10],
    ]);
    expect(high.mean_diff).toBeCloseTo(17.5, 10);
    expect(high.pass_arm).toBeCloseTo(62.5, 10);
    expect(high.pass_baseline).toBeCloseTo(45, 10);
    expect(high.ci![0]).toBeGreaterThan(0);
    expect(high.ci![0]).toBeLessThanOrEqual(17.5);
    expect(high.ci![1]).toBeGreaterThanOrEqual(17.5);
    expect(high.configs[0]!.p).toBeCloseTo(2 * 0.5 ** 5 - 0.5 ** 5, 12); // mid-p of 5 vs 0
    // Same seed, same interval.
    const again = resultsFromPlan(fx.plan, { spec: validateSpec(fx.specFile).spec });
    expect(again.stats.find((s) => s.arm === 'complexity=high' && s.task === 'humaneval')!.ci).toEqual(high.ci);
    // medium r2 has no outcomes: only r1 pairs; high r2 mbpp pending: only r1 pairs.
    expect(view.stats.find((s) => s.arm === 'complexity=medium' && s.task === 'humaneval')!.total).toBe(1);
    expect(view.stats.find((s) => s.arm === 'complexity=high' && s.task === 'mbpp')!.total).toBe(1);
  });

  it('adjusts every paired test of the view as one family (Holm by default, BH on request)', () => {
    const configs = view.stats.flatMap((s) => s.configs);
    expect(view.statsSettings).toMatchObject({ adjustment: 'holm', family: configs.length });
    expect(configs.length).toBeGreaterThan(2);
    const byHand = [...configs].sort((a, b) => a.p - b.p);
    // The smallest raw p is multiplied by the family size (Holm's first step), capped at 1.
    expect(byHand[0]!.p_adjusted).toBeCloseTo(Math.min(1, byHand[0]!.p * configs.length), 12);
    for (const c of configs) expect(c.p_adjusted).toBeGreaterThanOrEqual(c.p);
    for (const s of view.stats) expect(s.significant_adjusted).toBe(s.configs.filter((c) => c.p_adjusted < view.statsSettings.alpha).length);
    const bh = resultsFromPlan(fx.plan, { spec: validateSpec(fx.specFile).spec, adjustment: 'bh' });
    expect(bh.statsSettings.adjustment).toBe('bh');
    bh.stats.flatMap((s) => s.configs).forEach((c, i) => expect(c.p_adjusted).toBeLessThanOrEqual(configs[i]!.p_adjusted + 1e-15));
    // Raw values do not move.
    expect(bh.stats.flatMap((s) => s.configs.map((c) => c.p))).toEqual(configs.map((c) => c.p));
  });

  it('never mixes evaluation setups: separate columns, no pairing across setups', async () => {
    const f = await makeFixture({ setupFor: (task, a) => (task === 'humaneval' && a === 'high' ? 'ffff000011112222' : SETUP) });
    try {
      const v = resultsFromPlan(f.plan, { spec: validateSpec(f.specFile).spec });
      const keys = v.columns.map((c) => c.key);
      expect(keys).toContain(`humaneval.pass@1#${SETUP}`);
      expect(keys).toContain('humaneval.pass@1#ffff000011112222');
      expect(v.warnings.some((w) => /humaneval was evaluated under 2 different setups/.test(w))).toBe(true);
      const high = v.arms.find((a) => a.arm === 'complexity=high')!;
      expect(high.cells[`humaneval.pass@1#${SETUP}`]!.mean).toBeNull();
      expect(high.cells['humaneval.pass@1#ffff000011112222']!.mean).toBe(62.5);
      const s = v.stats.filter((x) => x.arm === 'complexity=high' && x.task === 'humaneval');
      expect(s.every((x) => x.mean_diff === null && /never paired/.test(x.reason!))).toBe(true);
      const ref = v.references.find((r) => r.arm === 'complexity=high')!;
      expect(ref.observed).toBe(62.5);
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });
});

describe('report section variants', () => {
  it('a reference selector that matches several arms is not compared with any of them', async () => {
    const f = await makeFixture({
      editSpec: withSizeAxis,
    });
    try {
      const v = resultsFromPlan(f.plan, { spec: validateSpec(f.specFile).spec });
      const high = v.references.find((r) => r.armSelector['data.filter.complexity.keep'] === 'high')!;
      expect(high).toMatchObject({ arm: null, observed: null, diff: null, ok: null });
      expect(high.reason).toMatch(/^\{"data\.filter\.complexity\.keep":"high"\} matches 2 arms \(.*\); name more axes to pick one$/);
      expect(renderResults(v, 'table')).toContain('matches 2 arms');
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });

  it('results with only aggregate metrics give no paired statistics, and say why (never NaN)', () => {
    const result = (pass: number): EvalResult => ({ tool: 'livecodebench', task: 'lcb', metrics: { 'pass@1': pass }, problems: [], n_samples: 1, setup_hash: 'abc' });
    const row = (keep: string, pass: number): RunRow => ({
      run: keep,
      name: `complexity=${keep}`,
      arm: `complexity=${keep}`,
      axes: { 'data.filter.complexity.keep': keep },
      repeat: 1,
      cells: { 'lcb.pass@1': { value: pass * 100, source: { stage: `e-${keep}`, kind: 'eval', file: `/r/${keep}/result.json`, setupHash: 'abc' } } },
      evals: [{ task: 'lcb', stage: `e-${keep}`, result: result(pass), file: `/r/${keep}/result.json` }],
      stages: { eval: { lcb: `e-${keep}` } },
    });
    const collected = { experiment: 'x', resultsRoot: '/r', specFile: '/s.yaml', rows: [row('low', 0.3), row('high', 0.4)], tasks: ['lcb'] };
    const v = aggregateResults(collected, { report: { baseline: { 'data.filter.complexity.keep': 'low' } } });
    expect(v.arms.find((a) => a.arm === 'complexity=high')!.delta['lcb.pass@1']).toBeCloseTo(10, 10);
    expect(v.stats).toHaveLength(1);
    expect(v.stats[0]).toMatchObject({ mean_diff: null, ci: null, configs: [], reason: "the arm's lcb results have no per-problem outcomes (only aggregate metrics), so they cannot be paired" });
    expect(renderResults(v, 'table')).not.toContain('NaN');
  });

  it('report.metrics: a dotted task name wins over a shorter task that prefixes it', () => {
    const collected = { experiment: 'x', resultsRoot: '/r', specFile: '/s.yaml', rows: [], tasks: ['lcb', 'lcb.easy'] };
    const { columns, warnings } = columnsOf(collected, { metrics: ['lcb.easy.pass@1', 'lcb.pass@1'] });
    expect(columns.filter((c) => c.task !== undefined).map((c) => [c.task, c.key])).toEqual([
      ['lcb.easy', 'lcb.easy.pass@1'],
      ['lcb', 'lcb.pass@1'],
    ]);
    expect(warnings).toEqual([]);
  });

  it('report.metrics picks the metric columns; an unknown metric is a warning', async () => {
    const f = await makeFixture({ editSpec: (s) => s.replace('  tolerance: 3\n', '  tolerance: 3\n  metrics: [mbpp.pass@1, livecodebench.pass@1]\n') });
    try {
      const v = resultsFromPlan(f.plan, { spec: validateSpec(f.specFile).spec });
      expect(v.columns.map((c) => c.key)).toEqual(['dataset.size', 'train.loss', 'mbpp.pass@1']);
      expect(v.warnings.some((w) => w.includes('"livecodebench.pass@1"'))).toBe(true);
      expect(v.stats.every((s) => s.task === 'mbpp')).toBe(true);
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });

  it('repeats that share every stage (deterministic data selection) count once, with a warning', async () => {
    const f = await makeFixture({ editSpec: (s) => s.replace('  size: 20\n', '') });
    try {
      const v = resultsFromPlan(f.plan, { spec: validateSpec(f.specFile).spec });
      const low = v.arms.find((a) => a.arm === 'complexity=low')!;
      expect(low.runs).toHaveLength(2);
      expect(low.cells['humaneval.pass@1']).toMatchObject({ n: 1, of: 1, sd: null });
      expect(v.warnings).toContain('repeats that share every stage (the data selection does not depend on the seed) are counted once: complexity=low (r2 = r1); complexity=medium (r2 = r1); complexity=high (r2 = r1)');
      expect(v.stats.filter((s) => s.task === 'humaneval').every((s) => s.total === 1)).toBe(true);
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });

  it('EvalPlus: plus_pass@1 column and paired statistics on the extended-test outcomes', async () => {
    const f = await makeFixture({ plus: true });
    try {
      const v = resultsFromPlan(f.plan, { spec: validateSpec(f.specFile).spec });
      expect(v.columns.map((c) => c.key)).toEqual(['dataset.size', 'train.loss', 'humaneval.pass@1', 'humaneval.plus_pass@1', 'mbpp.pass@1', 'mbpp.plus_pass@1']);
      const high = v.arms.find((a) => a.arm === 'complexity=high')!;
      expect(high.cells['humaneval.plus_pass@1']!.mean).toBeCloseTo(52.5, 10);
      const plus = v.stats.find((s) => s.arm === 'complexity=high' && s.metric === 'humaneval.plus_pass@1')!;
      expect(plus.configs.map((c) => [c.pass_a, c.pass_b])).toEqual([[55, 30], [50, 40]]);
      expect(renderResults(v, 'table')).toMatch(/│ complexity=high\s+│ complexity=low\s+│ humaneval\.plus_pass@1 │/);
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });

  it('without a matching baseline: no deltas or statistics, and the table says why', async () => {
    const f = await makeFixture({ editSpec: (s) => s.replace('baseline: { data.filter.complexity.keep: low }', 'baseline: { data.filter.complexity.keep: extreme }') });
    try {
      const v = resultsFromPlan(f.plan, { spec: validateSpec(f.specFile).spec });
      expect(v.baseline).toEqual({ selector: { 'data.filter.complexity.keep': 'extreme' }, arm: null, reason: 'no arm matches report.baseline {"data.filter.complexity.keep":"extreme"}' });
      expect(v.stats).toEqual([]);
      const out = renderResults(v, 'table');
      expect(out).not.toContain('Δ ');
      expect(out).toContain('baseline: none (no arm matches report.baseline');
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });
});

describe('formats', () => {
  it('terminal table: mean ± sd (n), missing as -, deltas, stats and reference tables, notes', () => {
    const out = renderResults(view, 'table');
    expect(out).toContain('45.00 ± 7.07 (n=2)');
    expect(out).toContain('55.00 (n=1/2)');
    expect(out).toContain('+17.50');
    expect(out).toContain('baseline');
    expect(out).toMatch(/Paired statistics \(500 bootstrap resamples of problems, seed 0; Holm over \d+ tests\)/);
    expect(out).toMatch(/Against published numbers \(tolerance ±3 pp\)/);
    expect(out).toContain('✗');
    expect(out).toContain(`humaneval evaluation setup: ${SETUP.slice(0, 12)} (local 0.1.0)`);
    expect(out).toMatch(/missing values \(-\): .*train stage failed: llamafactory-cli exited with code 1/);
    // The missing mbpp value of high r2 still leaves a mean; a column with no value at all shows '-'.
    const main = mainTable(view);
    const med = main.rows[1]!;
    expect(med[main.head.indexOf('train loss')]).toBe('1.1100 (n=1/2)');
  });

  it('markdown: pipes tables with right-aligned numbers', () => {
    const md = renderResults(view, 'md');
    expect(md).toContain('### fixture: results by arm');
    expect(md).toMatch(/\| complexity \| runs \| size \| train loss \| humaneval\.pass@1 % \| Δ humaneval\.pass@1 pp \|/);
    expect(md).toMatch(/\|---\|---:\|---:\|/);
    expect(md).toContain('| low | 2 | 30.5 ± 0.7 (n=2) |');
  });

  it('markdown: text from specs cannot inject HTML or break the table', () => {
    const md = renderMarkdown([{ title: 'a <b>', head: ['x|y'], align: ['left'], rows: [['<img src=x onerror=alert(1)>\nnext & more']] }], ['note <script>']);
    expect(md).not.toMatch(/<img|<script|<b>/);
    expect(md).toContain('| &lt;img src=x onerror=alert(1)&gt;<br>next &amp; more |');
    expect(md).toContain('| x\\|y |');
    expect(md).toContain('- note &lt;script&gt;');
  });

  it('csv: plain numbers in mean/sd/n/delta columns, - for missing', () => {
    const rows = parse(renderResults(view, 'csv'), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(3);
    const [low, med, high] = rows as [Record<string, string>, Record<string, string>, Record<string, string>];
    expect(low['data.filter.complexity.keep']).toBe('low');
    expect(low['baseline']).toBe('true');
    expect(low['humaneval.pass@1']).toBe('45');
    expect(Number(low['humaneval.pass@1.sd'])).toBeCloseTo(7.071068, 5);
    expect(low['humaneval.pass@1.n']).toBe('2');
    expect(high['humaneval.pass@1.delta']).toBe('17.5');
    expect(med['humaneval.pass@1.sd']).toBe('-');
    expect(med['humaneval.setup']).toBe(SETUP);
  });

  it('json: numbers with provenance, missing values with reasons', () => {
    const j = JSON.parse(renderResults(view, 'json')) as {
      arms: Array<{ arm: string; cells: Record<string, { mean: number | null; missing: { reason: string }[]; sources: { stage: string; file: string }[] }> }>;
      runs: Array<{ name: string; cells: Record<string, { value: number | null; reason?: string }> }>;
      references: unknown[];
      stats: unknown[];
    };
    const med = j.arms.find((a) => a.arm === 'complexity=medium')!;
    expect(med.cells['humaneval.pass@1']!.missing[0]!.reason).toBe('eval stage pending');
    expect(med.cells['humaneval.pass@1']!.sources[0]!.file).toMatch(/result\.json$/);
    expect(j.runs.find((r) => r.name === 'complexity=medium,r2')!.cells['train.loss']!.reason).toMatch(/train stage failed/);
    expect(j.references).toHaveLength(2);
    expect(j.stats.length).toBeGreaterThan(0);
  });

  it('pivot: one axis as columns, in every format', () => {
    const p = pivotView(view, 'complexity');
    expect(p.axis).toBe('data.filter.complexity.keep');
    expect(p.values).toEqual(['low', 'medium', 'high']);
    const table = renderResults(view, 'table', { pivot: 'complexity' });
    expect(table).toContain('humaneval.pass@1 % complexity=high');
    expect(table).toContain('62.50 ± 3.54 (n=2)');
    const csv = parse(renderResults(view, 'csv', { pivot: 'data.filter.complexity.keep' }), { columns: true }) as Record<string, string>[];
    expect(csv).toHaveLength(1);
    expect(csv[0]!['humaneval.pass@1[complexity=high]']).toBe('62.5');
    expect(csv[0]!['mbpp.pass@1[complexity=high].n']).toBe('1');
    expect(renderResults(view, 'md', { pivot: 'complexity' })).toContain('### fixture: by complexity');
    expect(JSON.parse(renderResults(view, 'json', { pivot: 'complexity' })).pivot.values).toEqual(['low', 'medium', 'high']);
    expect(() => pivotView(view, 'nope')).toThrow(/not a sweep axis of fixture \(axes: data\.filter\.complexity\.keep \(complexity\)\)/);
  });

  it('output is deterministic', () => {
    const again = resultsFromPlan(fx.plan, { spec: validateSpec(fx.specFile).spec });
    for (const f of ['table', 'md', 'csv', 'json'] as const) expect(renderResults(again, f)).toBe(renderResults(view, f));
  });
});

describe('ablate results / ablate report (built CLI)', () => {
  it('prints each format; --pivot; --results; bad axis is a usage error', async () => {
    const args = ['results', fx.specFile, '--results', fx.resultsRoot];
    const table = await runCli(args);
    expect(table.stderr).toBe('');
    expect(table.exitCode).toBe(0);
    // execa strips the final newline.
    expect(table.stdout).toBe(renderResults(view, 'table').trimEnd());
    for (const format of ['md', 'csv', 'json'] as const) {
      const r = await runCli([...args, '--format', format]);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe(renderResults(view, format).trimEnd());
    }
    const pivot = await runCli([...args, '--pivot', 'complexity', '--format', 'csv']);
    expect(pivot.stdout).toBe(renderResults(view, 'csv', { pivot: 'complexity' }).trimEnd());
    const bad = await runCli([...args, '--pivot', 'nope']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--pivot nope: not a sweep axis/);
    const chi = await runCli([...args, '--format', 'json', '--mcnemar', 'chi2', '--resamples', '100', '--seed', '3']);
    expect(JSON.parse(chi.stdout).statsSettings).toMatchObject({ mcnemar: 'chi2', resamples: 100, seed: 3 });
  });

  it('report writes the HTML file and prints its path', async () => {
    const out = path.join(fx.dir, 'r', 'report.html');
    const r = await runCli(['report', fx.specFile, '--results', fx.resultsRoot, '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(out);
    const d = await runCli(['report', fx.specFile, '--results', fx.resultsRoot]);
    expect(d.stdout.trim()).toBe(path.join(fx.resultsRoot, 'experiments', 'fixture', 'report.html'));
  });
});
