import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsFromPlan, type ResultsView } from '../../src/results/aggregate.js';
import { complexityChart, metricCharts, renderSvg, trainingCurveChart } from '../../src/report/charts.js';
import { buildReportHtml, escapeHtml, inlineSvg, writeReport } from '../../src/report/html.js';
import { validateSpec } from '../../src/spec/validate.js';
import { makeFixture, type Fixture, withSizeAxis } from './results-fixture.js';

let fx: Fixture;
let view: ResultsView;

beforeAll(async () => {
  fx = await makeFixture();
  view = resultsFromPlan(fx.plan, { spec: validateSpec(fx.specFile).spec });
});
afterAll(() => fx && rmSync(fx.dir, { recursive: true, force: true }));

describe('report charts', () => {
  it('one chart per metric and swept axis, with the repeat spread as points and mean ± sd bars', () => {
    const charts = metricCharts(view);
    expect(charts.map((c) => c.id)).toEqual([
      'chart-train-loss-by-data-filter-complexity-keep',
      'chart-humaneval-pass-1-by-data-filter-complexity-keep',
      'chart-mbpp-pass-1-by-data-filter-complexity-keep',
    ]);
    const he = charts[1]!.spec as unknown as { layer: Array<{ mark: { type: string }; data: { values: Array<Record<string, unknown>> } }> };
    expect(he.layer.map((l) => l.mark.type)).toEqual(['rule', 'line', 'point']);
    expect(he.layer[0]!.data.values).toEqual([
      { x: 'low', series: 'all', mean: 45, lo: 45 - Math.sqrt(50), hi: 45 + Math.sqrt(50), n: 2 },
      { x: 'high', series: 'all', mean: 62.5, lo: 62.5 - Math.sqrt(12.5), hi: 62.5 + Math.sqrt(12.5), n: 2 },
    ]);
    expect(he.layer[2]!.data.values.map((v) => v.value)).toEqual([40, 50, 55, 65, 60]);
    expect(trainingCurveChart(view)!.spec).toMatchObject({ data: { values: expect.arrayContaining([{ run: 'complexity=low,r1', step: 1, loss: 2.21 }]) } });
    expect(complexityChart(view)).toBeDefined();
    // One bar group per dataset (each repeat has its own), each bin's share of the fixture's counts.
    const cx = complexityChart(view)!;
    expect(cx.id).toBe('chart-complexity');
    const counts: Record<string, number[]> = { low: [20, 10, 0, 0], medium: [0, 15, 16, 0], high: [0, 0, 9, 20] };
    const bins = ['0–0.25', '0.25–0.5', '0.5–0.75', '0.75–1'];
    const want = ['low', 'medium', 'high'].flatMap((arm) => [1, 2].flatMap((r) => counts[arm]!.map((n, i) => ({ run: `complexity=${arm},r${r}`, bin: bins[i], order: i, share: n / counts[arm]!.reduce((a, b) => a + b, 0) }))));
    expect((cx.spec as unknown as { data: { values: unknown[] } }).data.values).toEqual(want);
  });

  it('with two swept axes: a chart per axis, the other axis as colour series in plan order; pivots in the html', async () => {
    const f = await makeFixture({
      editSpec: withSizeAxis,
    });
    try {
      const v = resultsFromPlan(f.plan, { spec: validateSpec(f.specFile).spec });
      const charts = metricCharts(v);
      expect(charts).toHaveLength(6);
      const bySize = charts.find((c) => c.id === 'chart-humaneval-pass-1-by-data-size')!.spec as unknown as { layer: Array<{ encoding: { x: { type: string }; color: { sort?: string[]; title?: string } } }> };
      expect(bySize.layer[1]!.encoding.x.type).toBe('quantitative');
      expect(bySize.layer[1]!.encoding.color).toMatchObject({ title: 'complexity', sort: ['low', 'medium', 'high'] });
      const html = await buildReportHtml(v);
      expect(html).toContain('<h3>By complexity</h3>');
      expect(html).toContain('<h3>By data.size</h3>');
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });

  it('renders Vega-Lite to SVG in Node', async () => {
    const svg = await renderSvg(metricCharts(view)[1]!.spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('humaneval.pass@1 (%)');
    expect(svg).toContain('mark-symbol');
  });
});

describe('report html', () => {
  it('is self-contained: inline CSS and SVG, no script or external reference', async () => {
    const html = await buildReportHtml(view);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|<img|@import/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html.match(/<figure id="chart-/g)).toHaveLength(5);
    expect((html.match(/<svg /g) ?? []).length).toBe(5);
    for (const s of ['id="results"', 'id="charts"', 'id="statistics"', 'id="reference"', 'id="training"', 'id="datacards"', 'id="provenance"']) expect(html).toContain(s);
    expect(html).toContain('45.00 ± 7.07 (n=2)');
    expect(html).toContain('train stage failed: llamafactory-cli exited with code 1');
  });

  it('has no external URL in any attribute or stylesheet, not even the SVG namespace declarations', async () => {
    const html = await buildReportHtml(view);
    const values = [...html.matchAll(/\s[\w:-]+="([^"]*)"/g)].map((m) => m[1]!);
    expect(values.length).toBeGreaterThan(100);
    expect(values.filter((v) => /(https?|ftp):|^\s*\/\//i.test(v))).toEqual([]);
    expect(html).not.toMatch(/url\(\s*['"]?(?!#)/i);
    expect(html).not.toMatch(/xmlns/);
    expect(inlineSvg('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" class="marks" width="1"><g/></svg>')).toBe('<svg class="marks" width="1"><g/></svg>');
  });

  it('escapes hostile text from specs and results everywhere: header, tables, hover text, charts', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const hostile: ResultsView = {
      ...view,
      description: `<script>alert(1)</script>`,
      arms: view.arms.map((a, i) => ({ ...a, arm: `${evil}${i}`, axes: Object.fromEntries(Object.keys(a.axes).map((k) => [k, `${evil}${String(a.axes[k])}`])) })),
      warnings: [...view.warnings, evil],
    };
    const html = await buildReportHtml(hostile);
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('escapes text from specs and results', () => {
    expect(escapeHtml(`<b a="x">&'`)).toBe('&lt;b a=&quot;x&quot;&gt;&amp;&#39;');
  });

  it('is byte-identical across builds and written atomically to <results>/experiments/<name>/report.html', async () => {
    const a = await buildReportHtml(view);
    const again = resultsFromPlan(fx.plan, { spec: validateSpec(fx.specFile).spec });
    expect(await buildReportHtml(again)).toBe(a);
    const file = await writeReport(view);
    expect(file).toBe(path.join(fx.resultsRoot, 'experiments', 'fixture', 'report.html'));
    expect(readFileSync(file, 'utf8')).toBe(a);
    expect(readdirSync(path.dirname(file))).toEqual(['report.html']);
    const custom = await writeReport(view, path.join(fx.dir, 'out', 'r.html'));
    expect(existsSync(custom)).toBe(true);
  });
});
