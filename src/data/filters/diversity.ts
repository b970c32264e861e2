import { AblateError, EXIT } from '../../errors.js';
import type { NeighbourSearch } from '../annotators/vectorIndex.js';
import type { Filter } from '../../spec/types.generated.js';
import { binIndex, indicesOfBin, percentileBins, quantileBins, summarizeBins, type BinSummary } from './bins.js';

export type DiversityFilter = NonNullable<Filter['diversity']>;

export interface DiversityReport {
  method: string;
  levels?: number;
  percentiles?: number[];
  /** The diversity-score cut points the percentiles came to. */
  cuts?: number[];
  keep: number | 'selected' | 'rejected';
  binSummaries?: BinSummary[];
  selected?: number;
  /** knn-density and greedy: exact search, or the index's parameters and its recall on a sample. */
  search?: NeighbourSearch;
}

/**
 * Keeps one diversity level. `scores` (aligned with `ids`, higher = more diverse) come from the
 * annotators: 1 − mean cosine similarity (study B) or kNN density, cut into quantile levels like
 * the complexity tertiles, or at `percentiles` of the score (study A). For `greedy`, the score is
 * the selection flag (1 kept by DEITA's greedy pass, 0 not): `high`/`highest` keeps the selected
 * records, `low`/`lowest` the rejected ones.
 */
export function filterDiversity(
  ids: readonly string[],
  scores: ArrayLike<number>,
  cfg: DiversityFilter,
): { kept: number[]; report: DiversityReport } {
  const method = cfg.method ?? 'mean-similarity';
  if (method === 'greedy') {
    if (cfg.percentiles) {
      throw new AblateError('data.filter.diversity.percentiles: greedy selection has no score to cut; drop percentiles or use method mean-similarity or knn-density', EXIT.usage);
    }
    const wantSelected = cfg.keep === 'high' || cfg.keep === 'highest' || cfg.keep === 2;
    const wantRejected = cfg.keep === 'low' || cfg.keep === 'lowest' || cfg.keep === 1;
    if (!wantSelected && !wantRejected) {
      throw new AblateError(
        `data.filter.diversity.keep: greedy selection has two levels; use high (the selected records) or low (the rest), not ${JSON.stringify(cfg.keep)}`,
        EXIT.usage,
      );
    }
    const kept: number[] = [];
    let selected = 0;
    for (let i = 0; i < scores.length; i++) {
      const isSel = scores[i]! > 0;
      if (isSel) selected++;
      if (isSel === wantSelected) kept.push(i);
    }
    return { kept, report: { method, keep: wantSelected ? 'selected' : 'rejected', selected } };
  }
  const percentiles = cfg.percentiles;
  const levels = percentiles ? percentiles.length + 1 : (cfg.levels ?? 3);
  // Study A cuts mean similarity and sends a record on a cut to the lower-similarity side ("HIGH = at
  // or below the 33rd percentile"); on diversity = 1 − similarity that is the upper side.
  const cut = percentiles ? percentileBins(scores, percentiles, 'upper', 'data.filter.diversity') : undefined;
  const binOf = cut ? cut.binOf : quantileBins(scores, ids, levels);
  const keep = binIndex(cfg.keep, levels, 'data.filter.diversity');
  return {
    kept: indicesOfBin(binOf, keep),
    report: {
      method,
      levels,
      ...(cut ? { percentiles: [...percentiles!], cuts: cut.cuts } : {}),
      keep: keep + 1,
      binSummaries: summarizeBins(binOf, scores, levels),
    },
  };
}
