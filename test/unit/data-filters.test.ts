import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { heuristicComplexity } from '../../src/data/annotators/heuristic.js';
import { decontaminate, loadBenchmark, tokens, type BenchmarkProblem } from '../../src/data/decontaminate.js';
import { binIndex, percentileBins, quantileBins, thresholdBins } from '../../src/data/filters/bins.js';
import { filterComplexity } from '../../src/data/filters/complexity.js';
import { apportion, filterComposition } from '../../src/data/filters/composition.js';
import { CODE_LIKE_KEYWORDS, filterCrossDomain, looksLikeCode } from '../../src/data/filters/crossDomain.js';
import { filterDiversity } from '../../src/data/filters/diversity.js';
import { filterSize } from '../../src/data/filters/size.js';
import type { CanonicalRecord } from '../../src/data/records.js';
import { recordId } from '../../src/data/records.js';
import { deriveSeed, sampleWithoutReplacement, shuffled } from '../../src/data/sample.js';
import { loadSource } from '../../src/data/sources/load.js';
import { percentile } from '../../src/util/percentile.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shared = path.resolve(repoRoot, '../shared/data');

let evol: CanonicalRecord[];
let codeAlpaca: CanonicalRecord[];
let alpaca: CanonicalRecord[];
let gsm: CanonicalRecord[];
beforeAll(async () => {
  const o = { specDir: repoRoot };
  evol = (await loadSource('evol', { path: path.join(shared, 'evol-codealpaca-2k-1.json'), format: 'evol-instruct' }, o)).records;
  codeAlpaca = (await loadSource('code_alpaca', { path: path.join(shared, 'code_alpaca_2k.json') }, o)).records;
  alpaca = (await loadSource('alpaca', { path: path.join(shared, 'alpaca_en_demo.json'), domain: 'general' }, o)).records;
  gsm = (await loadSource('gsm8k', { path: path.join(shared, 'gsm8k_train.jsonl'), format: 'gsm8k', domain: 'math' }, o)).records;
});

