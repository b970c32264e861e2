// Study B's published per-problem tables (../shared/data/paper-stats): several comparisons at once
// with Holm-adjusted p-values beside the raw ones, the raw ones unchanged.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareFamily } from '../../src/results/compare.js';
import { runCli, sharedData } from '../helpers/cli.js';

const rq1 = path.join(sharedData, 'paper-stats', 'RQ1');
const CONFIGS = ['Evol-Instruct/CodeQwen-7B', 'Evol-Instruct/DeepSeekCoder-6.7B', 'OSS-Instruct/CodeQwen-7B', 'OSS-Instruct/DeepSeekCoder-6.7B'];
const files = ['HumanEval', 'MBPP'].flatMap((b) => CONFIGS.map((c) => path.join(rq1, b, c, 'evaluation_results.csv')));
const missing = files.some((f) => !existsSync(f));
if (missing && process.env.CI) throw new Error(`study B's tables are missing under ${rq1}: CI runs with ../shared beside the checkout`);

// Raw McNemar (chi2) p-values, mean differences and CIs as `ablate compare` printed them before
// adjustment existed (main at 26a9f2b), and the published significance counts.
const TODAY = [
  { b: 'low', problems: 164, p: [0.17793173, 0.029049022, 0.029049022, 0.029049022], mean: 5.1829, ci: [2.6639, 7.622], significant: 3 },
  { b: 'high', problems: 164, p: [0.032509445, 0.33592381, 0.33592381, 0.33592381], mean: 3.5061, ci: [0.9146, 6.25], significant: 1 },
  { b: 'low', problems: 427, p: [0.033894854, 0.034979945, 0.033894854, 0.035014981], mean: 3.5714, ci: [1.8735, 5.3864], significant: 4 },
  { b: 'high', problems: 427, p: [0.034808479, 0.035649489, 0.034808479, 0.0356919], mean: 3.4543, ci: [1.6979, 5.0351], significant: 4 },
];

/** Holm by its definition, written independently of src/results/adjust.ts. */
function holmByHand(p: number[]): number[] {
  const m = p.length;
  const order = p.map((v, i) => [v, i] as const).sort((x, y) => x[0] - y[0]);
  const out = new Array<number>(m);
  let prev = 0;
  order.forEach(([v, i], k) => {
    prev = Math.max(prev, Math.min(1, v * (m - k)));
    out[i] = prev;
  });
  return out;
}

describe.skipIf(missing)('compare on study B RQ1 with several comparisons at once (acceptance)', () => {
  it('lists Holm-adjusted p-values beside raw ones that equal today\'s', async () => {
    const family = await compareFamily(files, { a: 'medium', bs: ['low', 'high'], mcnemar: 'chi2', resamples: { kind: 'seeded', count: 500, seed: 0 } });
    expect(family.family).toBe(16);
    expect(family.comparisons.map((c) => [c.b_pattern, c.problems])).toEqual(TODAY.map((t) => [t.b, t.problems]));
    family.comparisons.forEach((c, i) => {
      expect(c.configs.map((x) => +x.p.toPrecision(8))).toEqual(TODAY[i]!.p);
      expect(+c.mean_diff.toFixed(4)).toBe(TODAY[i]!.mean);
      expect(c.ci.map((x) => +x.toFixed(4))).toEqual(TODAY[i]!.ci);
      expect(c.significant).toBe(TODAY[i]!.significant);
    });
    const raw = family.comparisons.flatMap((c) => c.configs.map((x) => x.p));
    const expected = holmByHand(raw);
    family.comparisons.flatMap((c) => c.configs).forEach((x, i) => expect(x.p_adjusted).toBeCloseTo(expected[i]!, 12));
    // 12 of the 16 published per-configuration differences are significant unadjusted; none survives Holm.
    expect(family.comparisons.reduce((n, c) => n + c.significant, 0)).toBe(12);
    expect(family.comparisons.reduce((n, c) => n + c.significant_adjusted, 0)).toBe(0);
  });

  it('prints both columns and what survives on the command line', async () => {
    const r = await runCli(['compare', ...files, '--a', 'medium', '--b', 'low', 'high', '--mcnemar', 'chi2']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('│ p (chi2) │ p Holm │');
    expect(r.stdout).toContain('0.0290 * │ 0.4648');
    expect(r.stdout).toContain('significant (McNemar chi2, p < 0.05): 3/4 raw; 0/4 survive Holm over 16 tests');
    expect(r.stdout).toContain('Holm over all 16 tests: 0 of 12 raw-significant differences survive');
  });
});
