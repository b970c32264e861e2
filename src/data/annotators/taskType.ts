/**
 * Task-type classification: which category (and so which group) each record belongs to.
 * - `embedding` (study B): embed each category's description with `category_prompt` and each task
 *   with `task_prompt`; assign the category of highest cosine similarity (ties: earlier category).
 * - `keywords`: the category whose keywords occur most often in the task text (ties: earlier
 *   category); a record matching none goes to the fallback category (`Domain-Specific` for the
 *   preset; otherwise the first category without keywords, else the last one).
 * - `field`: `record.task_type`, which must name a declared category.
 */
import { AblateError } from '../../errors.js';
import { SEED_B_10_FALLBACK, groupsOf, resolveCategories } from './categories.js';
import { DEFAULT_EMBEDDING_MODEL, embedRecords, embedTexts } from './embedding.js';
import { taskText } from './complexity.js';
import type { AnnotatableRecord, AnnotateContext, EmbeddingAnnotatorConfig, TaskCategory, TaskTypeAnnotation, TaskTypeAnnotatorConfig } from './types.js';

export const DEFAULT_CATEGORY_PROMPT = 'Represent the topic for coding category:';
export const DEFAULT_TASK_PROMPT = 'Represent coding category of the programming task:';

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One global, case-insensitive pattern per category; keywords match as whole words where they start/end with a word character. */
export function keywordPattern(keywords: string[]): RegExp | undefined {
  const parts = [...new Set(keywords.map((k) => k.trim().toLowerCase()).filter(Boolean))]
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1)) // longest first, so "binary search" wins over "search"
    .map((k) => `${/^\w/.test(k) ? '\\b' : ''}${escapeRegex(k)}${/\w$/.test(k) ? '\\b' : ''}`);
  return parts.length ? new RegExp(parts.join('|'), 'gi') : undefined;
}

export function keywordFallback(categories: TaskCategory[], preset: boolean): string {
  if (preset) return SEED_B_10_FALLBACK;
  return (categories.find((c) => !c.keywords || c.keywords.length === 0) ?? categories[categories.length - 1]!).name;
}

export function classifyByKeywords(texts: string[], categories: TaskCategory[], fallback: string): string[] {
  const patterns = categories.map((c) => keywordPattern(c.keywords ?? []));
  return texts.map((text) => {
    let best = -1;
    let bestCount = 0;
    patterns.forEach((p, k) => {
      if (!p) return;
      const n = text.match(p)?.length ?? 0;
      if (n > bestCount) {
        bestCount = n;
        best = k;
      }
    });
    return best >= 0 ? categories[best]!.name : fallback;
  });
}

/** Index of the row of `centers` (k × d) most similar to each row of `vectors` (n × d); rows are unit vectors. */
export function nearestCenter(vectors: Float32Array, n: number, centers: Float32Array, k: number, d: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestSim = -Infinity;
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += vectors[i * d + j]! * centers[c * d + j]!;
      if (dot > bestSim) {
        bestSim = dot;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

export async function classifyTaskTypes(
  records: AnnotatableRecord[],
  cfg: { task_type: TaskTypeAnnotatorConfig; embedding?: EmbeddingAnnotatorConfig },
  ctx: AnnotateContext,
): Promise<TaskTypeAnnotation> {
  const tt = cfg.task_type;
  const preset = (tt.categories ?? 'seed-b-10') === 'seed-b-10';
  const categories = resolveCategories(tt.categories);
  const groupOf = groupsOf(categories);
  const method = tt.method ?? 'embedding';

  if (method === 'field') {
    const unknown = new Map<string, number>();
    const out = records.map((r, i) => {
      const v = r.task_type;
      if (typeof v !== 'string' || !v) {
        throw new AblateError(
          `annotate.task_type.method is \`field\` but record ${i} (source ${JSON.stringify(r.source)}, id ${r.id}) has no \`task_type\`. ` +
            'Map the column with `sources.<name>.fields.task_type`, or choose another method.',
          2,
        );
      }
      if (!(v in groupOf)) unknown.set(v, (unknown.get(v) ?? 0) + 1);
      return v;
    });
    if (unknown.size > 0) {
      const list = [...unknown].slice(0, 5).map(([v, n]) => `${JSON.stringify(v)} (${n} records)`).join(', ');
      throw new AblateError(`task_type field values not among annotate.task_type.categories: ${list}. Declare them with their group as an explicit category list.`, 2);
    }
    return { categories: out, groupOf };
  }

  if (method === 'keywords') {
    const texts = records.map((r) => taskText(r));
    return { categories: classifyByKeywords(texts, categories, keywordFallback(categories, preset)), groupOf };
  }

  // embedding (study B)
  const base = cfg.embedding ?? {};
  const model = tt.model ?? base.model ?? DEFAULT_EMBEDDING_MODEL;
  const embedCfg: EmbeddingAnnotatorConfig = {
    ...base,
    method: base.method === 'file' || base.method === undefined ? 'transformers' : base.method,
    model,
    text: 'instruction',
    path: undefined,
  };
  const centers = await embedTexts(
    categories.map((c) => c.description ?? c.name),
    { ...embedCfg, prefix: tt.category_prompt ?? DEFAULT_CATEGORY_PROMPT },
    ctx,
  );
  const tasks = await embedRecords(records, { ...embedCfg, prefix: tt.task_prompt ?? DEFAULT_TASK_PROMPT }, ctx);
  if (records.length > 0 && tasks.dim !== centers.dim) throw new AblateError(`task_type: task vectors have ${tasks.dim} dimensions, category vectors ${centers.dim}`);
  const nearest = nearestCenter(tasks.vectors, records.length, centers.vectors, categories.length, centers.dim);
  return { categories: Array.from(nearest, (k) => categories[k]!.name), groupOf };
}
