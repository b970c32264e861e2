import { describe, expect, it } from 'vitest';
import { buildDatacard, histogram, lengthStats, renderDatacardMarkdown, shares } from '../../src/data/datacard.js';
import { dataIsRandom, datasetInfo } from '../../src/data/materialize.js';
import { overlapFor, overlapReport } from '../../src/data/overlap.js';
import { recordId, type CanonicalRecord } from '../../src/data/records.js';

const ids = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `id${from + i}`);

describe('overlapReport', () => {
  it('computes pairwise Jaccard and flags identical and near-identical arms loudly', () => {
    const report = overlapReport([
      { name: 'low', ids: ids(0, 100) },
      { name: 'medium', ids: ids(100, 200) },
      { name: 'medium-copy', ids: ids(100, 200).reverse() },
      { name: 'high', ids: ids(105, 200) },
    ]);
    const pair = (a: string, b: string) => report.pairs.find((p) => p.a === a && p.b === b)!;
    expect(report.pairs).toHaveLength(6);
    expect(pair('low', 'medium')).toMatchObject({ jaccard: 0, shared: 0 });
    expect(pair('medium', 'medium-copy')).toMatchObject({ jaccard: 1, shared: 100, flag: 'identical' });
    expect(pair('medium', 'high')).toMatchObject({ jaccard: 0.95, flag: 'near-identical' });
    expect(report.warnings.filter((w) => w.startsWith('IDENTICAL DATA'))).toHaveLength(1);
    expect(report.warnings.filter((w) => w.startsWith('NEAR-IDENTICAL DATA'))).toHaveLength(2);
    expect(overlapFor(report, 'low').map((o) => o.other)).toEqual(['medium', 'medium-copy', 'high']);
  });

  it('flags, but does not warn about, repeats of one data config that come out (nearly) the same', () => {
    const report = overlapReport([
      { name: 'mix=0 r1', ids: ids(0, 100), sameByDesign: 'k' },
      { name: 'mix=0 r2', ids: ids(0, 100), sameByDesign: 'k' },
      { name: 'mix=0 r3', ids: ids(0, 95), sameByDesign: 'k' },
    ]);
    expect(report.pairs.map((p) => [p.flag, p.expected])).toEqual([
      ['identical', true],
      ['near-identical', true],
      ['near-identical', true],
    ]);
    expect(report.warnings).toEqual([]);
  });

  it('does not flag arms below 0.9', () => {
    const report = overlapReport([
      { name: 'a', ids: ids(0, 100) },
      { name: 'b', ids: ids(20, 120) },
    ]);
    expect(report.pairs[0]!.jaccard).toBeCloseTo(80 / 120, 6);
    expect(report.warnings).toEqual([]);
  });
});

describe('data card', () => {
  const rec = (instruction: string, output: string, source = 'code', domain: CanonicalRecord['domain'] = 'code'): CanonicalRecord => ({
    id: recordId(instruction, '', output),
    instruction,
    input: '',
    output,
    source,
    domain,
  });

  it('summarizes lengths, complexity on the pool range, task types, domains', () => {
    const records = [rec('a', 'xx'), rec('bbb', 'y'), rec('cc', 'zzz', 'alpaca', 'general')];
    const card = buildDatacard({
      name: 'ablate_x',
      records,
      complexity: { method: 'heuristic', scores: [1, 2, Number.NaN], poolMin: 0, poolMax: 10 },
      taskTypes: { categories: ['Web Development', 'Database & SQL', 'Web Development'], groups: ['practical', 'practical', 'practical'] },
    });
    expect(card.size).toBe(3);
    expect(card.instructionChars).toMatchObject({ min: 1, max: 3, median: 2 });
    expect(card.complexity!.scored).toBe(2);
    expect(card.complexity!.histogram.edges).toHaveLength(11);
    expect(card.complexity!.histogram.counts[1]).toBe(1);
    expect(card.domains).toEqual({ code: 0.6667, general: 0.3333 });
    expect(card.taskTypes!.categories['Web Development']).toBe(0.6667);
    const md = renderDatacardMarkdown(card);
    expect(md).toContain('**Records:** 3');
    expect(md).toContain('| general | 33.3% |');
  });

  it('helpers', () => {
    expect(lengthStats([])).toMatchObject({ min: 0, max: 0 });
    expect(histogram([0, 5, 10], 0, 10, 2)).toEqual({ edges: [0, 5, 10], counts: [1, 2] });
    expect(shares(['b', 'a', 'b', 'b'])).toEqual({ a: 0.25, b: 0.75 });
  });
});

describe('materialize helpers', () => {
  it('writes the LLaMA-Factory dataset_info entry exactly', () => {
    expect(datasetInfo('ablate_abc')).toEqual({
      ablate_abc: { file_name: 'data.jsonl', formatting: 'alpaca', columns: { prompt: 'instruction', query: 'input', response: 'output' } },
    });
  });
  it('knows which data configs depend on the seed', () => {
    expect(dataIsRandom({ source: 's', filter: { complexity: { keep: 'low' } } })).toBe(false);
    expect(dataIsRandom({ source: 's', filter: { complexity: { keep: 'low' } }, size: 10 })).toBe(true);
    expect(dataIsRandom({ source: 's', filter: { composition: { groups: { a: 1 } } } })).toBe(true);
  });
});
