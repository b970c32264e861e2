/**
 * Percentile `q` (0–100) of ascending `sorted` values with linear interpolation between order
 * statistics: numpy's default `percentile(..., method='linear')`, computed in numpy's order of
 * operations (index (n − 1)·(q/100), and its two-sided lerp) so a replayed analysis gives the same
 * floating-point numbers, not merely close ones.
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('percentile of an empty sample');
  const h = (n - 1) * (q / 100);
  if (h >= n - 1) return sorted[n - 1]!;
  if (h <= 0) return sorted[0]!;
  const lo = Math.floor(h);
  const gamma = h - lo;
  const a = sorted[lo]!;
  const b = sorted[lo + 1]!;
  const diff = b - a;
  // numpy's _lerp: from the nearer end, which keeps the result monotone and exact at the ends.
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}
