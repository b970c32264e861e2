import { describe, expect, it } from 'vitest';
import { spreadCases, spreadWarnings } from '../../src/results/spread.js';
import type { AggregateCell, ArmRow, Column } from '../../src/results/view.js';

const cell = (values: number[]): AggregateCell => {
  const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean!) ** 2, 0) / (values.length - 1)) : null;
  return { mean, sd, n: values.length, of: values.length, values, missing: [], sources: [] };
};
const arm = (name: string, he: number[], isBaseline = false, size: number[] = [100]): ArmRow => ({
  arm: name,
  axes: {},
  runs: [],
  isBaseline,
  cells: { 'humaneval.pass@1': cell(he), 'dataset.size': cell(size) },
  delta: {},
  setups: {},
});
const columns: Column[] = [
  { key: 'dataset.size', metric: 'dataset.size', label: 'size', percent: false },
  { key: 'humaneval.pass@1', metric: 'humaneval.pass@1', label: 'humaneval.pass@1', task: 'humaneval', percent: true },
];

describe('difference against the spread between repeats', () => {
  it('warns when two arms differ by less than the sd over repeats of either, against the baseline', () => {
    const arms = [arm('base', [60, 62, 58], true), arm('close', [61, 65, 60]), arm('far', [70, 71, 69]), arm('single', [60.5])];
    const cases = spreadCases(arms, columns);
    // close: |Δ| 2 < max(sd 2, sd 2.65); single: |Δ| 0.5 < baseline sd 2; far: 10 is outside.
    expect(cases.map((c) => [c.a, c.b])).toEqual([['close', 'base'], ['single', 'base']]);
    expect(cases[0]!.diff).toBeCloseTo(2, 12);
    expect(cases[0]!.sd).toBeCloseTo(Math.sqrt(7), 12);
    const [w] = spreadWarnings(arms, columns);
    expect(w).toMatch(/^humaneval\.pass@1: 2 differences are smaller than the spread between repeats of one arm/);
    expect(w).toContain('close vs base (|Δ| 2.00 < sd 2.65)');
  });

  it('compares every pair without a baseline, ignores non-percent columns and arms without repeats', () => {
    const arms = [arm('a', [50, 54], false, [1, 100]), arm('b', [51, 55]), arm('c', [80])];
    expect(spreadCases(arms, columns).map((c) => [c.a, c.b])).toEqual([['a', 'b']]);
    expect(spreadCases([arm('x', [50]), arm('y', [50.1])], columns)).toEqual([]);
    expect(spreadWarnings([arm('x', [50, 70]), arm('y', [80, 81])], columns)).toEqual([]);
  });
});
