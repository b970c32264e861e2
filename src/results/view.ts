/**
 * The shapes of the results view: what `ablate results`, `ablate report` and the end of
 * `ablate run` show, built by `aggregate.ts` from collected runs.
 */
import type { ExperimentSpec } from '../spec/types.generated.js';
import type { Adjustment } from './adjust.js';
import type { Collected, Provenance, RunRow } from './collect.js';
import type { ConfigComparison } from './compare.js';
import type { McNemarVariant } from './stats.js';

export type ReportConfig = NonNullable<ExperimentSpec['report']>;

/** A table column: a metric, possibly restricted to one evaluation setup. */
export interface Column {
  key: string;
  /** The metric key (`dataset.size`, `train.loss`, `humaneval.pass@1`). */
  metric: string;
  label: string;
  /** Eval metrics: the task, and the setup hash when the task was evaluated under several setups. */
  task?: string;
  setup?: string;
  /** Value in percent: deltas are percentage points. */
  percent: boolean;
}

export interface MissingValue {
  run: string;
  repeat: number;
  reason: string;
}

export interface AggregateCell {
  /** Mean over the repeats that have a value; null when none has. */
  mean: number | null;
  /** Sample standard deviation (n − 1); null with fewer than two values. */
  sd: number | null;
  n: number;
  /** Repeats the arm has (n plus the missing ones). */
  of: number;
  values: number[];
  missing: MissingValue[];
  sources: Provenance[];
}

export interface ArmRow {
  arm: string;
  axes: Record<string, unknown>;
  runs: string[];
  isBaseline: boolean;
  cells: Record<string, AggregateCell>;
  /** Column key → mean minus the baseline's mean (percentage points for percent columns). */
  delta: Record<string, number | null>;
  /** Task → distinct setup hashes of the arm's results. */
  setups: Record<string, string[]>;
}

export interface PairedComparison {
  arm: string;
  baseline: string;
  task: string;
  metric: string;
  setup?: string;
  /** Mean pass@1 (percent) of the arm and the baseline over the paired configurations. */
  pass_arm: number | null;
  pass_baseline: number | null;
  configs: ConfigComparison[];
  mean_diff: number | null;
  ci: [number, number] | null;
  significant: number;
  /** Configurations whose p-value stays below alpha after adjusting over every test of the view. */
  significant_adjusted: number;
  total: number;
  problems: number;
  /** Why the comparison could not be made, when it could not. */
  reason?: string;
  warnings: string[];
}

export interface ReferenceCheck {
  arm: string | null;
  armSelector: Record<string, unknown>;
  metric: string;
  reference: number;
  observed: number | null;
  diff: number | null;
  /** |diff| ≤ tolerance; null when there is nothing to compare. */
  ok: boolean | null;
  note?: string;
  reason?: string;
}

export interface StatsSettings {
  mcnemar: McNemarVariant;
  /** Multiple-comparison adjustment over all paired tests of the view (p_adjusted of each configuration). */
  adjustment: Adjustment;
  /** Number of tests adjusted together. */
  family: number;
  resamples: number;
  seed: number;
  alpha: number;
  level: number;
}

export interface ResultsView {
  experiment: string;
  resultsRoot: string;
  specFile: string;
  description?: string;
  /** Sweep axis paths in first-seen order, with display labels. */
  axes: string[];
  axisLabels: Record<string, string>;
  columns: Column[];
  arms: ArmRow[];
  baseline: { selector: Record<string, unknown> | null; arm: string | null; reason?: string };
  stats: PairedComparison[];
  statsSettings: StatsSettings;
  references: ReferenceCheck[];
  tolerance: number;
  /** Task → setup hash → tool and version, from the results that carry them. */
  setups: Record<string, Record<string, { tool?: string; toolVersion?: string }>>;
  warnings: string[];
  collected: Collected;
}

export interface AggregateOptions {
  report?: ReportConfig;
  description?: string;
  /** Sweep axis display labels (`sweep.names`). */
  names?: Record<string, string>;
  /** Reads a dotted path of a run's resolved config (selectors may name paths that are not sweep axes). */
  configValue?: (run: RunRow, path: string) => unknown;
  mcnemar?: McNemarVariant;
  adjustment?: Adjustment;
  resamples?: number;
  seed?: number;
  alpha?: number;
}
