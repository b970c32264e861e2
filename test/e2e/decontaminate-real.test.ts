// Decontamination on the shared real data (../shared/data): 10 HumanEval records mixed into Code
// Alpaca (5 by prompt, 5 by signature + canonical solution without the docstring) are all removed,
// and the removal rate on the untouched datasets is measured per min_chars and stays under 1%.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadBenchmark } from '../../src/data/benchmarks.js';
import { decontaminate } from '../../src/data/decontaminate.js';
import type { CanonicalRecord } from '../../src/data/records.js';
import { sharedData } from '../helpers/cli.js';

const need = ['HumanEval.jsonl.gz', 'sanitized-mbpp.json', 'code_alpaca_2k.json', 'evol-codealpaca-2k-1.json'].map((f) => path.join(sharedData, f));
const missing = need.some((f) => !existsSync(f));
if (missing && process.env.CI) throw new Error(`shared data missing under ${sharedData}: CI runs with ../shared beside the checkout`);

const records = (file: string, src: string): CanonicalRecord[] =>
  (JSON.parse(readFileSync(path.join(sharedData, file), 'utf8')) as Array<{ instruction: string; input?: string; output: string }>).map((r, i) => ({ id: `${src}${i}`, instruction: r.instruction, input: r.input ?? '', output: r.output, source: src, domain: 'code' }));

describe.skipIf(missing)('decontamination on real data (acceptance)', () => {
  it('removes all 10 mixed-in HumanEval records and under 1% of the untouched datasets', async () => {
    const he = await loadBenchmark('humaneval', path.join(sharedData, 'HumanEval.jsonl.gz'));
    const mbpp = await loadBenchmark('mbpp', path.join(sharedData, 'sanitized-mbpp.json'));
    const raw = gunzipSync(readFileSync(path.join(sharedData, 'HumanEval.jsonl.gz'))).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    const ca = records('code_alpaca_2k.json', 'ca');
    const ev = records('evol-codealpaca-2k-1.json', 'ev');
    const mixed = [...ca];
    [3, 17, 42, 88, 130].forEach((k, j) => mixed.push({ id: `prompt${j}`, instruction: `Complete this function:\n${raw[k]!.prompt}`, input: '', output: 'pass', source: 'mix', domain: 'code' }));
    [5, 23, 61, 99, 151].forEach((k, j) => {
      const p = raw[k]!;
      const sig = p.prompt!.split('\n').reverse().find((l) => l.startsWith(`def ${p.entry_point}(`))!;
      mixed.push({ id: `solution${j}`, instruction: `Write ${p.entry_point}.`, input: '', output: `${sig}\n${p.canonical_solution}`, source: 'mix', domain: 'code' });
    });
    const removed = decontaminate(mixed, [...he, ...mbpp], { ngram: 13 }).removed.filter((r) => r.source === 'mix');
    expect(removed.map((r) => [r.id, r.rule])).toEqual([
      ...[0, 1, 2, 3, 4].map((j) => [`prompt${j}`, 'prompt']),
      ...[0, 1, 2, 3, 4].map((j) => [`solution${j}`, 'solution']),
    ]);
    for (const [name, recs] of [['code_alpaca_2k', ca], ['evol-codealpaca-2k-1', ev]] as const) {
      const rates = [20, 30, 40, 60].map((m) => {
        const r = decontaminate(recs, [...he, ...mbpp], { ngram: 13, minChars: m }).removed;
        return `${m}: ${r.length}/${recs.length} (${((100 * r.length) / recs.length).toFixed(2)}%)`;
      });
      console.log(`${name} removal rate by min_chars: ${rates.join(', ')}`);
      const atDefault = decontaminate(recs, [...he, ...mbpp], { ngram: 13 }).removed.length;
      expect(atDefault / recs.length).toBeLessThan(0.01);
    }
  });
});
