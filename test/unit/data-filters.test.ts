import { describe, expect, it } from 'vitest';
import { binIndex, percentileBins, quantileBins, thresholdBins } from '../../src/data/filters/bins.js';
import { filterComplexity } from '../../src/data/filters/complexity.js';
import { apportion, filterComposition } from '../../src/data/filters/composition.js';
import { filterDiversity } from '../../src/data/filters/diversity.js';
import { filterSize } from '../../src/data/filters/size.js';
import { sampleWithoutReplacement, shuffled } from '../../src/data/sample.js';
import { deriveSeed } from '../../src/util/hash.js';
import { percentile } from '../../src/util/percentile.js';


describe('complexity tertiles (study B)', () => {
  it('cut ties by record id, so input order does not matter', () => {
    const ids = ['d', 'a', 'c', 'b', 'e', 'f'];
    const bins = quantileBins([1, 1, 1, 1, 2, 2], ids, 3);
    expect(Array.from(bins)).toEqual([1, 0, 1, 0, 2, 2]);
    const rev = quantileBins([2, 2, 1, 1, 1, 1], [...ids].reverse(), 3);
    expect(Array.from(rev)).toEqual([2, 2, 0, 1, 0, 1]);
  });

  it('supports explicit thresholds, any bin count and names bad choices', () => {
    expect(Array.from(thresholdBins([0, 1, 1.5, 2, 3], [1, 2]))).toEqual([0, 1, 1, 2, 2]);
    const r = filterComplexity(['a', 'b', 'c', 'd'], [0.1, 0.5, 0.9, 3], { thresholds: [0.5, 1], keep: 'medium' });
    expect(r.kept).toEqual([1, 2]);
    expect(binIndex('highest', 5, 'x')).toBe(4);
    expect(binIndex(2, 5, 'x')).toBe(1);
    expect(() => binIndex('medium', 4, 'data.filter.complexity')).toThrow(/needs exactly 3 bins/);
    expect(() => binIndex(6, 5, 'x')).toThrow(/bin 6 does not exist/);
    expect(() => thresholdBins([1], [2, 1])).toThrow(/strictly ascending/);
    expect(() => quantileBins([1, Number.NaN, 2], ['a', 'b', 'c'], 3)).toThrow(/score of record b \(position 1\) is NaN/);
  });
});

