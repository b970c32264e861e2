/**
 * What the dataset build carries from step to step (build/index.ts runs the steps in order). Each
 * step reads and updates this one object; none writes files.
 */
import type { AnnotateContext, ComplexityAnnotatorConfig, DiversityFilterConfig, EmbeddingAnnotatorConfig, TaskTypeAnnotation, TaskTypeAnnotatorConfig } from '../annotators/types.js';
import type { DecontaminationReport } from '../decontaminate.js';
import type { CanonicalRecord } from '../records.js';
import type { SourceStats } from '../sources/load.js';
import type { Annotate, Data } from '../../spec/types.generated.js';
import type { MaterializeInputs } from '../materialize.js';

export interface StepCount {
  step: string;
  count: number;
  [detail: string]: unknown;
}

/** The annotator functions the materializer calls (src/data/annotators/index.ts); injectable for tests. */
export interface Annotators {
  annotateComplexity(records: CanonicalRecord[], cfg: ComplexityAnnotatorConfig, ctx: AnnotateContext): Promise<Float64Array>;
  classifyTaskTypes(
    records: CanonicalRecord[],
    cfg: { task_type: TaskTypeAnnotatorConfig; embedding?: EmbeddingAnnotatorConfig },
    ctx: AnnotateContext,
  ): Promise<TaskTypeAnnotation>;
  diversityScores(
    records: CanonicalRecord[],
    filterCfg: DiversityFilterConfig,
    embeddingCfg: EmbeddingAnnotatorConfig,
    ctx: AnnotateContext,
  ): Promise<Float64Array>;
  /** Identity (config + scorer version) of an annotator, recorded in the manifest when available. */
  complexityAnnotatorHash?(cfg: ComplexityAnnotatorConfig, specDir?: string, cacheDir?: string): string | Promise<string>;
  embeddingAnnotatorHash?(cfg: EmbeddingAnnotatorConfig, ctx: AnnotateContext): Promise<string>;
}

export interface BuildState {
  inputs: MaterializeInputs;
  data: Data;
  filter: NonNullable<Data['filter']>;
  annotate: Annotate;
  seed: number;
  annotators: Annotators;
  specDir: string;
  cacheDir: string;
  actx: AnnotateContext;
  log(line: string): void;
  warnings: string[];
  steps: StepCount[];
  /** Seeds derived from the root seed, by name. */
  derived: Record<string, number>;
  /** Every source this dataset reads, after dedup and decontamination. */
  loaded: Record<string, CanonicalRecord[]>;
  stats: Record<string, SourceStats>;
  decontamination?: DecontaminationReport;
  /** The records of `data.source` that reached the current step. */
  current: CanonicalRecord[];
  complexity?: {
    method: string;
    config: ComplexityAnnotatorConfig;
    /** Complexity score by record id, over the whole pool. */
    byId: Map<string, number>;
    poolRange: [number, number];
  };
  taskTypes?: {
    config: TaskTypeAnnotatorConfig;
    byId: Map<string, { category: string; group: string }>;
    knownGroups: Set<string>;
  };
  embeddingCfg: EmbeddingAnnotatorConfig;
  diversityMean?: { method: string; meanScore: number; note: string };
}

/** Keeps the positions `kept` of an array (filters return positions into their input). */
export function pick<T>(items: readonly T[], kept: readonly number[]): T[] {
  return kept.map((i) => items[i]!);
}
