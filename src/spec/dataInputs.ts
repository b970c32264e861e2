import type { Data } from './types.generated.js';

/** Names of the sources a data config reads: the code source, then the cross-domain mix (sorted). */
export function sourcesUsedBy(data: Data): string[] {
  return [data.source, ...Object.keys(data.filter?.cross_domain?.mix ?? {}).sort()];
}

/**
 * Whether the sampling seed can change a data config's output. Bins and levels are deterministic;
 * mixing and sampling are not. A deterministic config gets one dataset for all repeats, not copies.
 */
export function dataIsRandom(data: Data): boolean {
  return Boolean(data.filter?.composition || data.filter?.cross_domain || data.size !== undefined);
}

/**
 * Which neighbour search produced a diversity filter's output, for the methods that search
 * neighbours. It enters the dataset id, so a dataset selected by an earlier search (hnswlib-node's
 * approximate greedy selection, replaced by the exact rule; its kNN index, replaced by USearch) is
 * never reused as if the current one had made it. Other filters' ids are unaffected.
 */
export function neighbourSearchOf(data: Data): string | undefined {
  const d = data.filter?.diversity;
  if (d?.method === 'greedy') return d.approximate ? 'usearch-2.26.0-hnsw' : 'exact-float64';
  if (d?.method === 'knn-density') return 'usearch-2.26.0-hnsw';
  return undefined;
}

/**
 * The three rules, in the order a record is checked: the problem statement by word n-grams
 * (paraphrase-tolerant), then a reference solution or a test assertion contained whole after
 * normalization (StarCoder's substring rule).
 */
export const DECONTAMINATION_RULES = ['prompt', 'solution', 'test'] as const;
export type DecontaminationRule = (typeof DECONTAMINATION_RULES)[number];

/**
 * Shortest normalized solution or test that is matched, in characters. Measured on the shared
 * datasets (e2e `decontaminate-real`): code_alpaca_2k and evol-codealpaca-2k-1 lose no record by
 * the solution/test rules at any length from 20 to 60; 40 keeps one-line HumanEval solutions such
 * as `return x + y` (which honest code repeats) out, while the signature+solution pattern still
 * catches such a solution written with its signature.
 */
export const DEFAULT_MIN_CHARS = 40;

/**
 * What of the decontamination enters a materialize stage id beyond the spec's own keys: the rules
 * version and the effective defaults, so datasets decontaminated by older rules are not reused.
 */
export function decontaminationIdOf(data: Data): Record<string, unknown> | undefined {
  const d = data.decontaminate;
  if (!d) return undefined;
  return { version: 2, rules: [...(d.rules ?? DECONTAMINATION_RULES)].sort(), min_chars: d.min_chars ?? DEFAULT_MIN_CHARS };
}
