/**
 * e2e tier (real data): `ablate compare` reproduces study B's published RQ1 statistics from the
 * study's own outcome files in ../shared/data/paper-stats. CI runs this tier with ../shared present;
 * without it the file skips and says why (and fails when CI is set). The constructed-file tests stay
 * in test/unit/compare.test.ts.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { compareFiles, type CompareOptions, type CompareReport } from '../../src/results/compare.js';
import { repoRoot } from '../helpers/cli.js';
import { realDataFor } from '../helpers/fixtures.js';

const data = realDataFor('the published-statistics comparison') ?? '';
const rq1 = path.join(data, 'paper-stats/RQ1');
const CONFIGS = ['Evol-Instruct/CodeQwen-7B', 'Evol-Instruct/DeepSeekCoder-6.7B', 'OSS-Instruct/CodeQwen-7B', 'OSS-Instruct/DeepSeekCoder-6.7B'];
const filesOf = (bench: string) => CONFIGS.map((c) => path.join(rq1, bench, c, 'evaluation_results.csv'));

const seeded = (over: Partial<CompareOptions> = {}): CompareOptions => ({
  a: 'medium',
  b: 'low',
  mcnemar: 'chi2',
  resamples: { kind: 'seeded', count: 500, seed: 0 },
  ...over,
});

// The study's published numbers (shared/data/paper-stats/README.md).
const PUBLISHED = [
  { bench: 'HumanEval', b: 'low', mean: '5.18', ci: [2.74, 7.62], significant: 3 },
  { bench: 'HumanEval', b: 'high', mean: '3.51', ci: [0.76, 6.4], significant: 1 },
  { bench: 'MBPP', b: 'low', mean: '3.57', ci: [1.73, 5.5], significant: 4 },
  { bench: 'MBPP', b: 'high', mean: '3.45', ci: [1.87, 5.18], significant: 4 },
];

describe.skipIf(!data)('compare on study B RQ1 outcomes (acceptance)', () => {
  it.each(PUBLISHED)('$bench medium vs $b reproduces the published mean, significance count and CI', async (row) => {
    const report = await compareFiles(filesOf(row.bench), seeded({ b: row.b }));
    expect(report.mean_diff.toFixed(2)).toBe(row.mean);
    expect(report.total).toBe(4);
    // The study's "chi-square" McNemar is the uncorrected statistic (b − c)² / (b + c).
    expect(report.significant).toBe(row.significant);
    expect(Math.abs(report.ci[0]! - row.ci[0]!)).toBeLessThanOrEqual(1.0);
    expect(Math.abs(report.ci[1]! - row.ci[1]!)).toBeLessThanOrEqual(1.0);
    expect(report.configs.every((c) => !c.identical)).toBe(true);
    expect(report.warnings).toEqual([]);
  });

  it('with the continuity correction the counts do not match the study (so it did not use it)', async () => {
    const counts = [];
    for (const row of PUBLISHED) counts.push((await compareFiles(filesOf(row.bench), seeded({ b: row.b, mcnemar: 'chi2-cc' }))).significant);
    expect(counts).toEqual([0, 0, 2, 2]);
  });

  it('reports pass rates in percent and the diff in percentage points per configuration', async () => {
    const report = await compareFiles(filesOf('HumanEval'), seeded());
    const c = report.configs[0]!;
    expect(c.a).toBe('evol_medium_complexity_cq');
    expect(c.b).toBe('evol_low_complexity_cq');
    expect(c.diff).toBeCloseTo(c.pass_a - c.pass_b, 12);
    expect(c.diff).toBeCloseTo((100 * (c.a_only - c.b_only)) / 164, 12);
    expect(c.pass_a).toBeGreaterThan(1);
  });

  it('is deterministic for a seed and changes with it', async () => {
    const one = await compareFiles(filesOf('MBPP'), seeded());
    const two = await compareFiles(filesOf('MBPP'), seeded());
    const other = await compareFiles(filesOf('MBPP'), seeded({ resamples: { kind: 'seeded', count: 500, seed: 7 } }));
    expect(two.ci).toEqual(one.ci);
    expect(other.ci).not.toEqual(one.ci);
    expect(other.mean_diff).toBe(one.mean_diff);
  });
});

const bin = path.join(repoRoot, 'bin/ablate.js');

// Runs the built CLI (`npm run test:e2e` builds first).
describe.skipIf(!data)('ablate compare (built CLI) on the study files', () => {
  const run = async (args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, 'compare', ...args], { cwd: repoRoot });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('prints the JSON comparison for HumanEval medium vs low', async () => {
    const r = await run([...filesOf('HumanEval'), '--a', 'medium', '--b', 'low', '--mcnemar', 'chi2', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as CompareReport;
    expect(Object.keys(report.configs[0]!)).toEqual(['file', 'a', 'b', 'pass_a', 'pass_b', 'diff', 'b_only', 'a_only', 'p', 'p_adjusted', 'identical']);
    expect(report.mean_diff.toFixed(2)).toBe('5.18');
    expect(report.ci).toHaveLength(2);
    expect(report.significant).toBe(3);
    expect(report.total).toBe(4);
  });

  it('prints a table by default', async () => {
    const r = await run([...filesOf('MBPP'), '--a', 'medium', '--b', 'high', '--mcnemar', 'chi2', '--resamples', '100', '--seed', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('mean diff (A − B): +3.45 pp');
    expect(r.stdout).toContain('significant (McNemar chi2, p < 0.05): 4/4');
  });

});
