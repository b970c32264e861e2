import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { planFromValidated } from '../plan/build.js';
import { validateSpec } from '../spec/validate.js';
import { runStage } from '../exec/stage.js';
import { materializeDataset } from '../data/materialize.js';
import type { BenchRow } from './types.js';

const TOPICS = ['sort a list', 'parse a CSV file', 'query a SQL table', 'build a REST endpoint', 'hash a password', 'train a classifier', 'cache results', 'render a form'];

/** Synthetic instruction records of varied length and structure (deterministic). */
async function writeSynthetic(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < n; i++) {
    const topic = TOPICS[i % TOPICS.length]!;
    const steps = 1 + (i % 7);
    const instruction = `Task ${i}: write a function to ${topic}${', handling edge case number '.repeat(steps % 3)}${steps > 3 ? ` in O(n log n) time with ${steps} constraints` : ''}.`;
    const output = `def solve_${i}(xs):\n${'    xs = sorted(xs)\n'.repeat(steps)}    return xs\n`;
    if (!out.write(`${JSON.stringify({ instruction, input: '', output })}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/**
 * Materializes a 20,000-record medium-complexity subset from 500,000 synthetic records (about the
 * combined size of the studies' four sources) with the heuristic scorer, on a clean cache.
 */
export async function benchMaterialize(n = 500_000): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ablate-bench-mat-'));
  const saved = process.env.ABLATE_CACHE;
  process.env.ABLATE_CACHE = path.join(dir, 'cache');
  try {
    await writeSynthetic(path.join(dir, 'synthetic.jsonl'), n);
    writeFileSync(
      path.join(dir, 'spec.yaml'),
      JSON.stringify({ name: 'bench', sources: { code: { path: 'synthetic.jsonl' } }, annotate: { complexity: { method: 'heuristic' } }, data: { source: 'code', filter: { complexity: { bins: 3, keep: 'medium' } }, size: 20000 } }),
    );
    const plan = planFromValidated(validateSpec(path.join(dir, 'spec.yaml')), { resultsRoot: path.join(dir, 'results') });
    const stage = [...plan.stages.values()][0]!;
    const rssBefore = process.resourceUsage().maxRSS;
    const t0 = performance.now();
    const outcome = await runStage({ plan, stage, runner: materializeDataset, env: {}, signal: new AbortController().signal, executor: 'bench', what: 'bench' });
    const seconds = (performance.now() - t0) / 1000;
    if (outcome.status !== 'done') throw new Error(`materialize failed: ${JSON.stringify(outcome)}`);
    const peakMb = process.resourceUsage().maxRSS / 1024;
    return [
      { name: `materialize ${n.toLocaleString('en')} records → 20,000 (heuristic complexity, medium tertile)`, value: n / seconds, unit: 'records/s' },
      { name: 'materialize: wall time', value: seconds, unit: 's' },
      { name: 'materialize: peak resident memory of the process', value: peakMb, unit: 'MB', ...(rssBefore ? {} : {}) },
    ];
  } finally {
    if (saved === undefined) delete process.env.ABLATE_CACHE;
    else process.env.ABLATE_CACHE = saved;
    rmSync(dir, { recursive: true, force: true });
  }
}
