/**
 * Benchmarks of the diversity annotators on synthetic unit vectors (no model needed):
 * - study B's mean-similarity diversity of 110,000 × 768 vectors (the size of Evol-Instruct-110K
 *   with a 768-d INSTRUCTOR/CodeBERT embedding; target under 2 s; the O(N²) script needs ~67 GB),
 * - an HNSW kNN index of 20,000 × 384 vectors (all-MiniLM size): build, then k = 10 queries for every
 *   vector (the knn-density score), and DEITA greedy selection on the same vectors.
 * Vectors come from a fixed-seed generator, so runs are comparable.
 */
import { buildCosineIndex, greedySelect, knnDensityOnIndex, meanSimilarityDiversity } from '../data/annotators/diversity.js';
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

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const out = fn();
  return [out, (performance.now() - t0) / 1000];
}

export interface BenchDiversityOptions {
  meanSimilarity?: { n: number; d: number };
  knn?: { n: number; d: number; k: number };
  /** Greedy threshold for the selection benchmark. */
  threshold?: number;
}

export async function benchDiversity(opts: BenchDiversityOptions = {}): Promise<BenchRow[]> {
  const ms = opts.meanSimilarity ?? { n: 110_000, d: 768 };
  const kn = opts.knn ?? { n: 20_000, d: 384, k: 10 };
  const rows: BenchRow[] = [];

  let vectors = syntheticUnitVectors(ms.n, ms.d);
  const [, tMean] = time(() => meanSimilarityDiversity(vectors, ms.n, ms.d));
  rows.push({ name: `diversity mean-similarity ${ms.n} × ${ms.d} (exact, O(N·d))`, value: round(tMean, 3), unit: 's', target: '< 2 s' });
  rows.push({ name: 'diversity mean-similarity throughput', value: Math.round(ms.n / tMean), unit: 'records/s' });
  vectors = new Float32Array(0);

  const kv = syntheticUnitVectors(kn.n, kn.d, 777);
  const [index, tBuild] = time(() => buildCosineIndex(kv, kn.n, kn.d));
  rows.push({ name: `hnsw index build ${kn.n} × ${kn.d}`, value: round(tBuild, 3), unit: 's' });
  const [, tQuery] = time(() => knnDensityOnIndex(index, kv, kn.n, kn.d, kn.k));
  rows.push({ name: `knn-density queries k=${kn.k}, all ${kn.n} records`, value: round(tQuery, 3), unit: 's' });
  rows.push({ name: `knn queries k=${kn.k}`, value: Math.round(kn.n / Math.max(1e-9, tQuery)), unit: 'queries/s' });
  const threshold = opts.threshold ?? 0.2;
  const [kept, tGreedy] = time(() => greedySelect(kv, kn.n, kn.d, threshold));
  rows.push({ name: `greedy selection threshold ${threshold} ${kn.n} × ${kn.d}`, value: round(tGreedy, 3), unit: 's' });
  rows.push({ name: 'greedy selection kept', value: kept.reduce((s, x) => s + x, 0), unit: 'records' });
  return rows;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
