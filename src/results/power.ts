/**
 * Power of the paired McNemar test, so a study sees before spending GPU-hours which pass@1
 * differences its benchmarks can detect at all.
 *
 * Model: each (problem, repeat) pair of two arms is discordant with probability `discordance` ψ;
 * a discordant pair favours arm A with probability (ψ + δ)/(2ψ), so δ = P(A only) − P(B only) is
 * exactly the pass@1 difference. With r repeats the n·r pairs are pooled into one mid-p McNemar
 * test (the `compare` default). Pairs of one problem across repeats are correlated in practice,
 * which makes the true detectable difference larger: the number reported is a lower bound, so
 * "differences under X points are not detectable" stays true.
 *
 * Power is computed exactly (a sum over the number of discordant pairs), not by a normal
 * approximation: HumanEval with one repeat has only ~20 discordant problems.
 */
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import binomialPmf from '@stdlib/stats-base-dists-binomial-pmf';
import { mcnemarP, type McNemarVariant } from './stats.js';

/**
 * Discordance used when no pilot run is given: the mean share of problems on which two arms
 * differ over study B's 16 published RQ1 comparisons (../shared/data/paper-stats, medium vs low
 * and medium vs high, 4 configurations × HumanEval and MBPP; range 0.075–0.211).
 */
export const DEFAULT_DISCORDANCE = 0.127;
export const DEFAULT_POWER = 0.8;
export const DEFAULT_POWER_ALPHA = 0.05;

export interface PowerSettings {
  /** Pairs tested together: problems × repeats. */
  pairs: number;
  /** Share ψ of pairs on which the two arms differ, in (0, 1]. */
  discordance: number;
  alpha?: number;
  variant?: McNemarVariant;
}

/**
 * For each number d of discordant pairs, the largest count k ≤ d/2 of pairs favouring the less
 * successful arm that is still significant (−1 when none is): the test rejects when the smaller
 * side is ≤ k. The p-value grows with k up to d/2, so a binary search finds it.
 */
function criticalCounts(pairs: number, alpha: number, variant: McNemarVariant): Int32Array {
  const out = new Int32Array(pairs + 1).fill(-1);
  for (let d = 1; d <= pairs; d++) {
    let lo = 0;
    let hi = Math.floor(d / 2);
    if (mcnemarP(0, d, variant) >= alpha) continue;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (mcnemarP(mid, d - mid, variant) < alpha) lo = mid;
      else hi = mid - 1;
    }
    out[d] = lo;
  }
  return out;
}

const criticalCache = new Map<string, Int32Array>();

function critical(pairs: number, alpha: number, variant: McNemarVariant): Int32Array {
  const key = `${pairs}|${alpha}|${variant}`;
  let c = criticalCache.get(key);
  if (!c) criticalCache.set(key, (c = criticalCounts(pairs, alpha, variant)));
  return c;
}

function check(s: PowerSettings): void {
  if (!Number.isInteger(s.pairs) || s.pairs < 1) throw new RangeError(`pairs must be a positive integer, got ${s.pairs}`);
  if (!(s.discordance > 0 && s.discordance <= 1)) throw new RangeError(`discordance must be in (0, 1], got ${s.discordance}`);
}

/** Probability that the two-sided McNemar test rejects at level α when the true difference is `diff` (a fraction, |diff| ≤ ψ). */
export function mcnemarPower(diff: number, s: PowerSettings): number {
  check(s);
  const psi = s.discordance;
  if (Math.abs(diff) > psi + 1e-12) throw new RangeError(`a difference of ${diff} needs a discordance of at least ${Math.abs(diff)}, got ${psi}`);
  const q = Math.min(1, Math.max(0, (psi + diff) / (2 * psi)));
  const crit = critical(s.pairs, s.alpha ?? DEFAULT_POWER_ALPHA, s.variant ?? 'midp');
  let power = 0;
  for (let d = 1; d <= s.pairs; d++) {
    const k = crit[d]!;
    if (k < 0) continue;
    const w = binomialPmf(d, s.pairs, psi);
    if (w < 1e-15) continue;
    // Reject when the A-favouring count is ≤ k or ≥ d − k (the two tails never overlap: k < d/2).
    const lower = binomialCdf(k, d, q);
    const upper = 1 - binomialCdf(d - k - 1, d, q);
    power += w * (lower + upper);
  }
  return Math.min(1, power);
}

/**
 * The smallest difference (percentage points of pass@1) detected with the given power, or null
 * when not even δ = ψ (every discordant pair favouring one arm) reaches it.
 */
export function detectableDifference(s: PowerSettings & { power?: number }): number | null {
  check(s);
  const target = s.power ?? DEFAULT_POWER;
  const psi = s.discordance;
  if (mcnemarPower(psi, s) < target) return null;
  let lo = 0;
  let hi = psi;
  // Power rises with δ; 30 halvings pin δ far below the 0.1-point display precision.
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (mcnemarPower(mid, s) >= target) hi = mid;
    else lo = mid;
  }
  return 100 * hi;
}

/**
 * Discordance measured on a pilot run: the share of problems on which two arms differ, averaged
 * over every pair of outcome columns of every table (columns are arms of one configuration).
 */
export function pilotDiscordance(tables: readonly { columns: ReadonlyMap<string, ArrayLike<number>> }[]): number | null {
  let sum = 0;
  let pairs = 0;
  for (const t of tables) {
    const cols = [...t.columns.values()];
    for (let i = 0; i < cols.length; i++) {
      for (let j = i + 1; j < cols.length; j++) {
        const a = cols[i]!;
        const b = cols[j]!;
        let differ = 0;
        for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) differ++;
        if (a.length > 0) {
          sum += differ / a.length;
          pairs++;
        }
      }
    }
  }
  return pairs === 0 ? null : sum / pairs;
}
