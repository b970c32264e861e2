import type { Filter } from '../../spec/types.generated.js';
import { binIndex, indicesOfBin, quantileBins, summarizeBins, thresholdBins, type BinSummary } from './bins.js';

export type ComplexityFilter = NonNullable<Filter['complexity']>;

export interface ComplexityReport {
  mode: 'quantile' | 'thresholds';
  bins: number;
  keep: number;
  thresholds?: number[];
  binSummaries: BinSummary[];
}

/**
 * Keeps one complexity bin. `scores` is aligned with `ids`; returns the kept positions in input order.
 * Quantile bins follow study B (equal slices of the ascending sort); thresholds cut at fixed scores.
 */
export function filterComplexity(
  ids: readonly string[],
  scores: ArrayLike<number>,
  cfg: ComplexityFilter,
): { kept: number[]; report: ComplexityReport } {
  const thresholds = cfg.thresholds;
  const bins = thresholds ? thresholds.length + 1 : (cfg.bins ?? 3);
  const binOf = thresholds ? thresholdBins(scores, thresholds) : quantileBins(scores, ids, bins);
  const keep = binIndex(cfg.keep, bins, 'data.filter.complexity');
  return {
    kept: indicesOfBin(binOf, keep),
    report: {
      mode: thresholds ? 'thresholds' : 'quantile',
      bins,
      keep: keep + 1,
      ...(thresholds ? { thresholds: [...thresholds] } : {}),
      binSummaries: summarizeBins(binOf, scores, bins),
    },
  };
}
