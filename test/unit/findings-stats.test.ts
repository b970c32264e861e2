import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benjaminiHochberg, holm } from '../../src/results/adjust.js';
import { compareFamily, compareFiles } from '../../src/results/compare.js';
import { DEFAULT_DISCORDANCE, detectableDifference, mcnemarPower, pilotDiscordance } from '../../src/results/power.js';
import { discordant, mcnemarP } from '../../src/results/stats.js';
import { runCli } from '../helpers/cli.js';

describe('multiple-comparison adjustment', () => {
  // Values of R's p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") and "BH".
  it('matches R for Holm and Benjamini–Hochberg', () => {
    const p = [0.01, 0.04, 0.03, 0.005];
    expect(holm(p).map((x) => +x.toFixed(10))).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(benjaminiHochberg(p).map((x) => +x.toFixed(10))).toEqual([0.02, 0.04, 0.04, 0.02]);
  });

  it('never lowers a p-value, caps at 1, and keeps ties and order', () => {
    const p = [0.5, 0.5, 0.001, 0.9, 0.2];
    const h = holm(p);
    const b = benjaminiHochberg(p);
    h.forEach((x, i) => expect(x).toBeGreaterThanOrEqual(p[i]!));
    b.forEach((x, i) => expect(x).toBeGreaterThanOrEqual(p[i]!));
    expect(h[0]).toBe(h[1]);
    expect(Math.max(...h)).toBeLessThanOrEqual(1);
    expect(h[2]).toBeCloseTo(0.005, 12);
    // Holm is at least as conservative as BH.
    h.forEach((x, i) => expect(x).toBeGreaterThanOrEqual(b[i]! - 1e-15));
    expect(holm([])).toEqual([]);
    expect(holm([0.03])).toEqual([0.03]);
  });
});

/** Simulates `studies` paired outcome vectors of `pairs` problems and counts how often the mid-p McNemar test rejects. */
function simulatedPower(pairs: number, discordance: number, diff: number, studies: number, seed: number): number {
  const rng = xoroshiro128plus(seed);
  const draw = (): number => uniformFloat64(rng);
  let rejected = 0;
  const a = new Uint8Array(pairs);
  const b = new Uint8Array(pairs);
  for (let s = 0; s < studies; s++) {
    for (let i = 0; i < pairs; i++) {
      const u = draw();
      // A only, B only, then concordant pairs (both pass with probability 0.6).
      if (u < (discordance + diff) / 2) [a[i], b[i]] = [1, 0];
      else if (u < discordance) [a[i], b[i]] = [0, 1];
      else a[i] = b[i] = draw() < 0.6 ? 1 : 0;
    }
    const { aOnly, bOnly } = discordant({ a, b });
    if (mcnemarP(aOnly, bOnly, 'midp') < 0.05) rejected++;
  }
  return rejected / studies;
}

describe('McNemar power', () => {
  it('is α-ish at no difference and rises with the difference, problems and repeats', () => {
    const s = { pairs: 164, discordance: DEFAULT_DISCORDANCE };
    expect(mcnemarPower(0, s)).toBeLessThan(0.06);
    expect(mcnemarPower(0.03, s)).toBeLessThan(mcnemarPower(0.06, s));
    expect(detectableDifference({ pairs: 164 * 3, discordance: 0.127 })!).toBeLessThan(detectableDifference({ pairs: 164, discordance: 0.127 })!);
    expect(detectableDifference({ pairs: 500, discordance: 0.127 })!).toBeLessThan(detectableDifference({ pairs: 164, discordance: 0.127 })!);
    // More discordance (noisier arms) means larger detectable differences.
    expect(detectableDifference({ pairs: 164, discordance: 0.25 })!).toBeGreaterThan(detectableDifference({ pairs: 164, discordance: 0.1 })!);
    // Eight problems cannot show anything.
    expect(detectableDifference({ pairs: 8, discordance: 0.127 })).toBeNull();
    expect(() => mcnemarPower(0.2, s)).toThrow(/discordance of at least/);
  });

  it.each([
    { name: 'HumanEval, 1 repeat', pairs: 164, discordance: DEFAULT_DISCORDANCE },
    { name: 'HumanEval, 3 repeats', pairs: 164 * 3, discordance: DEFAULT_DISCORDANCE },
    { name: 'MBPP, 1 repeat, noisy arms', pairs: 500, discordance: 0.2 },
  ])('simulation confirms 80% power at the detectable difference within ±5 points ($name)', ({ pairs, discordance }) => {
    const diff = detectableDifference({ pairs, discordance })! / 100;
    const simulated = simulatedPower(pairs, discordance, diff, 2000, 17);
    expect(Math.abs(simulated - 0.8)).toBeLessThanOrEqual(0.05);
    // And at half that difference the study really misses most effects.
    expect(simulatedPower(pairs, discordance, diff / 2, 1000, 18)).toBeLessThan(0.5);
  });

  it('measures the discordance of a pilot run over every pair of arms', () => {
    const table = { columns: new Map([['x', [1, 0, 1, 1]], ['y', [1, 1, 1, 0]], ['z', [1, 0, 1, 1]]]) };
    // x–y differ on 2 of 4, x–z on 0, y–z on 2: mean 1/3.
    expect(pilotDiscordance([table])).toBeCloseTo(1 / 3, 12);
    expect(pilotDiscordance([{ columns: new Map([['x', [1]]]) }])).toBeNull();
  });
});

