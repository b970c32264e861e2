import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { planFromValidated } from '../plan/build.js';
import { validateSpec } from '../spec/validate.js';
import { runStage } from '../exec/stage.js';
import { materializeDataset } from '../data/materialize.js';
import { benchPython, ratio, runPeer } from './peers.js';
import type { BenchRow } from './types.js';
import { toolRules } from '../tools/rules.js';

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
export async function benchMaterialize(n = 500_000, opts: { peers?: boolean } = {}): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ablate-bench-mat-'));
  const saved = process.env.ABLATE_CACHE;
  process.env.ABLATE_CACHE = path.join(dir, 'cache');
  try {
    await writeSynthetic(path.join(dir, 'synthetic.jsonl'), n);
    writeFileSync(
      path.join(dir, 'spec.yaml'),
      JSON.stringify({ name: 'bench', sources: { code: { path: 'synthetic.jsonl' } }, annotate: { complexity: { method: 'heuristic' } }, data: { source: 'code', filter: { complexity: { bins: 3, keep: 'medium' } }, size: 20000 } }),
    );
    const plan = planFromValidated(validateSpec(path.join(dir, 'spec.yaml'), { rules: toolRules }), { resultsRoot: path.join(dir, 'results') });
    const stage = [...plan.stages.values()][0]!;
    const rssBefore = process.resourceUsage().maxRSS;
    const t0 = performance.now();
    const outcome = await runStage({ plan, stage, runner: materializeDataset, env: {}, signal: new AbortController().signal, executor: 'bench', what: 'bench' });
    const seconds = (performance.now() - t0) / 1000;
    if (outcome.status !== 'done') throw new Error(`materialize failed: ${JSON.stringify(outcome)}`);
    const peakMb = process.resourceUsage().maxRSS / 1024;
    const rows: BenchRow[] = [
      { name: `materialize ${n.toLocaleString('en')} records → 20,000 (heuristic complexity, medium tertile)`, value: n / seconds, unit: 'records/s' },
      { name: 'materialize: wall time', value: seconds, unit: 's' },
      { name: 'materialize: peak resident memory of the process', value: peakMb, unit: 'MB', ...(rssBefore ? {} : {}) },
    ];
    if (opts.peers ?? true) rows.push(...(await polarsPeer(dir, stage.dir, seconds, peakMb)));
    return rows;
  } finally {
    if (saved === undefined) delete process.env.ABLATE_CACHE;
    else process.env.ABLATE_CACHE = saved;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same work as a polars script (scripts/bench/materialize_polars.py), on the same file, in the same session. */
async function polarsPeer(dir: string, stageDir: string, seconds: number, peakMb: number): Promise<BenchRow[]> {
  const python = benchPython();
  if (!python) {
    if (process.env['CI']) throw new Error('bench: the bench venv (polars) is not installed (.ci/run installs it)');
    return [{ name: 'materialize peer: polars not installed, no ratio', value: 0, unit: '' }];
  }
  const peer = await runPeer<{ seconds: number; peakMb: number; records: number; tertile: number }>(python, 'materialize_polars.py', [
    path.join(dir, 'synthetic.jsonl'),
    path.join(dir, 'polars-out.jsonl'),
    '20000',
  ]);
  const manifest = JSON.parse(readFileSync(path.join(stageDir, 'manifest.json'), 'utf8')) as { steps: Array<{ step: string; count: number }> };
  const tertile = manifest.steps.find((s) => s.step === 'complexity')?.count;
  if (tertile !== peer.tertile) throw new Error(`bench: ablate's medium tertile has ${tertile} records, the polars script's ${peer.tertile}`);
  return [
    { name: 'materialize peer: polars script, wall time / peak memory', value: peer.seconds, unit: `s / ${Math.round(peer.peakMb)} MB` },
    { name: 'materialize: medium tertile size, ablate = polars', value: peer.tertile, unit: 'records' },
    { name: 'materialize ratio ablate / polars: wall time', value: ratio(seconds, peer.seconds), unit: '×', target: '≤ 1.5' },
    { name: 'materialize ratio ablate / polars: peak memory', value: ratio(peakMb, peer.peakMb), unit: '×', target: '≤ 1' },
  ];
}
