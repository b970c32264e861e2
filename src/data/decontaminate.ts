import { stat } from 'node:fs/promises';
import path from 'node:path';
import { AblateError, EXIT } from '../errors.js';
import type { Data } from '../spec/types.generated.js';
import type { CanonicalRecord } from './records.js';
import { cacheRoot } from './sources/hf.js';
import { readRawRecords } from './sources/readers.js';

export type Decontaminate = NonNullable<Data['decontaminate']>;
export type Benchmark = 'humaneval' | 'mbpp';

/**
 * One benchmark problem's prompt: what training data must not contain. Reference solutions are
 * left out on purpose: their boilerplate (`for i in range(len(arr))`, bubble-sort swaps) matches
 * thousands of honest records.
 */
export interface BenchmarkProblem {
  benchmark: Benchmark;
  id: string;
  text: string;
}

export interface RemovedRecord {
  id: string;
  source: string;
  benchmark: Benchmark;
  problem: string;
  /** The first shared n-gram found. */
  ngram: string;
}

export interface DecontaminationReport {
  benchmarks: { name: Benchmark; file: string; problems: number }[];
  ngram: number;
  removed: RemovedRecord[];
}

/** File names under `<cache>/benchmarks/` used when the spec gives no `paths`. */
const DEFAULT_FILES: Record<Benchmark, string> = { humaneval: 'HumanEval.jsonl.gz', mbpp: 'sanitized-mbpp.json' };

/** Lower-cased word tokens: formatting and punctuation differences do not hide an overlap. */
export function tokens(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9_]+/g) ?? [];
}

export async function benchmarkFile(name: Benchmark, cfg: Decontaminate, specDir: string, root = cacheRoot()): Promise<string> {
  const given = cfg.paths?.[name];
  const file = given ? path.resolve(specDir, given) : path.join(root, 'benchmarks', DEFAULT_FILES[name]);
  try {
    await stat(file);
  } catch {
    throw new AblateError(
      `data.decontaminate: ${name} file not found at ${file}; set data.decontaminate.paths.${name} to a local copy (${DEFAULT_FILES[name]})`,
      EXIT.usage,
    );
  }
  return file;
}

/** Problems of HumanEval (jsonl[.gz] of task_id/prompt) or MBPP (sanitized json of task_id/prompt, or the original jsonl's task_id/text). */
export async function loadBenchmark(name: Benchmark, file: string): Promise<BenchmarkProblem[]> {
  const out: BenchmarkProblem[] = [];
  for await (const item of readRawRecords(file)) {
    if (!('value' in item)) throw new AblateError(`${file}: line ${item.loc.line}: ${item.parseError}`, EXIT.usage);
    const r = item.value as Record<string, unknown>;
    if (name === 'humaneval') {
      out.push({ benchmark: name, id: String(r.task_id), text: String(r.prompt ?? '') });
    } else {
      const id = String(r.task_id);
      out.push({ benchmark: name, id: id.startsWith('Mbpp/') ? id : `Mbpp/${id}`, text: String(r.prompt ?? r.text ?? '') });
    }
  }
  return out;
}

/**
 * Drops records sharing a word n-gram with any benchmark problem. A problem shorter than n words
 * counts as one n-gram of its own length (it must then appear whole).
 */
export function decontaminate(
  records: readonly CanonicalRecord[],
  problems: readonly BenchmarkProblem[],
  n: number,
): { kept: CanonicalRecord[]; removed: RemovedRecord[] } {
  const index = new Map<string, BenchmarkProblem>();
  const lengths = new Set<number>([n]);
  for (const p of problems) {
    const t = tokens(p.text);
    if (t.length === 0) continue;
    const len = Math.min(n, t.length);
    lengths.add(len);
    for (let i = 0; i + len <= t.length; i++) {
      const key = t.slice(i, i + len).join(' ');
      if (!index.has(key)) index.set(key, p);
    }
  }
  const kept: CanonicalRecord[] = [];
  const removed: RemovedRecord[] = [];
  const sortedLengths = [...lengths].sort((a, b) => b - a);
  for (const r of records) {
    const t = tokens(`${r.instruction}\n${r.input}\n${r.output}`);
    let hit: [string, BenchmarkProblem] | undefined;
    for (const len of sortedLengths) {
      for (let i = 0; i + len <= t.length && !hit; i++) {
        const key = t.slice(i, i + len).join(' ');
        const p = index.get(key);
        if (p) hit = [key, p];
      }
      if (hit) break;
    }
    if (hit) removed.push({ id: r.id, source: r.source, benchmark: hit[1].benchmark, problem: hit[1].id, ngram: hit[0] });
    else kept.push(r);
  }
  return { kept, removed };
}
