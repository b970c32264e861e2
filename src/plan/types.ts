/**
 * The plan is plain data: runs, and the deduplicated stages they need. Pure functions build it
 * (src/plan/); executors (src/exec/) are the only code that runs it.
 */

export type StageKind = 'materialize' | 'train' | 'eval';
export const STAGE_KINDS: readonly StageKind[] = ['materialize', 'train', 'eval'];

/** The exact external command a stage runs (empty argv for stages ablate runs in-process). */
export interface StageCommand {
  argv: string[];
  /** Only the variables the stage sets; the executor adds the inherited environment. */
  env: Record<string, string>;
  cwd: string;
}

export interface Stage {
  kind: StageKind;
  /** Hash of exactly the inputs that determine the output (see src/plan/ids.ts). */
  id: string;
  /** Absolute output folder: <results>/stages/<kind>/<id>. */
  dir: string;
  /** Ids of the stages whose outputs this one reads. */
  deps: string[];
  /** The hashed inputs, kept so a cache miss can be explained. */
  inputs: Record<string, unknown>;
  /** GPUs the stage needs on each of its nodes (0 for CPU stages). */
  gpus: number;
  /** Nodes of a multi-node training (absent: one). */
  nodes?: number;
  /** SLURM resources of this stage's job, over execute.slurm (train.resources / eval.resources). */
  resources?: import('../spec/types.generated.js').Resources;
  /** Run ids that need this stage. */
  runs: string[];
  /** For eval stages: the task. */
  task?: string;
  command?: StageCommand;
}

export interface Run {
  id: string;
  /** Readable name from the run's axis values (unique within the experiment). */
  name: string;
  index: number;
  /** Axis path → value for this run (sweep axes only). */
  axes: Record<string, unknown>;
  /** 1-based repeat number. */
  repeat: number;
  /** The sampling seed of this repeat, derived from the spec seed. */
  samplingSeed: number;
  /** The resolved spec of this run: base + overrides, defaults applied, without `sweep`. */
  config: ResolvedRunConfig;
  /** Stage ids of this run in order: materialize, train, then one eval per task. */
  stages: string[];
}

/** Resolved per-run config. Typed loosely here; src/spec/types.generated.ts has the schema's types. */
export type ResolvedRunConfig = import('../spec/types.generated.js').ExperimentSpec;

export interface Plan {
  experiment: string;
  specFile: string;
  /** Directory relative paths in the spec resolve against. */
  specDir: string;
  resultsRoot: string;
  runs: Run[];
  /** Every unique stage, keyed by id, in a dependency-respecting order. */
  stages: Map<string, Stage>;
}

/** File name of a stage's completion record; a stage is done exactly when this file exists in its dir. */
export const COMPLETION_RECORD = 'ablate-stage.json';
