import { AblateError, EXIT } from '../../errors.js';
import type { BinChoice } from '../../spec/types.generated.js';

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
