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
