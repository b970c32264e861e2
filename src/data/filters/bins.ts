import { AblateError, EXIT } from '../../errors.js';
import type { BinChoice } from '../../spec/types.generated.js';
import { percentile } from '../../util/percentile.js';

/**
 * Quantile bins exactly as study B cuts tertiles: sort ascending by score, slices of floor(N/bins),
 * the last slice takes the remainder. Ties are broken by record id so the cut never depends on
 * input order. Returns the 0-based bin of every record (aligned with `scores`).
 */
export function quantileBins(scores: ArrayLike<number>, ids: readonly string[], bins: number): Int32Array {
  const n = scores.length;
  checkFinite(scores, ids);
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => scores[a]! - scores[b]! || (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : a - b));
  const slice = Math.floor(n / bins);
  const binOf = new Int32Array(n);
  for (let rank = 0; rank < n; rank++) binOf[order[rank]!] = slice === 0 ? bins - 1 : Math.min(Math.floor(rank / slice), bins - 1);
  return binOf;
}

/** Explicit cut points: bin i holds scores in [t(i-1), t(i)); thresholds.length + 1 bins. */
export function thresholdBins(scores: ArrayLike<number>, thresholds: readonly number[]): Int32Array {
  checkFinite(scores);
  for (let i = 1; i < thresholds.length; i++) {
    if (!(thresholds[i]! > thresholds[i - 1]!)) {
      throw new AblateError(`complexity.thresholds must be strictly ascending, got ${JSON.stringify(thresholds)}`, EXIT.usage);
    }
  }
  const binOf = new Int32Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    let b = 0;
    while (b < thresholds.length && scores[i]! >= thresholds[b]!) b++;
    binOf[i] = b;
  }
  return binOf;
}

/**
 * Which bin a score equal to a cut point joins. `lower`: bin i holds (cut(i-1), cut(i)], the lowest
 * bin [min, cut(0)]. `upper`: bin i holds [cut(i-1), cut(i)), the highest bin [cut(last), max].
 */
export type CutSide = 'lower' | 'upper';

/**
 * Percentile bins: the cut points are numpy's default `np.percentile` (linear) of the scores at each
 * of `percentiles` (strictly ascending, in (0, 100)); percentiles.length + 1 bins.
 *
 * With `side: 'upper'` each cut is counted from the top: the cut at p is numpy's (100 − p)-th
 * percentile of the scores in descending order. That is the same number as the p-th percentile in
 * exact arithmetic, but it uses the very order statistics and weights numpy uses for the (100 − p)-th
 * percentile of the mirrored score (similarity = 1 − diversity). Computed from the bottom instead,
 * the index can land a hair off a record that study A's index hits exactly (150·0.66 = 99 but
 * 150·0.34 = 51.00000000000001), and the record on study A's cut would change sides.
 */
export function percentileBins(
  scores: ArrayLike<number>,
  percentiles: readonly number[],
  side: CutSide,
  where: string,
): { binOf: Int32Array; cuts: number[] } {
  checkFinite(scores);
  for (let i = 0; i < percentiles.length; i++) {
    const p = percentiles[i]!;
    if (!(p > 0 && p < 100) || (i > 0 && !(p > percentiles[i - 1]!))) {
      throw new AblateError(`${where}.percentiles must be strictly ascending numbers between 0 and 100 (exclusive), got ${JSON.stringify(percentiles)}`, EXIT.usage);
    }
  }
  const n = scores.length;
  const binOf = new Int32Array(n);
  if (n === 0) return { binOf, cuts: [] };
  // Typed-array sort is numeric; scores are finite, so there is no NaN or -0 subtlety that matters.
  const ascending = Float64Array.from(scores).sort();
  const descending = side === 'upper' ? ascending.slice().reverse() : ascending;
  const cuts = percentiles.map((p) => (side === 'upper' ? percentile(descending, 100 - p) : percentile(ascending, p)));
  for (let i = 0; i < n; i++) {
    const v = scores[i]!;
    let b = 0;
    if (side === 'lower') while (b < cuts.length && v > cuts[b]!) b++;
    else while (b < cuts.length && v >= cuts[b]!) b++;
    binOf[i] = b;
  }
  return { binOf, cuts };
}

function checkFinite(scores: ArrayLike<number>, ids?: readonly string[]): void {
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i]!)) {
      const which = ids?.[i] !== undefined ? `record ${ids[i]} (position ${i})` : `record ${i}`;
      throw new AblateError(
        `score of ${which} is ${scores[i]}; scores must be finite numbers. The scorer or the embedding vectors produced an invalid value for it`,
        EXIT.failed,
      );
    }
  }
}

/** The 0-based bin a `keep` value names; `low`/`medium`/`high` only make sense with three bins. */
export function binIndex(keep: BinChoice, bins: number, where: string): number {
  if (typeof keep === 'number') {
    if (!Number.isInteger(keep) || keep < 1 || keep > bins) {
      throw new AblateError(`${where}.keep: bin ${keep} does not exist; there are ${bins} bins (1..${bins})`, EXIT.usage);
    }
    return keep - 1;
  }
  if (keep === 'lowest') return 0;
  if (keep === 'highest') return bins - 1;
  if (bins !== 3) {
    throw new AblateError(`${where}.keep: "${keep}" needs exactly 3 bins (there are ${bins}); use lowest, highest or a bin number`, EXIT.usage);
  }
  return keep === 'low' ? 0 : keep === 'medium' ? 1 : 2;
}

/** Per-bin facts for the manifest and data card: they show that the bins really are ordered and sized. */
export interface BinSummary {
  bin: number;
  count: number;
  min: number;
  max: number;
  mean: number;
}

export function summarizeBins(binOf: Int32Array, scores: ArrayLike<number>, bins: number): BinSummary[] {
  const out: BinSummary[] = Array.from({ length: bins }, (_, b) => ({ bin: b + 1, count: 0, min: Infinity, max: -Infinity, mean: 0 }));
  for (let i = 0; i < binOf.length; i++) {
    const s = out[binOf[i]!]!;
    const v = scores[i]!;
    s.count++;
    s.mean += v;
    if (v < s.min) s.min = v;
    if (v > s.max) s.max = v;
  }
  for (const s of out) {
    s.mean = s.count ? s.mean / s.count : 0;
    if (!s.count) {
      s.min = 0;
      s.max = 0;
    }
  }
  return out;
}

export function indicesOfBin(binOf: Int32Array, bin: number): number[] {
  const kept: number[] = [];
  for (let i = 0; i < binOf.length; i++) if (binOf[i] === bin) kept.push(i);
  return kept;
}