describe('complexity tertiles (study B) on Evol-Instruct-Code', () => {
  it('are disjoint, equal-sized (±1, last takes the remainder) and ordered by mean score', () => {
    const ids = evol.map((r) => r.id);
    const scores = Float64Array.from(evol.map((r) => heuristicComplexity(r.instruction, r.input)));
    const n = evol.length;
    const parts = (['low', 'medium', 'high'] as const).map((keep) => filterComplexity(ids, scores, { keep }));
    const sets = parts.map((p) => new Set(p.kept));
    expect(parts.map((p) => p.kept.length)).toEqual([Math.floor(n / 3), Math.floor(n / 3), n - 2 * Math.floor(n / 3)]);
    expect(sets[0]!.size + sets[1]!.size + sets[2]!.size).toBe(n);
    for (const i of sets[0]!) expect(sets[1]!.has(i) || sets[2]!.has(i)).toBe(false);
    for (const i of sets[1]!) expect(sets[2]!.has(i)).toBe(false);
    const mean = (k: number[]): number => k.reduce((s, i) => s + scores[i]!, 0) / k.length;
    const means = parts.map((p) => mean(p.kept));
    expect(means[0]!).toBeLessThan(means[1]!);
    expect(means[1]!).toBeLessThan(means[2]!);
    // Slices of a sort: every low score ≤ every medium score ≤ every high score.
    const s = parts[0]!.report.binSummaries;
    expect(s[0]!.max).toBeLessThanOrEqual(s[1]!.min);
    expect(s[1]!.max).toBeLessThanOrEqual(s[2]!.min);
    console.log(`evol tertiles n=${n}: sizes ${parts.map((p) => p.kept.length)}, mean heuristic ${means.map((m) => m.toFixed(3))}`);
  });

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

describe('cross-domain mixing (study B)', () => {
  it('takes int(N·r_code) code and int(N·r) general records, N = code records', () => {
    const code = codeAlpaca;
    const N = code.length;
    for (const r of [0.03, 0.1, 0.3]) {
      const { records, report } = filterCrossDomain(code, { alpaca }, { mix: { alpaca: r } }, 'code_alpaca', undefined, 42);
      const nCode = Math.floor(N * (1 - r));
      const nGen = Math.floor(N * r);
      expect(report.taken).toEqual({ code_alpaca: nCode, alpaca: nGen });
      expect(records.filter((x) => x.domain === 'code').length).toBe(nCode);
      expect(records.filter((x) => x.source === 'alpaca').length).toBe(nGen);
    }
  });

  it('uses data.size as N when set, mixes several sources, and drops code-like records with study B’s keywords', () => {
    const { records, report } = filterCrossDomain(evol, { alpaca, gsm8k: gsm }, { mix: { alpaca: 0.1, gsm8k: 0.2 }, drop_code_like: true }, 'evol', 1000, 7);
    expect(report.taken).toEqual({ evol: 700, alpaca: 100, gsm8k: 200 });
    expect(records.length).toBe(1000);
    expect(records.filter((r) => r.source !== 'evol').every((r) => !looksLikeCode(r))).toBe(true);
    expect(report.droppedCodeLike.alpaca).toBeGreaterThan(0);
    console.log(`drop_code_like: alpaca ${report.droppedCodeLike.alpaca}/${alpaca.length}, gsm8k ${report.droppedCodeLike.gsm8k}/${gsm.length} dropped`);
    expect(CODE_LIKE_KEYWORDS).toContain('from ');
    expect(looksLikeCode({ instruction: 'Where does the word come FROM here?', output: 'x' })).toBe(true);
  });

  it('never draws a record twice when another source holds copies of code records', () => {
    const code = codeAlpaca.slice(0, 100);
    // A "general" source that repeats half of the code records (same content, same id) next to its own.
    const copies = code.slice(0, 50).map((r) => ({ ...r, source: 'general', domain: 'general' as const }));
    const general = [...copies, ...alpaca.slice(0, 60).map((r) => ({ ...r, source: 'general' }))];
    const { records, report } = filterCrossDomain(code, { general }, { mix: { general: 0.5 } }, 'code_alpaca', undefined, 42);
    expect(records.length).toBe(100);
    expect(new Set(records.map((r) => r.id)).size).toBe(100);
    expect(report.droppedDuplicates).toEqual({ general: 50 });
    expect(report.available).toEqual({ general: 60 });
  });

  it('takes int(N·r_code) with r_code as written (1 − 0.9 is 0.1, not 0.09999999999999998)', () => {
    const code = codeAlpaca.slice(0, 10);
    const { report } = filterCrossDomain(code, { alpaca }, { mix: { alpaca: 0.9 } }, 'code_alpaca', undefined, 42);
    // Python: int(10 * 0.1) == 1 and int(10 * 0.9) == 9.
    expect(report.taken).toEqual({ code_alpaca: 1, alpaca: 9 });
    expect(report.codeShare).toBe(0.1);
  });

  it('refuses impossible mixes', () => {
    expect(() => filterCrossDomain(evol, { alpaca }, { mix: { alpaca: 0.6, b: 0.5 } }, 'evol', undefined, 1)).toThrow(/sum < 1/);
    expect(() => filterCrossDomain(evol.slice(0, 10), { alpaca }, { mix: { alpaca: 0.5 } }, 'evol', 5000, 1)).toThrow(/needs 2500 code records/);
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

describe('decontamination', () => {
  it('removes records that contain HumanEval or MBPP problems and reports which', async () => {
    const he = await loadBenchmark('humaneval', path.join(shared, 'HumanEval.jsonl.gz'));
    const mbpp = await loadBenchmark('mbpp', path.join(shared, 'sanitized-mbpp.json'));
    expect(he.length).toBe(164);
    expect(mbpp.length).toBe(427);
    const mk = (instruction: string, output: string): CanonicalRecord => ({ id: recordId(instruction, '', output), instruction, input: '', output, source: 's', domain: 'code' });
    const leaked = mk(`Complete this:\n${he[0]!.prompt.slice(0, 400)}`, 'ok');
    const leakedMbpp = mk(mbpp[0]!.prompt.split('\n')[0]!, mbpp[0]!.prompt);
    const clean = mk('Write a function that adds two numbers.', 'def add(a, b):\n    return a + b');
    const { kept, removed } = decontaminate([leaked, clean, leakedMbpp, ...evol.slice(0, 300)], [...he, ...mbpp], 13);
    expect(kept).toContain(clean);
    expect(removed.map((r) => [r.id, r.benchmark, r.problem])).toEqual(
      expect.arrayContaining([
        [leaked.id, 'humaneval', 'HumanEval/0'],
        [leakedMbpp.id, 'mbpp', `Mbpp/${mbpp[0]!.id.replace('Mbpp/', '')}`],
      ]),
    );
    expect(tokens(removed[0]!.matched).length).toBe(13);
  });

  it('finds exactly what the per-window string definition finds, fast', async () => {
    const he = await loadBenchmark('humaneval', path.join(shared, 'HumanEval.jsonl.gz'));
    const mbpp = await loadBenchmark('mbpp', path.join(shared, 'sanitized-mbpp.json'));
    const problems = [...he, ...mbpp];
    // The definition, spelled out: every window of every length joined into a string.
    const reference = (records: readonly CanonicalRecord[], ps: readonly BenchmarkProblem[], n: number) => {
      const index = new Map<string, BenchmarkProblem>();
      const lengths = new Set<number>([n]);
      for (const p of ps) {
        const t = tokens(p.prompt);
        if (t.length === 0) continue;
        const len = Math.min(n, t.length);
        lengths.add(len);
        for (let i = 0; i + len <= t.length; i++) if (!index.has(t.slice(i, i + len).join(' '))) index.set(t.slice(i, i + len).join(' '), p);
      }
      const removed: { id: string; problem: string; ngram: string }[] = [];
      for (const r of records) {
        const t = tokens(`${r.instruction}\n${r.input}\n${r.output}`);
        let hit: [string, BenchmarkProblem] | undefined;
        for (const len of [...lengths].sort((a, b) => b - a)) {
          for (let i = 0; i + len <= t.length && !hit; i++) {
            const p = index.get(t.slice(i, i + len).join(' '));
            if (p) hit = [t.slice(i, i + len).join(' '), p];
          }
          if (hit) break;
        }
        if (hit) removed.push({ id: r.id, problem: hit[1].id, ngram: hit[0] });
      }
      return removed;
    };
    const mk = (instruction: string, output: string): CanonicalRecord => ({ id: recordId(instruction, '', output), instruction, input: '', output, source: 's', domain: 'code' });
    const leaks = problems.filter((_, i) => i % 7 === 0).map((p, i) => {
      const t = tokens(p.prompt);
      // Whole prompts, 13-word excerpts, and 12-word excerpts (too short to count unless the prompt is short).
      const cut = i % 3 === 0 ? t : t.slice(2, 2 + (i % 3 === 1 ? 13 : 12));
      return mk(`Please solve: ${cut.join(' ')}!`, `def f():\n    return ${i}`);
    });
    const records = [...leaks, ...evol.slice(0, 1000), ...codeAlpaca.slice(0, 500)];
    for (const n of [13, 8]) {
      const t0 = performance.now();
      const fast = decontaminate(records, problems, { ngram: n, rules: ["prompt"] });
      const ms = performance.now() - t0;
      const want = reference(records, problems, n);
      expect(fast.removed.map((r) => ({ id: r.id, problem: r.problem, ngram: r.matched }))).toEqual(want);
      expect(fast.kept.length + fast.removed.length).toBe(records.length);
      expect(want.length).toBeGreaterThan(leaks.length / 2);
      console.log(`decontaminate n=${n}: ${records.length} records in ${ms.toFixed(0)} ms, ${want.length} removed`);
    }
  });
});
