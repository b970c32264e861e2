/**
 * The values the `results`, `report` and `compare` options accept. They live apart from the
 * statistics (which load @stdlib) so that declaring the commands, and `ablate --help`, loads nothing heavy.
 */
export const MCNEMAR_VARIANTS = ['midp', 'exact', 'chi2', 'chi2-cc'] as const;
export type McNemarVariant = (typeof MCNEMAR_VARIANTS)[number];

/** xoroshiro128+ in pure-rand takes a 32-bit seed; larger ones would silently collide. */
export const SEED_MAX = 2 ** 32 - 1;

export const DEFAULT_RESAMPLES = 500;
export const DEFAULT_SEED = 0;

export const RESULT_FORMATS = ['table', 'md', 'csv', 'json'] as const;
export type ResultsFormat = (typeof RESULT_FORMATS)[number];

/** Multiple-comparison adjustments of p-values (src/results/adjust.ts). */
export const ADJUSTMENTS = ['holm', 'bh'] as const;
export type Adjustment = (typeof ADJUSTMENTS)[number];
export const ADJUSTMENT_NAMES: Record<Adjustment, string> = { holm: 'Holm', bh: 'Benjamini–Hochberg' };
