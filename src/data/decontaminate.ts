import type { Data } from '../spec/types.generated.js';
import { DECONTAMINATION_RULES, DEFAULT_MIN_CHARS, type DecontaminationRule } from '../spec/dataInputs.js';
import type { Benchmark, BenchmarkProblem } from './benchmarks.js';
import type { CanonicalRecord } from './records.js';

export { benchmarkFile, loadBenchmark, type Benchmark, type BenchmarkProblem } from './benchmarks.js';

export type Decontaminate = NonNullable<Data['decontaminate']>;

export { DECONTAMINATION_RULES, DEFAULT_MIN_CHARS, type DecontaminationRule } from '../spec/dataInputs.js';

export interface RemovedRecord {
  id: string;
  source: string;
  benchmark: Benchmark;
  problem: string;
  rule: DecontaminationRule;
  /** The matched text: the shared n-gram (prompt rule) or the normalized solution or test. */
  matched: string;
}

export interface DecontaminationReport {
  benchmarks: { name: Benchmark; file: string; problems: number }[];
  ngram: number;
  minChars: number;
  rules: DecontaminationRule[];
  /** LiveCodeBench: only problems released on or after this date count (the evaluation window). */
  livecodebenchCutoff?: string;
  removed: RemovedRecord[];
}

/** Lower-cased word tokens: formatting and punctuation differences do not hide an overlap. */
export function tokens(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9_]+/g) ?? [];
}

/** Lower-cased with every whitespace character removed: re-indented or re-wrapped code still matches. */
export function normalizeCode(text: string): string {
  return text.toLowerCase().replace(/\s+/g, '');
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
 * The prompt rule: a record matches a problem when they share a word n-gram of its prompt. A problem shorter than n words
 * counts as one n-gram of its own length (it must then appear whole). Each n-gram names the first
 * problem that contains it; each record reports its first hit among the longest n-grams.
 *
 * Runs in O(total tokens × distinct n-gram lengths): tokens become ids of the benchmark vocabulary
 * (a window with a word no benchmark uses cannot match), windows are rolling hashes, and a hash hit
 * is confirmed on the tokens — never a string built per window.
 */
function promptMatcher(problems: readonly BenchmarkProblem[], n: number): (text: string) => { problem: BenchmarkProblem; matched: string } | undefined {
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
    const ids = idsOf(p.prompt, true);
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
  const sortedLengths = [...lengths].sort((a, b) => b - a);
  return (text) => {
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
    if (!hit) return undefined;
    return { problem: hit.entry.problem, matched: tokens(text).slice(hit.start, hit.start + hit.entry.len).join(' ') };
  };
}

interface WholeEntry {
  problem: BenchmarkProblem;
  rule: DecontaminationRule;
  text: string;
}

/**
 * Finds any normalized solution or test (at least `minChars` long) contained in a text. Patterns
 * are indexed by a rolling hash of their first `minChars` characters, so one pass over the text
 * checks them all; a hash hit is confirmed with `startsWith`.
 */
function wholeMatcher(problems: readonly BenchmarkProblem[], rules: ReadonlySet<DecontaminationRule>, minChars: number): (text: string) => WholeEntry | undefined {
  const index = new Map<number, WholeEntry[]>();
  const seen = new Set<string>();
  const add = (problem: BenchmarkProblem, rule: DecontaminationRule, raw: string): void => {
    const text = normalizeCode(raw);
    if (text.length < minChars || seen.has(text)) return;
    seen.add(text);
    const key = charHash(text, 0, minChars);
    const bucket = index.get(key);
    if (bucket) bucket.push({ problem, rule, text });
    else index.set(key, [{ problem, rule, text }]);
  };
  for (const p of problems) {
    if (rules.has('solution')) for (const s of p.solutions) add(p, 'solution', s);
    if (rules.has('test')) for (const t of p.tests) add(p, 'test', t);
  }
  if (index.size === 0) return () => undefined;
  const p1 = powMod(B1, minChars - 1, M1);
  const p2 = powMod(B2, minChars - 1, M2);
  return (raw) => {
    const text = normalizeCode(raw);
    let h1 = 0;
    let h2 = 0;
    for (let i = 0; i < text.length; i++) {
      if (i >= minChars) {
        const out = text.charCodeAt(i - minChars);
        h1 = (h1 - ((out * p1) % M1) + M1) % M1;
        h2 = (h2 - ((out * p2) % M2) + M2) % M2;
      }
      const x = text.charCodeAt(i);
      h1 = (h1 * B1 + x) % M1;
      h2 = (h2 * B2 + x) % M2;
      if (i < minChars - 1) continue;
      const start = i - minChars + 1;
      const hit = index.get(h1 * 0x4000000 + h2)?.find((e) => text.startsWith(e.text, start));
      if (hit) return hit;
    }
    return undefined;
  };
}

/** The packed double hash of text[start, start + len), as the rolling loop computes it. */
function charHash(text: string, start: number, len: number): number {
  let h1 = 0;
  let h2 = 0;
  for (let i = start; i < start + len; i++) {
    h1 = (h1 * B1 + text.charCodeAt(i)) % M1;
    h2 = (h2 * B2 + text.charCodeAt(i)) % M2;
  }
  return h1 * 0x4000000 + h2;
}

export interface DecontaminateOptions {
  /** Word n-gram length of the prompt rule. */
  ngram: number;
  minChars?: number;
  rules?: readonly DecontaminationRule[];
}

/**
 * Drops records that contain a benchmark problem: a word n-gram of its prompt, or one of its
 * solutions or tests whole. Each removed record names the benchmark, the problem, the rule and
 * the matched text. Runs in time linear in the records' text.
 */
export function decontaminate(
  records: readonly CanonicalRecord[],
  problems: readonly BenchmarkProblem[],
  opts: DecontaminateOptions | number,
): { kept: CanonicalRecord[]; removed: RemovedRecord[] } {
  const o = typeof opts === 'number' ? { ngram: opts } : opts;
  const rules = new Set(o.rules ?? DECONTAMINATION_RULES);
  const byPrompt = rules.has('prompt') ? promptMatcher(problems, o.ngram) : () => undefined;
  const byWhole = wholeMatcher(problems, rules, o.minChars ?? DEFAULT_MIN_CHARS);
  const kept: CanonicalRecord[] = [];
  const removed: RemovedRecord[] = [];
  for (const r of records) {
    const text = `${r.instruction}\n${r.input}\n${r.output}`;
    const p = byPrompt(text);
    if (p) {
      removed.push({ id: r.id, source: r.source, benchmark: p.problem.benchmark, problem: p.problem.id, rule: 'prompt', matched: p.matched });
      continue;
    }
    const w = byWhole(text);
    if (w) removed.push({ id: r.id, source: r.source, benchmark: w.problem.benchmark, problem: w.problem.id, rule: w.rule, matched: w.text });
    else kept.push(r);
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

