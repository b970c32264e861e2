import type { CanonicalRecord } from './records.js';

export interface LengthStats {
  min: number;
  p10: number;
  median: number;
  mean: number;
  p90: number;
  max: number;
}

export interface Histogram {
  /** Bin edges (bins + 1 values); equal width over the *source pool's* range, so arms compare bin by bin. */
  edges: number[];
  counts: number[];
}

/** Overlap of this arm with another arm of the experiment (filled in by the lead after all arms exist). */
export interface DatacardOverlap {
  other: string;
  jaccard: number;
  shared: number;
  flag?: 'identical' | 'near-identical';
}

export interface DatacardDecontamination {
  ngram: number;
  /** Shortest normalized solution or test matched whole. */
  minChars: number;
  removed: number;
  byBenchmark: Record<string, number>;
  bySource: Record<string, number>;
  /** Removed records per rule: prompt (n-gram), solution, test. */
  byRule: Record<string, number>;
  livecodebenchCutoff?: string;
  /** Every removed record: which benchmark problem it contained, by which rule, and the matched text. */
  records: Array<{ id: string; source: string; benchmark: string; task: string; rule: string; matched: string }>;
}

export interface Datacard {
  name: string;
  size: number;
  instructionChars: LengthStats;
  outputChars: LengthStats;
  complexity?: { method: string; mean: number; median: number; histogram: Histogram; scored: number };
  /** Shares over the classified records; `classified` is set when that is fewer than all (mixed-in general or math records have no task type). */
  taskTypes?: { categories: Record<string, number>; groups: Record<string, number>; classified?: number };
  diversity?: { method: string; meanScore: number; note: string };
  domains: Record<string, number>;
  sources: Record<string, number>;
  /** Records removed from the sources for sharing an n-gram with a benchmark prompt (before any filter). */
  decontamination?: DatacardDecontamination;
  overlap?: DatacardOverlap[];
  warnings: string[];
}

export function lengthStats(values: number[]): LengthStats {
  if (values.length === 0) return { min: 0, p10: 0, median: 0, mean: 0, p90: 0, max: 0 };
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))]!;
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { min: s[0]!, p10: q(0.1), median: q(0.5), mean: round(mean), p90: q(0.9), max: s[s.length - 1]! };
}

export function histogram(values: ArrayLike<number>, lo: number, hi: number, bins = 10): Histogram {
  const width = hi > lo ? (hi - lo) / bins : 1;
  const edges = Array.from({ length: bins + 1 }, (_, i) => round(lo + i * width));
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor((values[i]! - lo) / width)));
    counts[b]!++;
  }
  return { edges, counts };
}

/** Shares of each key, rounded to 4 decimals, keys sorted. */
export function shares(keys: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  const out: Record<string, number> = {};
  for (const k of [...counts.keys()].sort()) out[k] = round(counts.get(k)! / Math.max(1, keys.length));
  return out;
}

export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export interface DatacardInput {
  name: string;
  records: readonly CanonicalRecord[];
  /** Complexity per final record (NaN where unscored, e.g. cross-domain records) and the pool range. */
  complexity?: { method: string; scores: ArrayLike<number>; poolMin: number; poolMax: number };
  /** Category and group per classified final record (all of them, or those of the code source after a cross-domain mix). */
  taskTypes?: { categories: readonly string[]; groups: readonly string[] };
  diversity?: { method: string; meanScore: number; note: string };
  decontamination?: DatacardDecontamination;
  warnings?: string[];
}

/** The facts that show what an arm really contains. Pure: the caller gathers annotations. */
export function buildDatacard(input: DatacardInput): Datacard {
  const { records } = input;
  const card: Datacard = {
    name: input.name,
    size: records.length,
    instructionChars: lengthStats(records.map((r) => r.instruction.length + (r.input ? r.input.length + 1 : 0))),
    outputChars: lengthStats(records.map((r) => r.output.length)),
    domains: shares(records.map((r) => r.domain)),
    sources: shares(records.map((r) => r.source)),
    warnings: input.warnings ?? [],
  };
  if (input.complexity) {
    const scored = Array.from(input.complexity.scores).filter((v) => Number.isFinite(v));
    const st = lengthStats(scored);
    card.complexity = {
      method: input.complexity.method,
      mean: round(st.mean),
      median: round(st.median),
      histogram: histogram(scored, input.complexity.poolMin, input.complexity.poolMax),
      scored: scored.length,
    };
  }
  if (input.taskTypes) {
    const classified = input.taskTypes.groups.length;
    card.taskTypes = {
      categories: shares(input.taskTypes.categories),
      groups: shares(input.taskTypes.groups),
      ...(classified < records.length ? { classified } : {}),
    };
  }
  if (input.diversity) card.diversity = { ...input.diversity, meanScore: round(input.diversity.meanScore, 6) };
  if (input.decontamination) card.decontamination = input.decontamination;
  return card;
}

