import type { Data } from '../spec/types.generated.js';

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
