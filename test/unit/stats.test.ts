import { describe, expect, it } from 'vitest';
import { discordant, mcnemarP, meanDiff, pairedBootstrap, passPercent, seededResamples } from '../../src/results/stats.js';
import { percentile } from '../../src/util/percentile.js';

// Reference p-values computed independently in Python: exact binomial tails with math.comb,
// chi-square(1) upper tail as erfc(sqrt(x / 2)).
const REFERENCE: Array<[b: number, c: number, exact: number, midp: number, chi2: number, chi2cc: number]> = [
  [13, 4, 0.049041748046875, 0.0308837890625, 0.029049022161940562, 0.052345063273163205],
  [17, 10, 0.24778856337070465, 0.1849333420395851, 0.1779317252682546, 0.24821307898992362],
  [0, 5, 0.0625, 0.03125, 0.025347318677468252, 0.07363827012030266],
  // b = c: mid-p is 2·P(X ≤ k) − P(X = k) = 1 (subtracting from the capped exact p would give 0.6875).
  [3, 3, 1, 1, 1.0, 1.0],
  [1, 0, 1, 0.5, 0.31731050786291404, 1.0],
  [55, 35, 0.04459752462791594, 0.03544959487951911, 0.03501498101966251, 0.04520135297652211],
  [200, 120, 9.079968569115874e-6, 7.202140724991728e-6, 7.744216431044074e-6, 1.0043523971516386e-5],
];

describe('mcnemarP', () => {
  it.each(REFERENCE)('b=%i c=%i matches the reference for every variant', (b, c, exact, midp, chi2, chi2cc) => {
    const rel = (x: number, y: number) => Math.abs(x - y) / y;
    expect(rel(mcnemarP(b, c, 'exact'), exact)).toBeLessThan(1e-9);
    expect(rel(mcnemarP(b, c, 'midp'), midp)).toBeLessThan(1e-9);
    expect(rel(mcnemarP(b, c, 'chi2'), chi2)).toBeLessThan(1e-9);
    expect(rel(mcnemarP(b, c, 'chi2-cc'), chi2cc)).toBeLessThan(1e-9);
  });

  it('is symmetric in b and c', () => {
    for (const v of ['midp', 'exact', 'chi2', 'chi2-cc'] as const) expect(mcnemarP(4, 13, v)).toBe(mcnemarP(13, 4, v));
  });

  it('gives p = 1 without discordant pairs', () => {
    for (const v of ['midp', 'exact', 'chi2', 'chi2-cc'] as const) expect(mcnemarP(0, 0, v)).toBe(1);
  });

  it('defaults to mid-p', () => {
    expect(mcnemarP(13, 4)).toBe(mcnemarP(13, 4, 'midp'));
  });
});

describe('percentile', () => {
  it('interpolates linearly between order statistics like numpy', () => {
    // numpy.percentile([1, 2, 3, 4, 10], [2.5, 97.5]) → [1.1, 9.4]
    expect(percentile([1, 2, 3, 4, 10], 2.5)).toBeCloseTo(1.1, 12);
    expect(percentile([1, 2, 3, 4, 10], 97.5)).toBeCloseTo(9.4, 12);
    const r = Array.from({ length: 500 }, (_, i) => i);
    expect(percentile(r, 2.5)).toBeCloseTo(12.475, 12);
    expect(percentile(r, 97.5)).toBeCloseTo(486.525, 12);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([1, 2], 100)).toBe(2);
    expect(percentile([1, 2], 0)).toBe(1);
  });

  it('gives the very floating-point numbers numpy gives (its index and lerp order), not merely close ones', () => {
    // repr(float(x)) of numpy 2.4 np.percentile(a, q): a replayed bootstrap must print what the study printed.
    const a = [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4];
    expect([10, 2.5, 97.5, 33.3, 66.7].map((q) => percentile(a, q))).toEqual([0.16000000000000003, 0.115, 5.919999999999999, 0.39959999999999996, 1.603200000000001]);
    const b = [-2.8, -1.3, 0.7, 1.1, 1.9, 2.3, 4.75, 5.05, 7.7, 9.15, 11.3];
    expect([2.5, 97.5, 10, 90].map((q) => percentile(b, q))).toEqual([-2.425, 10.762500000000001, -1.3, 9.15]);
  });

  it('rejects an empty sample', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
  });
});

describe('outcome summaries', () => {
  const pair = { a: [1, 1, 0, 1, 0], b: [1, 0, 1, 0, 0] };

  it('counts discordant problems and pass rates in percent', () => {
    expect(discordant(pair)).toEqual({ aOnly: 2, bOnly: 1 });
    expect(passPercent(pair.a)).toBe(60);
    expect(passPercent(pair.a, [0, 0, 2, 2])).toBe(50);
    expect(meanDiff([pair, { a: [1, 1, 1, 1, 1], b: [0, 0, 0, 0, 0] }])).toBeCloseTo((20 + 100) / 2, 12);
  });
});

describe('seededResamples', () => {
  it('is deterministic per seed and stays in range', () => {
    const one = seededResamples(164, 20, 42);
    const two = seededResamples(164, 20, 42);
    expect(one).toEqual(two);
    expect(seededResamples(164, 20, 43)).not.toEqual(one);
    expect(one).toHaveLength(20);
    for (const r of one) {
      expect(r).toHaveLength(164);
      for (const i of r) expect(i >= 0 && i < 164).toBe(true);
    }
    // Draws with replacement: some problem repeats within a resample of 164.
    expect(new Set(one[0]).size).toBeLessThan(164);
  });

  it('pins the stream, so intervals stay byte-identical across machines and releases', () => {
    expect(Array.from(seededResamples(10, 1, 0)[0]!)).toMatchInlineSnapshot(`
      [
        7,
        1,
        2,
        2,
        5,
        0,
        6,
        4,
        4,
        3,
      ]
    `);
  });
});

describe('pairedBootstrap', () => {
  it('uses the same problems for every configuration and takes numpy-linear percentiles', () => {
    const configs = [
      { a: [1, 0, 1], b: [0, 0, 1] },
      { a: [1, 1, 0], b: [1, 0, 0] },
    ];
    // Resample diffs: [0,0,0] → (100 + 0)/2 = 50; [1,1,1] → (0 + 100)/2 = 50; [2,2,2] → 0; [0,1,2] → (33.3 + 33.3)/2.
    const resamples = [[0, 0, 0], [1, 1, 1], [2, 2, 2], [0, 1, 2]];
    const { lo, hi, replicates } = pairedBootstrap(configs, resamples);
    expect(replicates.map((x) => Number(x.toFixed(6)))).toEqual([50, 50, 0, 33.333333]);
    const sorted = [0, 100 / 3, 50, 50];
    expect(lo).toBeCloseTo(percentile(sorted, 2.5), 9);
    expect(hi).toBeCloseTo(percentile(sorted, 97.5), 9);
  });
});
