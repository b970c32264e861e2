import { AblateError, EXIT } from '../../errors.js';
import type { Filter } from '../../spec/types.generated.js';
import { binIndex, indicesOfBin, quantileBins, summarizeBins, type BinSummary } from './bins.js';

export type DiversityFilter = NonNullable<Filter['diversity']>;

export interface DiversityReport {
  method: string;
  levels?: number;
  keep: number | 'selected' | 'rejected';
  binSummaries?: BinSummary[];
  selected?: number;
}

/**
 * Keeps one diversity level. `scores` (aligned with `ids`, higher = more diverse) come from the
 * annotators: 1 − mean cosine similarity (study B) or kNN density, cut into quantile levels like
 * the complexity tertiles. For `greedy`, the score is the selection flag (1 kept by DEITA's greedy
 * pass, 0 not): `high`/`highest` keeps the selected records, `low`/`lowest` the rejected ones.
 */
export function filterDiversity(
  ids: readonly string[],
  scores: ArrayLike<number>,
  cfg: DiversityFilter,
): { kept: number[]; report: DiversityReport } {
  const method = cfg.method ?? 'mean-similarity';
  if (method === 'greedy') {
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
  const levels = cfg.levels ?? 3;
  const binOf = quantileBins(scores, ids, levels);
  const keep = binIndex(cfg.keep, levels, 'data.filter.diversity');
  return {
    kept: indicesOfBin(binOf, keep),
    report: { method, levels, keep: keep + 1, binSummaries: summarizeBins(binOf, scores, levels) },
  };
}
