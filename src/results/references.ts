/** Our numbers against the paper's: each `report.reference` entry checked against exactly one arm. */
import { canonicalJson } from '../util/hash.js';
import { matchesSelector, type ArmGroup } from './arms.js';
import type { AggregateOptions, ArmRow, Column, ReferenceCheck, ReportConfig } from './view.js';

export const DEFAULT_TOLERANCE = 2;

export function checkReference(
  ref: NonNullable<ReportConfig['reference']>[number],
  groups: ArmGroup[],
  arms: ArmRow[],
  columns: Column[],
  tolerance: number,
  configValue: AggregateOptions['configValue'],
): ReferenceCheck {
  const armSelector = ref.arm as Record<string, unknown>;
  const base = { armSelector, metric: ref.metric, reference: ref.value, ...(ref.note ? { note: ref.note } : {}) };
  const matching = groups.flatMap((g, i) => (g.all.some((r) => matchesSelector(r, armSelector, configValue)) ? [i] : []));
  if (matching.length === 0) return { ...base, arm: null, observed: null, diff: null, ok: null, reason: `no arm matches ${canonicalJson(armSelector)}` };
  // A paper number belongs to one arm: comparing it with whichever arm came first would be a silent guess.
  if (matching.length > 1) {
    return { ...base, arm: null, observed: null, diff: null, ok: null, reason: `${canonicalJson(armSelector)} matches ${matching.length} arms (${matching.map((i) => groups[i]!.arm).join('; ')}); name more axes to pick one` };
  }
  const arm = arms[matching[0]!]!;
  const cols = columns.filter((c) => c.metric === ref.metric);
  if (cols.length === 0) return { ...base, arm: arm.arm, observed: null, diff: null, ok: null, reason: `no column ${ref.metric}` };
  const withValue = cols.filter((c) => arm.cells[c.key]!.mean !== null);
  if (withValue.length === 0) {
    const reasons = [...new Set(cols.flatMap((c) => arm.cells[c.key]!.missing.map((m) => m.reason)))];
    return { ...base, arm: arm.arm, observed: null, diff: null, ok: null, reason: reasons.join('; ') || 'no value' };
  }
  if (withValue.length > 1) {
    return { ...base, arm: arm.arm, observed: null, diff: null, ok: null, reason: `${ref.metric} of this arm comes from ${withValue.length} evaluation setups; compare one setup with the paper` };
  }
  const observed = arm.cells[withValue[0]!.key]!.mean!;
  const diff = observed - ref.value;
  // A rounding epsilon: 65.9 vs 67.9 at tolerance 2 must count as within.
  return { ...base, arm: arm.arm, observed, diff, ok: Math.abs(diff) <= tolerance + 1e-9 };
}
