import { AblateError, EXIT } from '../../errors.js';
import type { Filter } from '../../spec/types.generated.js';
import { binIndex, indicesOfBin, percentileBins, quantileBins, summarizeBins, thresholdBins, type BinSummary } from './bins.js';

export type ComplexityFilter = NonNullable<Filter['complexity']>;

export interface ComplexityReport {
  mode: 'quantile' | 'thresholds' | 'percentiles';
  bins: number;
  keep: number;
  thresholds?: number[];
  percentiles?: number[];
  /** The score cut points the percentiles came to. */
  cuts?: number[];
  binSummaries: BinSummary[];
}

/**
 * Keeps one complexity bin. `scores` is aligned with `ids`; returns the kept positions in input order.
 * Quantile bins follow study B (equal slices of the ascending sort); thresholds cut at fixed scores;
 * percentiles cut at numpy percentiles of the scores, a score on a cut joining the lower bin.
 */
export function filterComplexity(
  ids: readonly string[],
  scores: ArrayLike<number>,
  cfg: ComplexityFilter,
): { kept: number[]; report: ComplexityReport } {
  const { thresholds, percentiles } = cfg;
  if (thresholds && percentiles) {
    throw new AblateError('data.filter.complexity: give either thresholds or percentiles, not both', EXIT.usage);
  }
  const bins = thresholds ? thresholds.length + 1 : percentiles ? percentiles.length + 1 : (cfg.bins ?? 3);
  let binOf: Int32Array;
  let cuts: number[] | undefined;
  if (thresholds) binOf = thresholdBins(scores, thresholds);
  else if (percentiles) ({ binOf, cuts } = percentileBins(scores, percentiles, 'lower', 'data.filter.complexity'));
  else binOf = quantileBins(scores, ids, bins);
  const keep = binIndex(cfg.keep, bins, 'data.filter.complexity');
  return {
    kept: indicesOfBin(binOf, keep),
    report: {
      mode: thresholds ? 'thresholds' : percentiles ? 'percentiles' : 'quantile',
      bins,
      keep: keep + 1,
      ...(thresholds ? { thresholds: [...thresholds] } : {}),
      ...(percentiles ? { percentiles: [...percentiles], cuts: cuts! } : {}),
      binSummaries: summarizeBins(binOf, scores, bins),
    },
  };
}
