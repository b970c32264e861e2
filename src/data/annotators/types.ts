/**
 * Shapes the annotators work on. Configs are the schema's own types (src/spec/types.generated.ts);
 * defaults are applied by validation or here, so a hand-built config works too.
 */
import type { NeighbourSearch } from './vectorIndex.js';
import type { ComplexityAnnotator, EmbeddingAnnotator, Filter, TaskTypeAnnotator } from '../../spec/types.generated.js';

/** The fields of a canonical record the annotators read (structurally a `CanonicalRecord`). */
export interface AnnotatableRecord {
  /** Content hash of the record: the cache key of every annotation. */
  id: string;
  instruction: string;
  input: string;
  output: string;
  source: string;
  domain: string;
  complexity?: number;
  task_type?: string;
}

/** Side effects and places an annotator may use, injected by the caller. */
export interface AnnotateContext {
  /** Root of the annotation cache (annotations live in `<cacheDir>/annotations/<annotatorHash>/`). */
  cacheDir: string;
  /** Folder of the spec: relative paths in annotator configs (model folders, vector files) resolve here. */
  specDir: string;
  log(line: string): void;
}

export type ScoreGateConfig = NonNullable<ComplexityAnnotator['gate']>;
export type ComplexityAnnotatorConfig = ComplexityAnnotator;
export type EmbeddingAnnotatorConfig = EmbeddingAnnotator;

/** One task category; the schema's list form, item by item. */
export type TaskCategory = Exclude<TaskTypeAnnotator['categories'], 'seed-b-10' | undefined>[number];

/** The schema's task-type config, with the category list as a plain array (the schema's minItems aside). */
export type TaskTypeAnnotatorConfig = Omit<TaskTypeAnnotator, 'categories'> & { categories?: 'seed-b-10' | TaskCategory[] };

/** The schema's `data.filter.diversity` (defaults optional), plus the greedy offer order. */
export type DiversityFilterConfig = Partial<NonNullable<Filter['diversity']>> & {
  /**
   * greedy only: the order in which records are offered to the selection, as one score per record
   * (aligned with `records`), highest first (DEITA sorts by its complexity × quality score).
   * Without it records are offered in their given order.
   */
  order?: ArrayLike<number>;
  /** knn-density and greedy: receives how neighbours were searched (exact, or the index and its measured recall), for the data card. */
  onSearch?(search: NeighbourSearch): void;
};

/** Task types of the records: the category per record (aligned) and the group of every category. */
export interface TaskTypeAnnotation {
  /** Category name per record, aligned with the input records. */
  categories: string[];
  /** Group of each category name (e.g. `Web Development` → `practical`). */
  groupOf: Record<string, string>;
}
