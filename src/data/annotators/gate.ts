/**
 * The sanity gate on complexity scores, run before any training: degenerate scores (no spread, or
 * a large share of one identical value such as a scorer's fallback) would make the complexity bins
 * meaningless. Study B's script silently returned 2.0 for every failed record; this catches that.
 */
import type { ScoreGateConfig } from './types.js';

export const GATE_DEFAULTS = { min_std: 1e-6, max_mode_share: 0.5 } as const;

/** Below this many records a share or a spread says little; the gate passes. */
export const GATE_MIN_RECORDS = 20;

export interface ScoreStats {
  n: number;
  mean: number;
  std: number;
  modeValue: number;
  modeCount: number;
}

export function scoreStats(scores: ArrayLike<number>): ScoreStats {
  const n = scores.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += scores[i]!;
  const mean = n ? sum / n : 0;
  let ss = 0;
  const counts = new Map<number, number>();
  let modeValue = NaN;
  let modeCount = 0;
  for (let i = 0; i < n; i++) {
    const v = scores[i]!;
    ss += (v - mean) * (v - mean);
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (c > modeCount || (c === modeCount && v < modeValue)) {
      modeCount = c;
      modeValue = v;
    }
  }
  return { n, mean, std: n ? Math.sqrt(ss / n) : 0, modeValue, modeCount };
}

function formatScore(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(Number(v.toPrecision(6)));
}

/**
 * The reason the scores fail the gate, or undefined when they pass. `what` names the scores in the
 * message (e.g. "complexity (python)").
 */
export function checkScoreGate(scores: ArrayLike<number>, gate: ScoreGateConfig = {}, what = 'complexity'): string | undefined {
  const minStd = gate.min_std ?? GATE_DEFAULTS.min_std;
  const maxModeShare = gate.max_mode_share ?? GATE_DEFAULTS.max_mode_share;
  // A non-finite score is wrong however few records there are (only spread and shares need many).
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i]!)) return `${what} score of record ${i} is ${scores[i]} — the scorer produced a non-finite value`;
  }
  const s = scoreStats(scores);
  if (s.n < GATE_MIN_RECORDS) return undefined;
  if (s.std < minStd) {
    return (
      `${what} scores have standard deviation ${s.std.toExponential(2)} < gate.min_std ${minStd} over ${s.n} records ` +
      `(all about ${formatScore(s.mean)}) — looks like the scorer failed or ignored its input; complexity bins would be arbitrary. ` +
      'Check the scorer, or lower annotate.complexity.gate.min_std.'
    );
  }
  const share = s.modeCount / s.n;
  if (share > maxModeShare) {
    const pct = Math.round(share * 1000) / 10;
    return (
      `${pct}% of records scored exactly ${formatScore(s.modeValue)} — looks like a scorer fallback (study B's script returns 2.0 on any failure) ` +
      `or a scorer that ignores its input; above gate.max_mode_share ${maxModeShare}. ` +
      'Check the scorer, or raise annotate.complexity.gate.max_mode_share if such ties are expected.'
    );
  }
  return undefined;
}
