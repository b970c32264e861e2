/**
 * Charts of the report as Vega-Lite specs (pure data), and their rendering to static SVG at build
 * time, so the report needs no script and no network to show them.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Column, ResultsView } from '../results/aggregate.js';
import { formatAxisValue } from '../results/table.js';

export interface ChartSpec {
  id: string;
  title: string;
  /** What the reader should look at, shown under the chart. */
  caption: string;
  spec: TopLevelSpec;
}

const WIDTH = 380;
const HEIGHT = 220;

/** Shared look: readable labels, no chart border, the report's font. */
const CONFIG = {
  font: 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#e5e7eb' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom', direction: 'horizontal', columns: 2, labelLimit: 320 },
  title: { fontSize: 13, anchor: 'start' },
} as const;

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * One chart per (metric, swept axis): each run's value as a point (the repeat spread), the arm
 * mean as a line, and mean ± sd as an error bar. Other axes become colour series.
 */
export function metricCharts(view: ResultsView): ChartSpec[] {
  const charts: ChartSpec[] = [];
  const swept = view.axes.filter((p) => new Set(view.arms.map((a) => JSON.stringify(a.axes[p] ?? null))).size > 1);
  const metricCols = view.columns.filter((c) => c.task !== undefined || c.metric === 'train.loss');
  for (const column of metricCols) {
    if (view.arms.every((a) => a.cells[column.key]!.n === 0)) continue;
    for (const axis of swept) charts.push(metricChart(view, column, axis, swept.filter((p) => p !== axis)));
  }
  return charts;
}

function metricChart(view: ResultsView, column: Column, axis: string, others: string[]): ChartSpec {
  const axisLabel = view.axisLabels[axis] ?? axis;
  const numeric = view.arms.every((a) => isNumber(a.axes[axis]));
  const order: string[] = [];
  // With one other axis the legend title names it, so the labels are bare values.
  const seriesOf = (axes: Record<string, unknown>): string =>
    others.length === 0 ? 'all' : others.length === 1 ? formatAxisValue(axes[others[0]!]) : others.map((p) => `${view.axisLabels[p] ?? p}=${formatAxisValue(axes[p])}`).join(', ');
  const seriesOrder: string[] = [];
  const points: Array<Record<string, unknown>> = [];
  const summary: Array<Record<string, unknown>> = [];
  for (const arm of view.arms) {
    const label = formatAxisValue(arm.axes[axis]);
    if (!order.includes(label)) order.push(label);
    const x = numeric ? (arm.axes[axis] as number) : label;
    const series = seriesOf(arm.axes);
    if (!seriesOrder.includes(series)) seriesOrder.push(series);
    const cell = arm.cells[column.key]!;
    cell.values.forEach((value) => points.push({ x, series, value }));
    if (cell.mean !== null) {
      summary.push({ x, series, mean: cell.mean, ...(cell.sd !== null ? { lo: cell.mean - cell.sd, hi: cell.mean + cell.sd } : {}), n: cell.n });
    }
  }
  const yTitle = column.percent ? `${column.label} (%)` : column.label;
  const x = numeric
    ? { field: 'x', type: 'quantitative' as const, title: axisLabel, scale: { zero: false, nice: true } }
    : { field: 'x', type: 'ordinal' as const, title: axisLabel, sort: order, axis: { labelAngle: order.some((o) => o.length > 12) ? -30 : 0, labelLimit: 180 } };
  const multi = others.length > 0;
  const color = multi ? { color: { field: 'series', type: 'nominal' as const, title: others.map((p) => view.axisLabels[p] ?? p).join(', '), sort: seriesOrder } } : {};
  const fixed = multi ? {} : { color: { value: '#2563eb' } };
  // '~g' keeps 45.5 as 45.5 and shows 0 as 0 (vega's default prints 0.000000 on a flat series).
  const y = { type: 'quantitative' as const, title: yTitle, scale: { zero: false, nice: true }, axis: { format: '~g' } };
  const bars = summary.filter((s) => s.lo !== undefined);
  const spec = {
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    layer: [
      ...(bars.length
        ? [{ data: { values: bars }, mark: { type: 'rule', strokeWidth: 2, opacity: 0.6 }, encoding: { x, y: { field: 'lo', ...y }, y2: { field: 'hi' }, ...color, ...(multi ? {} : { color: { value: '#1e3a8a' } }) } }]
        : []),
      { data: { values: summary }, mark: { type: 'line', point: { filled: true, size: 70 }, strokeWidth: 2 }, encoding: { x, y: { field: 'mean', ...y }, ...color, ...fixed } },
      { data: { values: points }, mark: { type: 'point', filled: false, size: 45, opacity: 0.8 }, encoding: { x, y: { field: 'value', ...y }, ...color, ...(multi ? {} : { color: { value: '#64748b' } }) } },
    ],
  } as unknown as TopLevelSpec;
  const id = `chart-${slug(column.key)}-by-${slug(axis)}`;
  return {
    id,
    title: `${yTitle} by ${axisLabel}`,
    caption: `Line: arm mean; bar: mean ± sd over repeats; open circles: individual runs (${points.length} values).`,
    spec,
  };
}

