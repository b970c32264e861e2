/** Step 5: diversity scores over the records that reached this step, and the diversity filter. */
import type { DiversityFilterConfig } from '../annotators/types.js';
import type { NeighbourSearch } from '../annotators/vectorIndex.js';
import { filterDiversity } from '../filters/diversity.js';
import { pick, type BuildState } from './state.js';

export async function diversityStep(s: BuildState): Promise<void> {
  const cfg = s.filter.diversity;
  if (!cfg) return;
  const fcfg: DiversityFilterConfig = { ...cfg };
  const byId = s.complexity?.byId;
  // DEITA offers records by their score; here the complexity score.
  if (cfg.method === 'greedy' && byId) fcfg.order = s.current.map((r) => byId.get(r.id) ?? 0);
  let search: NeighbourSearch | undefined;
  fcfg.onSearch = (x) => (search = x);
  const scores = await s.annotators.diversityScores(s.current, fcfg, s.embeddingCfg, s.actx);
  const r = filterDiversity(s.current.map((x) => x.id), scores, cfg);
  if (search) r.report.search = search;
  s.current = pick(s.current, r.kept);
  s.steps.push({ step: 'diversity', count: s.current.length, ...r.report });
}
