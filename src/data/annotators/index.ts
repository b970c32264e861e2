/**
 * The annotators of the data pipeline: complexity scores, embeddings, task types, diversity scores.
 * Every model-based annotation is cached on disk per record content id × annotator config
 * (`<ctx.cacheDir>/annotations/<annotatorHash>/`), so re-running, or adding records, computes only
 * what is missing.
 */
import { annotateComplexity as annotateComplexityImpl } from './complexity.js';
import { diversityScores as diversityScoresImpl } from './diversityScores.js';
import { classifyTaskTypes as classifyTaskTypesImpl } from './taskType.js';
import type {
  AnnotatableRecord,
  AnnotateContext,
  ComplexityAnnotatorConfig,
  DiversityFilterConfig,
  EmbeddingAnnotatorConfig,
  TaskTypeAnnotation,
  TaskTypeAnnotatorConfig,
} from './types.js';

export type {
  AnnotatableRecord,
  AnnotateContext,
  ComplexityAnnotatorConfig,
  DiversityFilterConfig,
  EmbeddingAnnotatorConfig,
  ScoreGateConfig,
  TaskCategory,
  TaskTypeAnnotation,
  TaskTypeAnnotatorConfig,
} from './types.js';
export { checkScoreGate, scoreStats } from './gate.js';
export { heuristicComplexity, heuristicFeatures } from './heuristic.js';
export { combineComplexity, minMax, complexityAnnotatorHash } from './complexity.js';
export { embedRecords, embeddingAnnotatorHash, recordText } from './embedding.js';
export { SEED_B_10, resolveCategories } from './categories.js';
export { meanSimilarityDiversity, knnDensity } from './diversity.js';
export { greedySelect } from './greedy.js';
export type { NeighbourSearch } from './vectorIndex.js';

/**
 * One complexity score per record, aligned with `records` (higher = more complex).
 * - `heuristic`: a deterministic text proxy (see heuristic.ts); `field`: `record.complexity`;
 * - `endpoint`: XCoder expected value 0..5 from an OpenAI-compatible server;
 * - `python`: study B's XCoder + GPT-2 perplexity, combined per `cfg.combine` (default: mean of min-maxes).
 * Throws an AblateError (exit 2 for config/input problems) when records lack a field, when the scorer
 * fails for any record (no fallback values), or when the scores fail the sanity gate `cfg.gate`
 * (skipped below 20 records).
 */
export function annotateComplexity(records: AnnotatableRecord[], cfg: ComplexityAnnotatorConfig, ctx: AnnotateContext): Promise<Float64Array> {
  return annotateComplexityImpl(records, cfg, ctx);
}

/**
 * The task category of every record and the group of every category (study B: ten categories,
 * `algorithmic` vs `practical`). `cfg.embedding` is used by the `embedding` method when
 * `cfg.task_type.model` is unset (its model; INSTRUCTOR prompts come from the task_type config).
 */
export function classifyTaskTypes(
  records: AnnotatableRecord[],
  cfg: { task_type: TaskTypeAnnotatorConfig; embedding?: EmbeddingAnnotatorConfig },
  ctx: AnnotateContext,
): Promise<TaskTypeAnnotation> {
  return classifyTaskTypesImpl(records, cfg, ctx);
}

/**
 * One diversity score per record, aligned with `records`; higher = more diverse.
 * - `mean-similarity` (study B): 1 − mean cosine similarity to all other records, exact, O(N·d);
 * - `knn-density`: mean cosine distance to the `k` nearest neighbours (hnswlib index);
 * - `greedy` (DEITA): 1 for records the greedy threshold selection keeps, 0 for the rest. Records are
 *   offered in order of `filterCfg.order` (highest first; record order when absent) and kept when
 *   their cosine similarity to every kept record is ≤ `threshold`. Keep the 1s to use it as a filter.
 */
export function diversityScores(
  records: AnnotatableRecord[],
  filterCfg: DiversityFilterConfig,
  embeddingCfg: EmbeddingAnnotatorConfig,
  ctx: AnnotateContext,
): Promise<Float64Array> {
  return diversityScoresImpl(records, filterCfg, embeddingCfg, ctx);
}
