/**
 * Multiple-comparison adjustment of p-values. A report that compares several arms with a baseline
 * over several benchmarks runs one test per (arm, benchmark, configuration); at α = 0.05 each, one
 * in twenty true nulls looks "significant". The adjusted values are shown beside the raw ones,
 * which stay for reproducing papers that did not adjust.
 */

import type { Adjustment } from './options.js';
export { ADJUSTMENT_NAMES, ADJUSTMENTS, type Adjustment } from './options.js';

/** Indices of `p` in ascending order of p (stable, so ties keep input order). */
function ascending(p: readonly number[]): number[] {
  return p.map((_, i) => i).sort((i, j) => p[i]! - p[j]! || i - j);
}

/**
 * Holm's step-down adjustment (family-wise error rate): the i-th smallest of m p-values becomes
 * max over j ≤ i of min(1, (m − j + 1)·p(j)). Same values as R's `p.adjust(p, "holm")`.
 */
export function holm(p: readonly number[]): number[] {
  const m = p.length;
  const out = new Array<number>(m);
  let running = 0;
  ascending(p).forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p[idx]!));
    out[idx] = running;
  });
  return out;
}

/**
 * Benjamini–Hochberg step-up adjustment (false discovery rate): the i-th smallest becomes
 * min over j ≥ i of min(1, m/j·p(j)). Same values as R's `p.adjust(p, "BH")`.
 */
export function benjaminiHochberg(p: readonly number[]): number[] {
  const m = p.length;
  const out = new Array<number>(m);
  const order = ascending(p);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const idx = order[rank]!;
    running = Math.min(running, Math.min(1, (m / (rank + 1)) * p[idx]!));
    out[idx] = running;
  }
  return out;
}

export function adjust(p: readonly number[], method: Adjustment): number[] {
  return method === 'holm' ? holm(p) : benjaminiHochberg(p);
}