/** Text from data inside a Markdown table cell: no HTML, no column breaks, one line. */
function escapeCell(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('|', '\\|').replace(/\s+/g, ' ');
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function table(rows: [string, string][], head: [string, string]): string {
  return [`| ${head[0]} | ${head[1]} |`, '|---|---:|', ...rows.map(([a, b]) => `| ${a} | ${b} |`)].join('\n');
}

/** The data card as Markdown, for people. */
export function renderDatacardMarkdown(card: Datacard): string {
  const out: string[] = [`# Data card: ${card.name}`, ''];
  if (card.warnings.length) out.push(...card.warnings.map((w) => `> **Warning:** ${w}`), '');
  out.push(`**Records:** ${card.size}`, '');
  const ls = (s: LengthStats): string => `min ${s.min} · p10 ${s.p10} · median ${s.median} · mean ${s.mean} · p90 ${s.p90} · max ${s.max}`;
  out.push('## Length (characters)', '', `- instruction (+ input): ${ls(card.instructionChars)}`, `- output: ${ls(card.outputChars)}`, '');
  if (card.complexity) {
    const c = card.complexity;
    out.push(`## Complexity (${c.method})`, '', `Mean ${c.mean}, median ${c.median} over ${c.scored} scored records.`, '');
    out.push(
      table(
        c.histogram.counts.map((n, i) => [`[${c.histogram.edges[i]}, ${c.histogram.edges[i + 1]})`, String(n)]),
        ['score bin (pool range)', 'records'],
      ),
      '',
    );
  }
  if (card.taskTypes) {
    const over = card.taskTypes.classified !== undefined ? ` (over the ${card.taskTypes.classified} classified records)` : '';
    out.push(`## Task types${over}`, '', table(Object.entries(card.taskTypes.groups).map(([k, v]) => [k, pct(v)]), ['group', 'share']), '');
    out.push(table(Object.entries(card.taskTypes.categories).map(([k, v]) => [k, pct(v)]), ['category', 'share']), '');
  }
  if (card.diversity) {
    out.push(`## Diversity (${card.diversity.method})`, '', `Mean score ${card.diversity.meanScore}. ${card.diversity.note}`, '');
  }
  out.push('## Domains', '', table(Object.entries(card.domains).map(([k, v]) => [k, pct(v)]), ['domain', 'share']), '');
  out.push('## Sources', '', table(Object.entries(card.sources).map(([k, v]) => [k, pct(v)]), ['source', 'share']), '');
  if (card.decontamination) {
    const d = card.decontamination;
    const by = (m: Record<string, number>): string => Object.entries(m).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
    out.push(
      '## Decontamination',
      '',
      `${d.removed} records removed from the sources for containing a benchmark problem: its prompt (a shared ${d.ngram}-gram), a reference solution or a test assertion ` +
        `(whole, lower-cased, whitespace removed, at least ${d.minChars} characters). By rule: ${by(d.byRule)}; by benchmark: ${by(d.byBenchmark)}; by source: ${by(d.bySource)}.` +
        (d.livecodebenchCutoff ? ` LiveCodeBench: problems released from ${d.livecodebenchCutoff} on.` : ''),
      '',
    );
    if (d.records.length) {
      const cell = (t: string): string => escapeCell(t.length > 100 ? `${t.slice(0, 100)}…` : t);
      out.push('| record | source | benchmark | task | rule | matched text |', '|---|---|---|---|---|---|', ...d.records.map((r) => `| ${cell(r.id)} | ${cell(r.source)} | ${r.benchmark} | ${cell(r.task)} | ${r.rule} | \`${cell(r.matched).replaceAll('`', "'")}\` |`), '');
    }
  }
  if (card.overlap?.length) {
    out.push(
      '## Overlap with other arms',
      '',
      '| arm | Jaccard | shared records | flag |',
      '|---|---:|---:|---|',
      ...card.overlap.map((o) => `| ${o.other} | ${o.jaccard.toFixed(4)} | ${o.shared} | ${o.flag ?? ''} |`),
      '',
    );
  }
  return out.join('\n');
}
