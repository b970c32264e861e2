/**
 * Paired statistics for comparing two arms on the same benchmark problems, as study B reports
 * them: a McNemar test per configuration and a paired bootstrap interval of the mean difference
 * across configurations. Pure functions over 0/1 outcome vectors.
 */
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import binomialPmf from '@stdlib/stats-base-dists-binomial-pmf';
import gammainc from '@stdlib/math-base-special-gammainc';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { percentile } from '../util/percentile.js';

import { SEED_MAX, type McNemarVariant } from './options.js';
export { MCNEMAR_VARIANTS, SEED_MAX, type McNemarVariant } from './options.js';

/**
 * Two-sided McNemar p-value from the discordant counts: `b` problems only arm A passes, `c` only
 * arm B passes. With no discordant pairs the arms cannot be told apart, so p = 1.
 *  - `exact`: two-sided exact binomial test of b ~ Bin(b + c, 1/2).
 *  - `midp`: the exact p-value minus the probability of the observed count (Fagerland et al. 2013).
 *  - `chi2`: (b − c)² / (b + c) against chi-square with 1 df.
 *  - `chi2-cc`: with Edwards' continuity correction, (|b − c| − 1)² / (b + c). The correction never
 *    overshoots: |b − c| ≤ 1 gives 0 and p = 1 (R's mcnemar.test and statsmodels square the −1
 *    instead, so for b = c > 0 they report p < 1, below the uncorrected test's p = 1).
 */
export function mcnemarP(b: number, c: number, variant: McNemarVariant = 'midp'): number {
  const n = b + c;
  if (n === 0) return 1;
  switch (variant) {
    case 'exact':
      return Math.min(1, 2 * binomialCdf(Math.min(b, c), n, 0.5));
    case 'midp': {
      const k = Math.min(b, c);
      // 2·P(X ≤ k−1) + P(X = k) equals exact − P(X = k) without cancelling two nearly equal numbers.
      const below = k > 0 ? binomialCdf(k - 1, n, 0.5) : 0;
      return Math.min(1, 2 * below + binomialPmf(k, n, 0.5));
    }
    case 'chi2':
      return chiSquare1Sf(((b - c) ** 2) / n);
    case 'chi2-cc':
      return chiSquare1Sf(Math.max(0, Math.abs(b - c) - 1) ** 2 / n);
  }
}

/** Upper tail of chi-square with 1 degree of freedom, via the upper regularized gamma (accurate for tiny p). */
function chiSquare1Sf(x: number): number {
  return x <= 0 ? 1 : gammainc(x / 2, 0.5, true, true);
}

/** One configuration's paired outcomes, aligned by problem index (1 = passed). */
export interface PairedOutcomes {
  a: ArrayLike<number>;
  b: ArrayLike<number>;
}

/** Pass rate in percent over the problems `indices` (all problems when omitted). */
export function passPercent(outcomes: ArrayLike<number>, indices?: ArrayLike<number>): number {
  let passed = 0;
  if (indices === undefined) {
    for (let i = 0; i < outcomes.length; i++) passed += outcomes[i]!;
    return (100 * passed) / outcomes.length;
  }
  for (let i = 0; i < indices.length; i++) passed += outcomes[indices[i]!]!;
  return (100 * passed) / indices.length;
}

/** Counts of problems only A passes (`aOnly`) and only B passes (`bOnly`). */
export function discordant(pair: PairedOutcomes): { aOnly: number; bOnly: number } {
  let aOnly = 0;
  let bOnly = 0;
  for (let i = 0; i < pair.a.length; i++) {
    const a = pair.a[i]!;
    const b = pair.b[i]!;
    if (a > b) aOnly++;
    else if (b > a) bOnly++;
  }
  return { aOnly, bOnly };
}

/** Mean over configurations of pass_a − pass_b in percentage points, on the problems `indices`. */
export function meanDiff(configs: readonly PairedOutcomes[], indices?: ArrayLike<number>): number {
  let sum = 0;
  for (const c of configs) sum += passPercent(c.a, indices) - passPercent(c.b, indices);
  return sum / configs.length;
}

/**
 * `count` bootstrap resamples of `nProblems` problem indices drawn with replacement from a seeded
 * xoroshiro128+ stream: the same seed gives the same resamples on every machine.
 */
export function seededResamples(nProblems: number, count: number, seed: number): Int32Array[] {
  if (!Number.isInteger(seed) || seed < 0 || seed > SEED_MAX) throw new RangeError(`seed must be an integer from 0 to ${SEED_MAX}`);
  const rng = xoroshiro128plus(seed);
  const out: Int32Array[] = [];
  for (let r = 0; r < count; r++) {
    const idx = new Int32Array(nProblems);
    for (let i = 0; i < nProblems; i++) idx[i] = uniformInt(rng, 0, nProblems - 1);
    out.push(idx);
  }
  return out;
}

export interface BootstrapInterval {
  lo: number;
  hi: number;
  /** Mean difference of each resample, in resample order. */
  replicates: number[];
}

/**
 * Paired bootstrap over problems: each resample picks the same problems for every configuration,
 * the statistic is the mean over configurations of the pass@1 difference (percentage points), and
 * the interval is the (100 − level)/2 and (100 + level)/2 percentiles of the replicates.
 */
export function pairedBootstrap(
  configs: readonly PairedOutcomes[],
  resamples: readonly ArrayLike<number>[],
  level = 95,
): BootstrapInterval {
  if (resamples.length === 0) throw new RangeError('bootstrap needs at least one resample');
  const replicates = resamples.map((idx) => meanDiff(configs, idx));
  const sorted = Float64Array.from(replicates).sort();
  const tail = (100 - level) / 2;
  return { lo: percentile(sorted, tail), hi: percentile(sorted, 100 - tail), replicates };
}
