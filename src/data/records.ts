import { canonicalJson, sha256 } from '../util/hash.js';

export type Domain = 'code' | 'general' | 'math';

/**
 * One training example after field mapping, whatever the source's format. `id` is the content hash
 * of the text fields, so the same example has the same id in every source, arm and machine.
 */
export interface CanonicalRecord {
  id: string;
  instruction: string;
  /** Always present; empty when the source has no separate input. */
  input: string;
  output: string;
  /** Name of the source under `sources` in the spec. */
  source: string;
  domain: Domain;
  /** Precomputed complexity column (`fields.complexity`), for `annotate.complexity.method: field`. */
  complexity?: number;
  /** Precomputed task category column (`fields.task_type`), for `annotate.task_type.method: field`. */
  task_type?: string;
}

/** The text that identifies a record; the id never depends on source name or annotations. */
export function recordId(instruction: string, input: string, output: string): string {
  return sha256(canonicalJson({ instruction, input, output }));
}

/** The line written to data.jsonl: Alpaca, keys in LLaMA-Factory's order, `input` always present. */
export function alpacaLine(r: Pick<CanonicalRecord, 'instruction' | 'input' | 'output'>): string {
  return JSON.stringify({ instruction: r.instruction, input: r.input, output: r.output });
}

/** Removes exact duplicates (same id), keeping the first occurrence, so order stays deterministic. */
export function dedupRecords(records: CanonicalRecord[]): { records: CanonicalRecord[]; duplicates: number } {
  const seen = new Set<string>();
  const kept: CanonicalRecord[] = [];
  for (const r of records) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    kept.push(r);
  }
  return { records: kept, duplicates: records.length - kept.length };
}

/** sha256 of the sorted id list, one id per line: the fingerprint of a subset's membership. */
export function idListHash(sortedIds: readonly string[]): string {
  return sha256(sortedIds.join('\n'));
}
