import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { deriveSeed } from '../util/hash.js';


export function rngFor(seed: number): RandomGenerator {
  return xoroshiro128plus(seed | 0);
}

/** A seeded stream of floats in [0, 1) (synthetic vectors and weights in tests and benchmarks). */
export function uniformFloats(seed: number): () => number {
  const rng = rngFor(seed);
  return () => uniformFloat64(rng);
}

/** Fisher–Yates shuffle of a copy of `items`. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = items.slice();
  const rng = rngFor(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/**
 * `k` distinct items drawn uniformly without replacement (partial Fisher–Yates), in draw order.
 * k ≥ items.length returns a seeded permutation of everything.
 */
export function sampleWithoutReplacement<T>(items: readonly T[], k: number, seed: number): T[] {
  const n = items.length;
  const take = Math.max(0, Math.min(k, n));
  const pool = items.slice();
  const rng = rngFor(seed);
  for (let i = 0; i < take; i++) {
    const j = uniformInt(rng, i, n - 1);
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return pool.slice(0, take);
}

/**
 * Study B's mixers in one place: `k` records drawn without replacement from each group with the
 * group's own named seed (`scope`, group name), concatenated in the given order, then shuffled with
 * the `scope`/`shuffle` seed. Returns the seeds used, by name, for the manifest.
 */
export function drawGroups<T>(
  groups: readonly { name: string; items: readonly T[]; k: number }[],
  rootSeed: number,
  scope: string,
): { drawn: T[]; seeds: Record<string, number> } {
  const seeds: Record<string, number> = {};
  const picked: T[] = [];
  for (const g of groups) {
    const seed = deriveSeed(rootSeed, scope, g.name);
    seeds[`${scope}/${g.name}`] = seed;
    picked.push(...sampleWithoutReplacement(g.items, g.k, seed));
  }
  const shuffleSeed = deriveSeed(rootSeed, scope, 'shuffle');
  seeds[`${scope}/shuffle`] = shuffleSeed;
  return { drawn: shuffled(picked, shuffleSeed), seeds };
}
