/** Steps 6–7: cross-domain mixing and the final size sample; then a dataset that came out empty is an error naming the step. */
import { AblateError, EXIT } from '../../errors.js';
import { filterCrossDomain } from '../filters/crossDomain.js';
import { filterSize } from '../filters/size.js';
import type { CanonicalRecord } from '../records.js';
import { pick, type BuildState } from './state.js';

export function crossDomainStep(s: BuildState): void {
  const cfg = s.filter.cross_domain;
  if (!cfg) return;
  const others: Record<string, CanonicalRecord[]> = {};
  for (const name of Object.keys(cfg.mix)) others[name] = s.loaded[name]!;
  const r = filterCrossDomain(s.current, others, cfg, s.data.source, s.data.size, s.seed);
  Object.assign(s.derived, r.seeds);
  s.current = r.records;
  s.steps.push({ step: 'cross_domain', count: s.current.length, ...r.report });
}

export function sizeStep(s: BuildState): void {
  if (s.data.size === undefined) return;
  const r = filterSize(s.current.length, s.data.size, s.seed);
  Object.assign(s.derived, r.seeds);
  s.current = pick(s.current, r.kept);
  s.steps.push({ step: 'size', count: s.current.length, ...r.report });
  if (r.report.available < r.report.requested) {
    s.warnings.push(`size: ${r.report.requested} records requested but only ${r.report.available} passed the filters; the dataset has ${r.report.available}`);
  }
}

export function requireRecords(s: BuildState): void {
  if (s.current.length > 0) return;
  const { steps } = s;
  // Name the step that emptied the dataset; a quantile cut of fewer records than bins puts them all in the last bin.
  const k = steps.findIndex((st) => st.count === 0);
  const before = k > 0 ? steps[k - 1]!.count : 0;
  const bins = k > 0 ? Number(steps[k]!.bins ?? steps[k]!.levels ?? 0) : 0;
  const why = k > 0 ? `the ${steps[k]!.step} step left no records of ${before}` : 'the filters left no records';
  const hint = before > 0 && before < bins ? ` (${before} records cannot fill ${bins} quantile bins: the last bin takes them all)` : '';
  throw new AblateError(`${why}${hint}; loosen the filters or check the sources`, EXIT.failed);
}
