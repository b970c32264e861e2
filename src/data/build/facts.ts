/** The last step: facts about the final records for the data card and the manifest (task types, within-dataset diversity, annotator identities). */
import type { DatacardInput } from '../datacard.js';
import type { CanonicalRecord } from '../records.js';
import { classify } from './composition.js';
import type { BuildState } from './state.js';

export async function cardFacts(s: BuildState): Promise<void> {
  if (s.annotate.task_type && !s.filter.composition) {
    try {
      await classify(s, s.current);
    } catch (e) {
      s.warnings.push(`task types for the data card failed: ${(e as Error).message}`);
    }
  }
  if (s.annotate.embedding || s.filter.diversity) {
    const note = '1 − mean cosine similarity of each record to the others *within this dataset* (higher = more diverse)';
    const within = async (records: CanonicalRecord[], extra: string): Promise<void> => {
      const scores = await s.annotators.diversityScores(records, { method: 'mean-similarity' }, s.embeddingCfg, s.actx);
      s.diversityMean = { method: 'mean-similarity', meanScore: scores.reduce((a, v) => a + v, 0) / Math.max(1, scores.length), note: `${note}${extra}.` };
    };
    try {
      await within(s.current, '');
    } catch (e) {
      // Precomputed vectors usually cover only the main source; fall back to its records.
      const own = s.current.filter((r) => r.source === s.data.source);
      const retry = own.length > 1 && own.length < s.current.length ? within(own, `, over the ${own.length} records of source ${s.data.source} only`) : Promise.reject(e);
      await retry.catch((err: Error) => s.warnings.push(`diversity score for the data card failed: ${err.message}`));
    }
  }
}

export function datacardInput(s: BuildState): Omit<DatacardInput, 'name'> {
  const card: Omit<DatacardInput, 'name'> = { records: s.current, warnings: s.warnings };
  if (s.complexity) {
    const { byId, method, poolRange } = s.complexity;
    card.complexity = { method, scores: s.current.map((r) => byId.get(r.id) ?? Number.NaN), poolMin: poolRange[0], poolMax: poolRange[1] };
  }
  if (s.taskTypes) {
    // Records mixed in from other sources have no task type: the shares are over the classified ones.
    const tt = s.current.flatMap((r) => s.taskTypes!.byId.get(r.id) ?? []);
    if (tt.length > 0) card.taskTypes = { categories: tt.map((t) => t.category), groups: tt.map((t) => t.group) };
  }
  const dc = s.decontamination;
  if (dc) {
    const count = (key: 'benchmark' | 'source'): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const r of [...dc.removed].sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0))) out[r[key]] = (out[r[key]] ?? 0) + 1;
      return out;
    };
    card.decontamination = { ngram: dc.ngram, removed: dc.removed.length, byBenchmark: count('benchmark'), bySource: count('source') };
  }
  if (s.diversityMean) card.diversity = s.diversityMean;
  return card;
}

/** The annotators that produced this dataset's scores, with their identities (config + version hashes). */
export async function annotatorsUsed(s: BuildState): Promise<Record<string, unknown>> {
  const used: Record<string, unknown> = {};
  if (s.complexity) {
    const { method, config } = s.complexity;
    const hash = await Promise.resolve(s.annotators.complexityAnnotatorHash?.({ ...config, method: method as NonNullable<typeof config.method> }, s.specDir, s.cacheDir)).catch(() => undefined);
    used.complexity = { method, ...config, ...(hash ? { annotatorHash: hash } : {}) };
  }
  if (s.taskTypes) used.task_type = { method: 'embedding', ...s.taskTypes.config };
  if (s.filter.diversity || s.annotate.embedding) {
    const hash = await s.annotators.embeddingAnnotatorHash?.(s.embeddingCfg, s.actx).catch(() => undefined);
    used.embedding = { ...s.embeddingCfg, ...(hash ? { annotatorHash: hash } : {}) };
  }
  return used;
}
