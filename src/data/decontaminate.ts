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

// Two polynomial hashes modulo primes below 2^26, so every product stays an exact double (< 2^52)
// and the pair packs into one safe integer key. A hash hit is confirmed token by token.
const M1 = 67108859;
const M2 = 67108837;
const B1 = 1_000_003;
const B2 = 999_983;

function powMod(base: number, exp: number, mod: number): number {
  let out = 1;
  for (let i = 0; i < exp; i++) out = (out * base) % mod;
  return out;
}

interface NgramEntry {
  problem: BenchmarkProblem;
  ids: Int32Array;
  start: number;
  len: number;
}

/**
 * Drops records sharing a word n-gram with any benchmark problem. A problem shorter than n words
 * counts as one n-gram of its own length (it must then appear whole). Each n-gram names the first
 * problem that contains it; each record reports its first hit among the longest n-grams.
 *
 * Runs in O(total tokens × distinct n-gram lengths): tokens become ids of the benchmark vocabulary
 * (a window with a word no benchmark uses cannot match), windows are rolling hashes, and a hash hit
 * is confirmed on the tokens — never a string built per window.
 */
export function decontaminate(
  records: readonly CanonicalRecord[],
  problems: readonly BenchmarkProblem[],
  n: number,
): { kept: CanonicalRecord[]; removed: RemovedRecord[] } {
  const vocab = new Map<string, number>();
  const idsOf = (text: string, grow: boolean): Int32Array =>
    Int32Array.from(tokens(text), (t) => {
      let id = vocab.get(t);
      if (id === undefined && grow) vocab.set(t, (id = vocab.size + 1));
      return id ?? -1;
    });
  const index = new Map<number, NgramEntry[]>();
  const lengths = new Set<number>([n]);
  const sameTokens = (a: Int32Array, ai: number, b: Int32Array, bi: number, len: number): boolean => {
    for (let k = 0; k < len; k++) if (a[ai + k] !== b[bi + k]) return false;
    return true;
  };
  for (const p of problems) {
    const ids = idsOf(p.text, true);
    if (ids.length === 0) continue;
    const len = Math.min(n, ids.length);
    lengths.add(len);
    forEachWindow(ids, len, (key, start) => {
      const bucket = index.get(key);
      if (!bucket) index.set(key, [{ problem: p, ids, start, len }]);
      // The first problem with an n-gram keeps it; a different n-gram with the same hash joins the bucket.
      else if (!bucket.some((e) => e.len === len && sameTokens(e.ids, e.start, ids, start, len))) bucket.push({ problem: p, ids, start, len });
      return false;
    });
  }
  const kept: CanonicalRecord[] = [];
  const removed: RemovedRecord[] = [];
  const sortedLengths = [...lengths].sort((a, b) => b - a);
  for (const r of records) {
    const text = `${r.instruction}\n${r.input}\n${r.output}`;
    const ids = idsOf(text, false);
    let hit: { entry: NgramEntry; start: number } | undefined;
    for (const len of sortedLengths) {
      forEachWindow(ids, len, (key, start) => {
        const entry = index.get(key)?.find((e) => e.len === len && sameTokens(e.ids, e.start, ids, start, len));
        if (entry) hit = { entry, start };
        return hit !== undefined;
      });
      if (hit) break;
    }
    if (hit) {
      const ngram = tokens(text).slice(hit.start, hit.start + hit.entry.len).join(' ');
      removed.push({ id: r.id, source: r.source, benchmark: hit.entry.problem.benchmark, problem: hit.entry.problem.id, ngram });
    } else kept.push(r);
  }
  return { kept, removed };
}

/**
 * Calls `visit(hashKey, start)` for every window of `len` ids without an unknown (-1) id, left to
 * right, until `visit` returns true.
 */
function forEachWindow(ids: Int32Array, len: number, visit: (key: number, start: number) => boolean): void {
  if (ids.length < len) return;
  const p1 = powMod(B1, len - 1, M1);
  const p2 = powMod(B2, len - 1, M2);
  let h1 = 0;
  let h2 = 0;
  let unknown = 0;
  for (let i = 0; i < ids.length; i++) {
    if (i >= len) {
      const out = ids[i - len]!;
      if (out < 0) unknown--;
      else {
        h1 = (h1 - ((out * p1) % M1) + M1) % M1;
        h2 = (h2 - ((out * p2) % M2) + M2) % M2;
      }
    }
    const x = ids[i]!;
    // An unknown id contributes 0 to the hash; windows holding one are skipped anyway.
    if (x < 0) unknown++;
    h1 = (h1 * B1 + Math.max(x, 0)) % M1;
    h2 = (h2 * B2 + Math.max(x, 0)) % M2;
    if (i >= len - 1 && unknown === 0 && visit(h1 * 0x4000000 + h2, i - len + 1)) return;
  }
}
