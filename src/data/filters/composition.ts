import { AblateError, EXIT } from '../../errors.js';
import type { Filter } from '../../spec/types.generated.js';
import { drawGroups } from '../sample.js';

export type CompositionFilter = NonNullable<Filter['composition']>;

export interface CompositionReport {
  size: number;
  ratios: Record<string, number>;
  /** Records per group before sampling. */
  available: Record<string, number>;
  /** round(ratio · size), adjusted so the quotas sum to size. */
  requested: Record<string, number>;
  /** What was actually taken (differs from `requested` only after a `fill`). */
  taken: Record<string, number>;
  /** Groups that ran short and were capped. */
  short: string[];
  /** Records the whole pool lacked to reach `size` (0 normally). */
  missing: number;
}

/**
 * Integer quotas that sum to `total`: floors of weight·total, the remainder to the largest
 * fractional parts (ties by name). Equals round(ratio·size) whenever plain rounding already sums up.
 */
export function apportion(weights: Record<string, number>, total: number): Record<string, number> {
  const names = Object.keys(weights).sort();
  const sum = names.reduce((s, k) => s + weights[k]!, 0);
  const out: Record<string, number> = {};
  if (sum <= 0 || total <= 0) {
    for (const k of names) out[k] = 0;
    return out;
  }
  let given = 0;
  const rem: [string, number][] = [];
  for (const k of names) {
    const exact = (weights[k]! / sum) * total;
    const fl = Math.floor(exact + 1e-9);
    out[k] = fl;
    given += fl;
    rem.push([k, exact - fl]);
  }
  rem.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (let i = 0; given < total; i++, given++) out[rem[i % rem.length]![0]]!++;
  return out;
}

/**
 * Study B's ratio mixer: per-group quotas of the target size, each group sampled without
 * replacement with its own named seed, then the union shuffled. A short group is an error, or
 * (`fill`, study B) capped with the deficit drawn from the other groups.
 * `groupOfRecord` is aligned with the input records; returns kept positions in shuffled order.
 */
export function filterComposition(
  groupOfRecord: readonly string[],
  cfg: CompositionFilter,
  dataSize: number | undefined,
  seed: number,
): { kept: number[]; report: CompositionReport; seeds: Record<string, number> } {
  const ratios = cfg.groups;
  const names = Object.keys(ratios).sort();
  const sum = names.reduce((s, k) => s + ratios[k]!, 0);
  if (Math.abs(sum - 1) > 1e-6) {
    throw new AblateError(`data.filter.composition.groups: ratios must sum to 1, they sum to ${sum}`, EXIT.usage);
  }
  const size = cfg.size ?? dataSize;
  if (size === undefined) {
    throw new AblateError('data.filter.composition needs a subset size: set composition.size or data.size', EXIT.usage);
  }
  const members: Record<string, number[]> = Object.fromEntries(names.map((g) => [g, [] as number[]]));
  groupOfRecord.forEach((g, i) => members[g]?.push(i));
  const available = Object.fromEntries(names.map((g) => [g, members[g]!.length]));
  const requested = apportion(ratios, size);
  const taken = { ...requested };
  const short = names.filter((g) => available[g]! < requested[g]!);
  let missing = 0;
  if (short.length > 0) {
    if ((cfg.shortfall ?? 'fill') === 'error') {
      const lines = short.map((g) => `${g}: ${requested[g]} requested, ${available[g]} available`).join('; ');
      throw new AblateError(
        `data.filter.composition: not enough records (${lines}); lower the size, or set shortfall: fill to take the rest from the other groups`,
        EXIT.failed,
      );
    }
    for (const g of short) taken[g] = available[g]!;
    let deficit = short.reduce((s, g) => s + requested[g]! - available[g]!, 0);
    // Spread the deficit over groups with spare records, by their ratios (by spare room when all
    // those ratios are 0, as for study B's 10:0 arm), until it is covered or nothing is left.
    while (deficit > 0) {
      const spare = names.filter((g) => available[g]! > taken[g]!);
      if (spare.length === 0) break;
      const byRatio = spare.some((g) => ratios[g]! > 0);
      const weights = Object.fromEntries(spare.map((g) => [g, byRatio ? ratios[g]! : available[g]! - taken[g]!]));
      const extra = apportion(weights, deficit);
      let moved = 0;
      for (const g of spare) {
        const add = Math.min(extra[g]!, available[g]! - taken[g]!);
        taken[g] = taken[g]! + add;
        moved += add;
      }
      deficit -= moved;
      if (moved === 0) break;
    }
    missing = deficit;
  }
  const { drawn, seeds } = drawGroups(names.map((g) => ({ name: g, items: members[g]!, k: taken[g]! })), seed, 'composition');
  return { kept: drawn, report: { size, ratios: { ...ratios }, available, requested, taken, short, missing }, seeds };
}
