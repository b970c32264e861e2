/**
 * Benchmarks of the diversity annotators on synthetic unit vectors (no model needed):
 * - study B's mean-similarity diversity of 110,000 × 768 vectors (the size of Evol-Instruct-110K
 *   with a 768-d INSTRUCTOR/CodeBERT embedding; target under 2 s; the O(N²) script needs ~67 GB),
 * - kNN density (HNSW build + k = 10 queries for every vector) of 20,000 × 384 vectors (all-MiniLM
 *   size) against Python hnswlib at the same parameters, and DEITA's exact greedy selection on the
 *   same vectors against exact blocked numpy, whose kept set it must equal.
 * Vectors come from a fixed-seed generator, so runs are comparable.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { knnDensity, meanSimilarityDiversity } from '../data/annotators/diversity.js';
import { greedySelect } from '../data/annotators/greedy.js';
import { benchPython, managedPython, ratio, runPeer, writeNpy } from './peers.js';
import { uniformFloats } from '../data/sample.js';
import type { BenchRow } from './types.js';

/** Row-major n × d unit vectors with Gaussian-ish components, from a fixed seed. */
export function syntheticUnitVectors(n: number, d: number, seed = 12345): Float32Array {
  const next = uniformFloats(seed);
  const v = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let ss = 0;
    const o = i * d;
    for (let k = 0; k < d; k++) {
      const x = next() + next() + next() - 1.5;
      v[o + k] = x;
      ss += x * x;
    }
    const inv = 1 / Math.sqrt(ss);
    for (let k = 0; k < d; k++) v[o + k]! *= inv;
  }
  return v;
}

async function time<T>(fn: () => T | Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, (performance.now() - t0) / 1000];
}

export interface BenchDiversityOptions {
  meanSimilarity?: { n: number; d: number };
  knn?: { n: number; d: number; k: number };
  /** Greedy threshold for the selection benchmark. */
  threshold?: number;
  /** Run the peer tools (default true; the unit test of the benchmark itself turns them off). */
  peers?: boolean;
}

/** A peer that must run in CI; elsewhere a missing one leaves its ratio out. */
function missingPeer(what: string): BenchRow[] {
  if (process.env['CI']) throw new Error(`bench: ${what} is not installed (.ci/run installs it)`);
  return [{ name: `${what}: not installed, no ratio`, value: 0, unit: '' }];
}

export async function benchDiversity(opts: BenchDiversityOptions = {}): Promise<BenchRow[]> {
  const ms = opts.meanSimilarity ?? { n: 110_000, d: 768 };
  const kn = opts.knn ?? { n: 20_000, d: 384, k: 10 };
  const rows: BenchRow[] = [];

  let vectors = syntheticUnitVectors(ms.n, ms.d);
  const [, tMean] = await time(() => meanSimilarityDiversity(vectors, ms.n, ms.d));
  rows.push({ name: `diversity mean-similarity ${ms.n} × ${ms.d} (exact, O(N·d))`, value: round(tMean, 3), unit: 's', target: '< 2 s' });
  rows.push({ name: 'diversity mean-similarity throughput', value: Math.round(ms.n / tMean), unit: 'records/s' });
  vectors = new Float32Array(0);

  const kv = syntheticUnitVectors(kn.n, kn.d, 777);
  const dir = mkdtempSync(path.join(tmpdir(), 'ablate-bench-div-'));
  try {
    const npy = path.join(dir, 'vectors.npy');
    await writeNpy(npy, kv, kn.n, kn.d);

    // kNN density: one thread for the index build and the queries, like the peer.
    const [, tKnn] = await time(() => knnDensity(kv, kn.n, kn.d, kn.k));
    rows.push({ name: `knn-density k=${kn.k}, ${kn.n} × ${kn.d} (USearch HNSW build + queries, 1 thread)`, value: round(tKnn, 3), unit: 's' });
    const bench = benchPython();
    const peers = opts.peers ?? true;
    if (!peers) {
      // No peers: only ablate's own figures.
    } else if (bench) {
      const peer = await runPeer<{ build: number; query: number }>(bench, 'knn_hnswlib.py', [npy, String(kn.k)]);
      const tPeer = peer.build + peer.query;
      rows.push({ name: 'knn-density peer: Python hnswlib 0.8.0, same M/ef, 1 thread', value: round(tPeer, 3), unit: 's' });
      rows.push({ name: 'knn-density ratio ablate / Python hnswlib', value: ratio(tKnn, tPeer), unit: '×', target: '≤ 1.2' });
    } else rows.push(...missingPeer('bench venv (Python hnswlib)'));

    const threshold = opts.threshold ?? 0.2;
    const [kept, tGreedy] = await time(() => greedySelect(kv, kn.n, kn.d, threshold));
    const keptCount = kept.reduce((s, x) => s + x, 0);
    rows.push({ name: `greedy selection (exact) threshold ${threshold}, ${kn.n} × ${kn.d}`, value: round(tGreedy, 3), unit: 's' });
    rows.push({ name: 'greedy selection kept', value: keptCount, unit: 'records' });
    const numpy = peers ? await managedPython() : undefined;
    if (!peers) {
      // No peers: only ablate's own figures.
    } else if (numpy) {
      const prefix = path.join(dir, 'greedy');
      const peer = await runPeer<Record<'float64' | 'float32', { seconds: number; kept: number }>>(numpy, 'greedy_numpy.py', [npy, String(threshold), prefix]);
      const reference = parseNpyMask(readFileSync(`${prefix}-float64.npy`));
      let differ = 0;
      for (let i = 0; i < kn.n; i++) if ((kept[i]! > 0 ? 1 : 0) !== reference[i]) differ++;
      if (differ) throw new Error(`bench: the exact greedy selection differs from the numpy float64 reference in ${differ} records`);
      const fastest = Math.min(peer.float64.seconds, peer.float32.seconds);
      rows.push({ name: 'greedy peer: exact blocked numpy, float64 (the reference) / float32', value: round(peer.float64.seconds, 3), unit: `s / ${peer.float32.seconds.toFixed(3)} s` });
      rows.push({ name: 'greedy: records that differ from the numpy float64 reference', value: differ, unit: 'records', target: '0' });
      rows.push({ name: 'greedy ratio ablate / fastest numpy', value: ratio(tGreedy, fastest), unit: '×', target: '≤ 1.5' });
    } else rows.push(...missingPeer('managed Python environment (numpy)'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** A 1-D uint8 .npy (the peer's kept mask). */
function parseNpyMask(buf: Buffer): Uint8Array {
  const headerLen = buf.readUInt16LE(8);
  return new Uint8Array(buf.subarray(10 + headerLen));
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