describe('compare with several comparisons at once', () => {
  let dir: string;
  const write = async (name: string, rows: string[][]): Promise<string> => {
    const f = path.join(dir, name);
    await writeFile(f, `${rows.map((r) => r.join(',')).join('\n')}\n`);
    return f;
  };
  /**
   * A table where `mid` passes the first half of the problems; `low` fails `lw` of mid's passes and
   * passes `ll` of its failures (so mid leads by lw − ll problems), `high` likewise with `hw`/`hl`.
   */
  const table = (ids: string[], [lw, ll]: [number, number], [hw, hl]: [number, number]): string[][] => {
    const half = ids.length / 2;
    const flip = (i: number, w: number, l: number): boolean => (i < half ? i < w : i - half < l);
    return [
      ['problem_id', 'low', 'mid', 'high'],
      ...ids.map((id, i) => {
        const mid = i < half ? 1 : 0;
        const other = (w: number, l: number): string => String(flip(i, w, l) ? 1 - mid : mid);
        return [id, other(lw, ll), String(mid), other(hw, hl)];
      }),
    ];
  };
  let files: string[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ablate-family-'));
    const he = Array.from({ length: 60 }, (_, i) => `HumanEval/${i}`);
    const mb = Array.from({ length: 80 }, (_, i) => String(i + 2));
    // Raw p-values from ~0.002 to ~0.7: some survive Holm over 8 tests, some only survive unadjusted.
    files = [
      await write('he1.csv', table(he, [12, 0], [6, 1])),
      await write('he2.csv', table(he, [7, 1], [3, 2])),
      await write('mb1.csv', table(mb, [9, 1], [8, 2])),
      await write('mb2.csv', table(mb, [6, 0], [4, 4])),
    ];
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('groups files by benchmark, keeps raw values equal to single comparisons and adjusts over the whole family', async () => {
    const opts = { a: '^mid$', mcnemar: 'midp' as const, resamples: { kind: 'seeded' as const, count: 100, seed: 0 } };
    const family = await compareFamily(files, { ...opts, bs: ['^low$', '^high$'] });
    expect(family.comparisons.map((c) => [c.files.map((f) => path.basename(f)), c.b_pattern, c.problems])).toEqual([
      [['he1.csv', 'he2.csv'], '^low$', 60],
      [['he1.csv', 'he2.csv'], '^high$', 60],
      [['mb1.csv', 'mb2.csv'], '^low$', 80],
      [['mb1.csv', 'mb2.csv'], '^high$', 80],
    ]);
    expect(family.family).toBe(8);
    const single = await compareFiles(files.slice(0, 2), { ...opts, b: '^low$' });
    const inFamily = family.comparisons[0]!;
    expect(inFamily.configs.map((c) => c.p)).toEqual(single.configs.map((c) => c.p));
    expect(inFamily.ci).toEqual(single.ci);
    expect(inFamily.mean_diff).toBe(single.mean_diff);
    // Holm over 8 tests is stricter than over the 2 of one comparison, and never below the raw p.
    const all = family.comparisons.flatMap((c) => c.configs);
    all.forEach((c) => expect(c.p_adjusted).toBeGreaterThanOrEqual(c.p));
    expect(inFamily.configs[0]!.p_adjusted).toBeGreaterThanOrEqual(single.configs[0]!.p_adjusted);
    const raw = all.filter((c) => c.p < 0.05).length;
    const kept = family.comparisons.reduce((n, c) => n + c.significant_adjusted, 0);
    expect(raw).toBeGreaterThan(kept);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBe(all.filter((c) => c.p_adjusted < 0.05).length);
    const bh = await compareFamily(files, { ...opts, bs: ['^low$', '^high$'], adjustment: 'bh' });
    bh.comparisons.flatMap((c) => c.configs).forEach((c, i) => expect(c.p_adjusted).toBeLessThanOrEqual(all[i]!.p_adjusted + 1e-15));
  });

  it('still refuses files that overlap but do not cover the same problems', async () => {
    const short = await write('he-short.csv', table(Array.from({ length: 58 }, (_, i) => `HumanEval/${i}`), [9, 1], [0, 0]));
    await expect(compareFamily([files[0]!, short], { a: '^mid$', bs: ['^low$'], mcnemar: 'midp', resamples: { kind: 'seeded', count: 10, seed: 0 } })).rejects.toThrow(/HumanEval\/59.*missing/);
  });

  it('prints raw and Holm-adjusted p-values side by side on the command line', async () => {
    const r = await runCli(['compare', ...files, '--a', '^mid$', '--b', '^low$', '^high$']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('p Holm');
    expect(r.stdout).toMatch(/Holm over all 8 tests: \d+ of \d+ raw-significant differences survive/);
    const json = JSON.parse((await runCli(['compare', ...files.slice(0, 2), '--a', '^mid$', '--b', '^low$', '--adjust', 'bh', '--json'])).stdout);
    expect(json.adjustment).toBe('bh');
    expect(json.configs[0].p_adjusted).toBeGreaterThanOrEqual(json.configs[0].p);
    expect((await runCli(['compare', files[0]!, '--a', '^mid$', '--b', '^low$', '--adjust', 'bonferroni'])).exitCode).toBe(2);
  });
});