describe('percentile cuts', () => {
  it('cut at numpy\'s np.percentile (linear) of the scores', () => {
    // numpy 2.4: np.percentile([3, 1, 10, 2, 4], [33, 66]) → [2.3200000000000003, 3.64]
    expect(percentileBins([3, 1, 10, 2, 4], [33, 66], 'lower', 'x').cuts).toEqual([2.3200000000000003, 3.64]);
    // np.percentile([.5, .2, .9, .2, .7, .4, .4, .8], [25, 50, 75]) → [0.35000000000000003, 0.45, 0.725]
    expect(percentileBins([0.5, 0.2, 0.9, 0.2, 0.7, 0.4, 0.4, 0.8], [25, 50, 75], 'lower', 'x').cuts).toEqual([0.35000000000000003, 0.45, 0.725]);
    // The top-counted cut (diversity) is the same number in exact arithmetic, not always in floating point.
    const top = percentileBins([3, 1, 10, 2, 4], [33, 66], 'upper', 'x').cuts;
    expect(top[0]).toBeCloseTo(2.32, 12);
    expect(top[1]).toBeCloseTo(3.64, 12);
  });

  it('complexity: a score on a cut joins the lower bin, (cut(i-1), cut(i)]', () => {
    // np.percentile(range(11), [30, 60]) → [3.0, 6.0]: both cuts fall on records.
    const scores = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const ids = scores.map((v) => `r${v}`);
    const bins = (keep: 'low' | 'medium' | 'high') => filterComplexity(ids, scores, { percentiles: [30, 60], keep });
    expect(bins('low').kept).toEqual([0, 1, 2, 3]);
    expect(bins('medium').kept).toEqual([4, 5, 6]);
    expect(bins('high').kept).toEqual([7, 8, 9, 10]);
    expect(bins('low').report).toMatchObject({ mode: 'percentiles', bins: 3, percentiles: [30, 60], cuts: [3, 6] });
    expect(filterComplexity(ids, scores, { percentiles: [50], keep: 2 }).kept).toEqual([6, 7, 8, 9, 10]);
    expect(() => filterComplexity(ids, scores, { percentiles: [50], keep: 'medium' })).toThrow(/needs exactly 3 bins \(there are 2\)/);
    expect(() => filterComplexity(ids, scores, { percentiles: [50], thresholds: [3], keep: 1 })).toThrow(/either thresholds or percentiles/);
    expect(() => percentileBins(scores, [60, 30], 'lower', 'data.filter.complexity')).toThrow(/percentiles must be strictly ascending/);
    expect(() => percentileBins(scores, [0, 30], 'lower', 'data.filter.complexity')).toThrow(/between 0 and 100/);
  });

  it('diversity: a score on a cut joins the upper (more diverse) level, [cut(i-1), cut(i))', () => {
    const scores = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const ids = scores.map((v) => `r${v}`);
    const level = (keep: 'low' | 'medium' | 'high') => filterDiversity(ids, scores, { percentiles: [40, 70], keep });
    expect(level('low').kept).toEqual([0, 1, 2, 3]);
    expect(level('medium').kept).toEqual([4, 5, 6]);
    expect(level('high').kept).toEqual([7, 8, 9, 10]);
    expect(level('high').report).toMatchObject({ levels: 3, keep: 3, percentiles: [40, 70], cuts: [4, 7] });
    expect(() => filterDiversity(ids, scores, { method: 'greedy', percentiles: [50], keep: 'high' })).toThrow(/no score to cut/);
  });

  /** Study A, literally: LOW = mean similarity above its 66th percentile, HIGH = at or below its 33rd. */
  function studyA(similarity: readonly number[]): { low: number[]; high: number[] } {
    const sorted = Float64Array.from(similarity).sort();
    const p33 = percentile(sorted, 33);
    const p66 = percentile(sorted, 66);
    const idx = (pred: (s: number) => boolean): number[] => similarity.flatMap((s, i) => (pred(s) ? [i] : []));
    return { low: idx((s) => s > p66), high: idx((s) => s <= p33) };
  }
  const arm = (similarity: readonly number[], keep: 'low' | 'high'): number[] => {
    const diversity = similarity.map((s) => 1 - s);
    return filterDiversity(diversity.map((_, i) => `r${i}`), diversity, { percentiles: [34, 67], keep }).kept;
  };

  it('percentiles [34, 67] on diversity = 1 − similarity reproduce study A, including records on the cut', () => {
    // 101 records: the 33rd and 66th percentiles of similarity fall exactly on records (index 33, 66);
    // study A puts the first in HIGH and the second in the middle, not in LOW.
    const similarity = Array.from({ length: 101 }, (_, i) => 0.5 + ((i * 37) % 101) / 256);
    const a = studyA(similarity);
    expect([a.high.length, a.low.length]).toEqual([34, 34]);
    expect(arm(similarity, 'high')).toEqual(a.high);
    expect(arm(similarity, 'low')).toEqual(a.low);
  });

  it('counts diversity cuts from the top, as study A counts similarity from the bottom', () => {
    // 151 evenly spaced similarities in [−1, 1]: study A's 66th percentile is index 150·0.66 = 99, a
    // record, kept out of LOW. Diversity's 34th percentile from the bottom has index 150·0.34 =
    // 51.00000000000001, a hair above that record's diversity, which would pull it into LOW.
    const similarity = Array.from({ length: 151 }, (_, i) => (2 * i - 150) / 150);
    const a = studyA(similarity);
    expect(a.low.length).toBe(51);
    expect(arm(similarity, 'low')).toEqual(a.low);
    const diversity = similarity.map((s) => 1 - s);
    const fromBottom = percentile(Float64Array.from(diversity).sort(), 34);
    expect(diversity.filter((d) => d < fromBottom).length).toBe(52);
  });

  it('reproduces study A on many sizes, with ties, and across the similarity range', () => {
    let state = 12345;
    const next = (m: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % m;
    };
    for (let n = 1; n <= 700; n++) {
      // Dyadic similarities in [0.5, 1) (1 − s is exact) with many ties, decimal ones in [−0.2, 1],
      // and evenly spaced ones in [−1, 1] (cuts on records whenever 0.33·(n − 1) is a whole number).
      for (const similarity of [
        Array.from({ length: n }, () => 0.5 + next(64) / 128),
        Array.from({ length: n }, () => (next(1201) - 200) / 1000),
        Array.from({ length: n }, (_, i) => (n === 1 ? 0 : (2 * i - (n - 1)) / (n - 1))),
      ]) {
        const a = studyA(similarity);
        expect(arm(similarity, 'high'), `n=${n}`).toEqual(a.high);
        expect(arm(similarity, 'low'), `n=${n}`).toEqual(a.low);
      }
    }
  });
});

