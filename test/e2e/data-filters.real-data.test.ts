// e2e tier (real data): reads ../shared/data (see test/helpers/fixtures.ts); the rest is in test/unit/data-filters.test.ts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { realDataFor } from '../helpers/fixtures.js';
import { heuristicComplexity } from '../../src/data/annotators/heuristic.js';
import { decontaminate, loadBenchmark, tokens, type BenchmarkProblem } from '../../src/data/decontaminate.js';
import { filterComplexity } from '../../src/data/filters/complexity.js';
import { CODE_LIKE_KEYWORDS, filterCrossDomain, looksLikeCode } from '../../src/data/filters/crossDomain.js';
import type { CanonicalRecord } from '../../src/data/records.js';
import { recordId } from '../../src/data/records.js';
import { loadSource } from '../../src/data/sources/load.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shared = realDataFor('the tests on the real data sets') ?? '';

let evol: CanonicalRecord[];
let codeAlpaca: CanonicalRecord[];
let alpaca: CanonicalRecord[];
let gsm: CanonicalRecord[];
beforeAll(async () => {
  if (!shared) return;
  const o = { specDir: repoRoot };
  evol = (await loadSource('evol', { path: path.join(shared, 'evol-codealpaca-2k-1.json'), format: 'evol-instruct' }, o)).records;
  codeAlpaca = (await loadSource('code_alpaca', { path: path.join(shared, 'code_alpaca_2k.json') }, o)).records;
  alpaca = (await loadSource('alpaca', { path: path.join(shared, 'alpaca_en_demo.json'), domain: 'general' }, o)).records;
  gsm = (await loadSource('gsm8k', { path: path.join(shared, 'gsm8k_train.jsonl'), format: 'gsm8k', domain: 'math' }, o)).records;
});
describe.skipIf(!shared)('filters on the real data sets', () => {
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
});
