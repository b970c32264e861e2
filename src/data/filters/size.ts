import { deriveSeed } from '../../util/hash.js';
import { sampleWithoutReplacement } from '../sample.js';

export interface SizeReport {
  requested: number;
  available: number;
  taken: number;
}

/** The final sample: `size` positions drawn without replacement with the `size` seed; all when fewer are left. */
export function filterSize(count: number, size: number, seed: number): { kept: number[]; report: SizeReport; seeds: Record<string, number> } {
  const all = Array.from({ length: count }, (_, i) => i);
  const seeds = { size: deriveSeed(seed, 'size') };
  if (size >= count) return { kept: all, report: { requested: size, available: count, taken: count }, seeds };
  const kept = sampleWithoutReplacement(all, size, seeds.size);
  return { kept, report: { requested: size, available: count, taken: size }, seeds };
}