describe('composition mixer (study B)', () => {
  const groupsOf = (n: number, algo: number): string[] => Array.from({ length: n }, (_, i) => (i < algo ? 'algorithmic' : 'practical'));

  it('apportions round(ratio·size) exactly, summing to size', () => {
    expect(apportion({ algorithmic: 0.2, practical: 0.8 }, 20000)).toEqual({ algorithmic: 4000, practical: 16000 });
    expect(apportion({ a: 1 / 3, b: 1 / 3, c: 1 / 3 }, 10)).toEqual({ a: 4, b: 3, c: 3 });
    expect(apportion({ a: 0.5, b: 0.5 }, 7)).toEqual({ a: 4, b: 3 });
  });

  it('matches the requested shares exactly for every study-B ratio', () => {
    const groups = groupsOf(3000, 1200);
    for (const [a, p] of [[0, 1], [0.2, 0.8], [0.5, 0.5], [0.8, 0.2], [1, 0]] as const) {
      const size = 1000;
      if (a * size > 1200) continue; // covered by the shortfall tests
      const { kept, report } = filterComposition(groups, { groups: { algorithmic: a, practical: p } }, size, 42);
      expect(kept.length).toBe(size);
      expect(new Set(kept).size).toBe(size);
      expect(kept.filter((i) => groups[i] === 'algorithmic').length).toBe(Math.round(a * size));
      expect(report.taken).toEqual(report.requested);
    }
  });

  it('caps a short group and fills from the other (fill), or fails (error)', () => {
    const groups = groupsOf(1000, 100);
    const { kept, report } = filterComposition(groups, { groups: { algorithmic: 0.8, practical: 0.2 }, size: 500 }, undefined, 42);
    expect(kept.length).toBe(500);
    expect(report.short).toEqual(['algorithmic']);
    expect(report.taken).toEqual({ algorithmic: 100, practical: 400 });
    // 10:0 arm, algorithmic short: filled from practical although its ratio is 0 (as study B does).
    const pure = filterComposition(groups, { groups: { algorithmic: 1, practical: 0 }, size: 300 }, undefined, 42);
    expect(pure.report.taken).toEqual({ algorithmic: 100, practical: 200 });
    expect(() => filterComposition(groups, { groups: { algorithmic: 0.8, practical: 0.2 }, size: 500, shortfall: 'error' }, undefined, 42)).toThrow(
      /algorithmic: 400 requested, 100 available/,
    );
    expect(() => filterComposition(groups, { groups: { a: 0.5, b: 0.4 } }, 10, 42)).toThrow(/sum to 1/);
    expect(() => filterComposition(groups, { groups: { a: 1 } }, undefined, 42)).toThrow(/needs a subset size/);
  });

  it('is seeded: same seed same subset, another seed another subset; a group’s draw does not depend on the other ratio', () => {
    const groups = groupsOf(2000, 1000);
    const a = filterComposition(groups, { groups: { algorithmic: 0.5, practical: 0.5 } }, 400, 42).kept;
    const b = filterComposition(groups, { groups: { algorithmic: 0.5, practical: 0.5 } }, 400, 42).kept;
    const c = filterComposition(groups, { groups: { algorithmic: 0.5, practical: 0.5 } }, 400, 43).kept;
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    // Named seeds: the 2:8 arm's algorithmic records are a prefix-draw of the 5:5 arm's.
    const small = filterComposition(groups, { groups: { algorithmic: 0.2, practical: 0.8 } }, 400, 42).kept.filter((i) => i < 1000);
    const big = new Set(a.filter((i) => i < 1000));
    expect(small.every((i) => big.has(i))).toBe(true);
  });
});

describe('diversity levels', () => {
  it('cuts tertiles of the score, higher = more diverse', () => {
    const ids = Array.from({ length: 9 }, (_, i) => `r${i}`);
    const scores = [0.9, 0.1, 0.5, 0.2, 0.8, 0.6, 0.3, 0.7, 0.4];
    expect(filterDiversity(ids, scores, { keep: 'high' }).kept).toEqual([0, 4, 7]);
    expect(filterDiversity(ids, scores, { keep: 'low' }).kept).toEqual([1, 3, 6]);
  });
  it('keeps the greedy selection with high, the rest with low', () => {
    expect(filterDiversity(['a', 'b', 'c'], [1, 0, 1], { method: 'greedy', keep: 'high' }).kept).toEqual([0, 2]);
    expect(filterDiversity(['a', 'b', 'c'], [1, 0, 1], { method: 'greedy', keep: 'low' }).kept).toEqual([1]);
    expect(() => filterDiversity(['a'], [1], { method: 'greedy', keep: 'medium' })).toThrow(/two levels/);
  });
});


describe('seeded sampling', () => {
  it('derives independent named seeds', () => {
    expect(deriveSeed(42, 'size')).toBe(deriveSeed(42, 'size'));
    expect(deriveSeed(42, 'size')).not.toBe(deriveSeed(43, 'size'));
    expect(deriveSeed(42, 'composition', 'a')).not.toBe(deriveSeed(42, 'composition', 'b'));
    expect(deriveSeed(42, 'x')).toBeGreaterThanOrEqual(0);
  });
  it('samples without replacement and shuffles deterministically', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const s = sampleWithoutReplacement(items, 30, 5);
    expect(new Set(s).size).toBe(30);
    expect(sampleWithoutReplacement(items, 30, 5)).toEqual(s);
    expect(shuffled(items, 5).slice().sort((a, b) => a - b)).toEqual(items);
    const { kept, report } = filterSize(100, 30, 42);
    expect(kept.length).toBe(30);
    expect(report.taken).toBe(30);
    expect(filterSize(10, 30, 42).kept).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });
});

