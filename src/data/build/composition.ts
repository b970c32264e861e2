/** Step 4: task types (for the composition filter, or the data card) and the composition filter. */
import { AblateError, EXIT } from '../../errors.js';
import { filterComposition } from '../filters/composition.js';
import type { CanonicalRecord } from '../records.js';
import { pick, type BuildState } from './state.js';

/** Classifies `records`, remembering each one's category and group for the data card; returns the groups, aligned. */
export async function classify(s: BuildState, records: CanonicalRecord[]): Promise<string[]> {
  const config = s.annotate.task_type ?? {};
  const tt = await s.annotators.classifyTaskTypes(records, { task_type: config, ...(s.annotate.embedding ? { embedding: s.annotate.embedding } : {}) }, s.actx);
  const byId = s.taskTypes?.byId ?? new Map<string, { category: string; group: string }>();
  s.taskTypes = { config, byId, knownGroups: new Set(Object.values(tt.groupOf)) };
  const groups = tt.categories.map((c) => tt.groupOf[c] ?? 'unknown');
  records.forEach((r, i) => byId.set(r.id, { category: tt.categories[i]!, group: groups[i]! }));
  return groups;
}

export async function compositionStep(s: BuildState): Promise<void> {
  const cfg = s.filter.composition;
  if (!cfg) return;
  const groups = await classify(s, s.current);
  const known = s.taskTypes!.knownGroups;
  const unknown = Object.keys(cfg.groups).filter((g) => !known.has(g));
  if (unknown.length) {
    throw new AblateError(
      `data.filter.composition.groups: no task category belongs to group ${unknown.map((g) => `"${g}"`).join(', ')}; ` +
        `the categories' groups are ${[...known].sort().map((g) => `"${g}"`).join(', ')}`,
      EXIT.usage,
    );
  }
  const r = filterComposition(groups, cfg, s.data.size, s.seed);
  Object.assign(s.derived, r.seeds);
  s.current = pick(s.current, r.kept);
  s.steps.push({ step: 'composition', count: s.current.length, ...r.report });
  if (r.report.short.length) {
    s.warnings.push(
      `composition: group(s) ${r.report.short.join(', ')} ran short and were filled from the others ` +
        `(requested ${JSON.stringify(r.report.requested)}, taken ${JSON.stringify(r.report.taken)})`,
    );
  }
  if (r.report.missing > 0) s.warnings.push(`composition: ${r.report.missing} records short of the requested size ${r.report.size}`);
}
