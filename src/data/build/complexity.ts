/** Step 3: complexity scores of the whole pool (bins are pool quantiles, and the data card shows them), then the complexity filter. */
import type { ComplexityAnnotatorConfig } from '../annotators/types.js';
import { filterComplexity } from '../filters/complexity.js';
import { pick, type BuildState } from './state.js';

export async function complexityStep(s: BuildState): Promise<void> {
  const config: ComplexityAnnotatorConfig = s.annotate.complexity ?? {};
  const pool = s.current;
  try {
    const scores = await s.annotators.annotateComplexity(pool, config, s.actx);
    const byId = new Map<string, number>();
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < pool.length; i++) {
      const v = scores[i]!;
      byId.set(pool[i]!.id, v);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    s.complexity = { method: config.method ?? 'heuristic', config, byId, poolRange: [lo, hi] };
    if (s.filter.complexity) {
      const r = filterComplexity(pool.map((x) => x.id), scores, s.filter.complexity);
      s.current = pick(pool, r.kept);
      s.steps.push({ step: 'complexity', count: s.current.length, ...r.report });
    }
  } catch (e) {
    // Only the data card wanted these scores: the arm is still valid without them.
    if (s.filter.complexity || s.annotate.complexity) throw e;
    s.warnings.push(`complexity scores for the data card failed: ${(e as Error).message}`);
  }
}
