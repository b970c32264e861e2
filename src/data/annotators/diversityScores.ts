/** Diversity scores of records: embeddings (cached) → one of the three diversity methods. */
import { AblateError } from '../../errors.js';
import { knnDensity, meanSimilarityDiversity } from './diversity.js';
import { embedRecords } from './embedding.js';
import { greedySelect } from './greedy.js';
import type { AnnotatableRecord, AnnotateContext, DiversityFilterConfig, EmbeddingAnnotatorConfig } from './types.js';

export async function diversityScores(
  records: AnnotatableRecord[],
  filterCfg: DiversityFilterConfig,
  embeddingCfg: EmbeddingAnnotatorConfig,
  ctx: AnnotateContext,
): Promise<Float64Array> {
  const method = filterCfg.method ?? 'mean-similarity';
  if (records.length === 0) return new Float64Array(0);
  const { vectors, dim } = await embedRecords(records, embeddingCfg, ctx);
  const n = records.length;
  const started = performance.now();
  const onSearch = filterCfg.onSearch;
  let scores: Float64Array;
  switch (method) {
    case 'mean-similarity':
      scores = meanSimilarityDiversity(vectors, n, dim);
      break;
    case 'knn-density':
      scores = await knnDensity(vectors, n, dim, filterCfg.k ?? 10, onSearch ? { onSearch } : {});
      break;
    case 'greedy':
      if (filterCfg.order && filterCfg.order.length !== n) {
        throw new AblateError(`diversity greedy: ${filterCfg.order.length} order scores for ${n} records`);
      }
      scores = await greedySelect(vectors, n, dim, filterCfg.threshold ?? 0.9, filterCfg.order, {
        ...(filterCfg.approximate ? { approximate: true } : {}),
        ...(onSearch ? { onSearch } : {}),
      });
      break;
    default:
      throw new AblateError(`filters.diversity.method ${JSON.stringify(method)} is not one of mean-similarity, knn-density, greedy`, 2);
  }
  ctx.log(`diversity (${method}): ${n} records × ${dim} dims in ${Math.round(performance.now() - started)} ms`);
  return scores;
}