/** Training loss against step, one line per run. */
export function trainingCurveChart(view: ResultsView): ChartSpec | undefined {
  const values: Array<Record<string, unknown>> = [];
  for (const row of view.collected.rows) {
    for (const p of row.curve?.points ?? []) if (isNumber(p.loss)) values.push({ run: row.name, step: p.step, loss: p.loss });
  }
  if (values.length === 0) return undefined;
  const runs = new Set(values.map((v) => v.run)).size;
  // Dozens of runs make an unreadable legend: colour by arm then, one line per run still.
  const byArm = runs > 10;
  if (byArm) {
    const armOf = new Map(view.collected.rows.map((r) => [r.name, r.arm] as const));
    for (const v of values) v.arm = armOf.get(v.run as string);
  }
  return {
    id: 'chart-training-curves',
    title: 'Training loss',
    caption: `Training loss per logged step of ${runs} run${runs === 1 ? '' : 's'} (from each train stage's metrics.json).`,
    spec: {
      width: WIDTH + 120,
      height: HEIGHT,
      config: CONFIG,
      data: { values },
      mark: { type: 'line', point: values.length <= 200, strokeWidth: 1.5 },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'step', axis: { tickMinStep: 1, format: 'd' } },
        y: { field: 'loss', type: 'quantitative', title: 'training loss', scale: { zero: false } },
        color: byArm
          ? { field: 'arm', type: 'nominal', title: 'arm', sort: [...new Set(view.collected.rows.map((r) => r.arm))] }
          : { field: 'run', type: 'nominal', title: 'run', sort: [...new Set(values.map((v) => v.run as string))] },
        ...(byArm ? { detail: { field: 'run', type: 'nominal' } } : {}),
      },
    } as TopLevelSpec,
  };
}

/** Complexity histograms of each arm's data (from the data cards), bins on the pool's range. */
export function complexityChart(view: ResultsView): ChartSpec | undefined {
  const values: Array<Record<string, unknown>> = [];
  const seen = new Set<string>();
  for (const row of view.collected.rows) {
    const card = row.datacard?.card;
    const h = card?.complexity?.histogram;
    if (!h || !row.stages.materialize || seen.has(row.stages.materialize)) continue;
    seen.add(row.stages.materialize);
    const total = h.counts.reduce((a, b) => a + b, 0) || 1;
    h.counts.forEach((count, i) => values.push({ run: row.name, bin: `${edge(h.edges[i])}–${edge(h.edges[i + 1])}`, order: i, share: count / total }));
  }
  if (values.length === 0) return undefined;
  const runOrder = [...new Set(values.map((v) => v.run as string))];
  const caption = 'Share of records per complexity bin (equal-width bins over the source pool’s range, so arms compare bin by bin).';
  if (seen.size > 6) {
    // Grouped bars stop being readable beyond a handful of datasets; a heat map scales.
    return {
      id: 'chart-complexity',
      title: 'Complexity of each arm’s data',
      caption,
      spec: {
        config: CONFIG,
        data: { values },
        mark: { type: 'rect' },
        width: { step: 60 },
        height: { step: 16 },
        encoding: {
          x: { field: 'bin', type: 'ordinal', title: 'complexity score bin', sort: { field: 'order' } },
          y: { field: 'run', type: 'nominal', title: null, sort: null, axis: { labelLimit: 360 } },
          color: { field: 'share', type: 'quantitative', title: 'share', scale: { scheme: 'blues' }, legend: { format: '.0%' } },
        },
      } as TopLevelSpec,
    };
  }
  return {
    id: 'chart-complexity',
    title: 'Complexity of each arm’s data',
    caption,
    spec: {
      width: WIDTH + 120,
      height: HEIGHT,
      config: CONFIG,
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'bin', type: 'ordinal', title: 'complexity score bin', sort: { field: 'order' } },
        xOffset: { field: 'run', type: 'nominal', sort: runOrder },
        y: { field: 'share', type: 'quantitative', title: 'share of records', axis: { format: '.0%' } },
        color: { field: 'run', type: 'nominal', title: 'run', sort: runOrder },
      },
    } as TopLevelSpec,
  };
}

/** Bin edges as labels: three significant digits are enough to tell bins apart. */
function edge(x: number | undefined): string {
  return x === undefined ? '?' : String(Number(x.toPrecision(3)));
}

export function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
}

/** Compiles Vega-Lite to Vega and renders it headless to an SVG string (no DOM, no canvas). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
