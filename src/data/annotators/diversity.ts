/**
 * Diversity math on embedding matrices (row-major Float32Array, n rows × d). Pure functions.
 *
 * Study B scores a record by 1 − its mean cosine similarity to all OTHER records, and computes it
 * with an exact N×N search (O(N²) time, N²·12 bytes). The same number is exact in O(N·d): with unit
 * vectors x_i and S = Σ_j x_j,  mean_{j≠i} cos(x_i, x_j) = (x_i·S − x_i·x_i)/(N − 1) = (x_i·S − 1)/(N − 1).
 */
import { CosineBlocks } from './gemm.js';
import { buildUnitIndex, INDEX_DEFAULTS, RECALL_SAMPLE, sampleRows, unitRows, USEARCH_VERSION, type IndexOptions, type NeighbourSearch } from './vectorIndex.js';

/** 1 / ‖row‖ per row (0 for a zero row, which then has similarity 0 to everything). */
export function inverseNorms(vectors: Float32Array, n: number, d: number): Float64Array {
  const inv = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let ss = 0;
    const o = i * d;
    for (let k = 0; k < d; k++) {
      const v = vectors[o + k]!;
      ss += v * v;
    }
    inv[i] = ss > 0 ? 1 / Math.sqrt(ss) : 0;
  }
  return inv;
}

/**
 * Study B's diversity, exactly, in O(N·d) time and O(N + d) extra memory: 1 − mean cosine similarity
 * of each row to every other row. Rows need not be normalized (they are, implicitly, in float64).
 * A single record has no others: its score is 0.
 */
export function meanSimilarityDiversity(vectors: Float32Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  if (n < 2) return out;
  const inv = inverseNorms(vectors, n, d);
  const sum = new Float64Array(d);
  for (let j = 0; j < n; j++) {
    const s = inv[j]!;
    if (s === 0) continue;
    const o = j * d;
    for (let k = 0; k < d; k++) sum[k] = sum[k]! + vectors[o + k]! * s;
  }
  for (let i = 0; i < n; i++) {
    const s = inv[i]!;
    const o = i * d;
    let dot = 0;
    for (let k = 0; k < d; k++) dot += vectors[o + k]! * sum[k]!;
    // The self term x_i·x_i is 1 for a unit row and 0 for a zero row.
    const self = s === 0 ? 0 : 1;
    out[i] = 1 - (dot * s - self) / (n - 1);
  }
  return out;
}

/** The O(N²) definition, for tests: 1 − mean over j ≠ i of cos(x_i, x_j). */
export function meanSimilarityDiversityBruteForce(vectors: Float32Array, n: number, d: number): Float64Array {
  const inv = inverseNorms(vectors, n, d);
  const out = new Float64Array(n);
  if (n < 2) return out;
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let dot = 0;
      for (let k = 0; k < d; k++) dot += vectors[i * d + k]! * vectors[j * d + k]!;
      total += dot * inv[i]! * inv[j]!;
    }
    out[i] = 1 - total / (n - 1);
  }
  return out;
}

export interface KnnOptions extends IndexOptions {
  /** Receives the index parameters and its recall@k against exact search on a sample. */
  onSearch?(search: NeighbourSearch): void;
}

/**
 * kNN local density score: mean cosine distance (1 − cos) from each record to its k nearest other
 * records, on an HNSW index (vectorIndex.ts: approximate neighbours, reproducible for a fixed
 * order). Higher = sparser neighbourhood = more diverse. k is capped at n − 1.
 */
export async function knnDensity(vectors: Float32Array, n: number, d: number, k: number, opts: KnnOptions = {}): Promise<Float64Array> {
  const out = new Float64Array(n);
  const kk = Math.min(k, n - 1);
  if (kk < 1) return out;
  const inv = inverseNorms(vectors, n, d);
  const units = unitRows(vectors, n, d, inv);
  const index = await buildUnitIndex(d, { ...opts, efSearch: Math.max(opts.efSearch ?? INDEX_DEFAULTS.efSearch, kk + 1) });
  index.addRows(0, units);
  // One extra: the record itself (distance 0) comes back too, unless a duplicate displaces it.
  const found = index.knn(units, kk + 1);
  const width = kk + 1;
  for (let i = 0; i < n; i++) {
    const got = Number(found.counts[i]);
    let total = 0;
    let taken = 0;
    let selfSkipped = false;
    for (let r = 0; r < got && taken < kk; r++) {
      if (!selfSkipped && Number(found.keys[i * width + r]) === i) {
        selfSkipped = true;
        continue;
      }
      total += found.distances[i * width + r]!;
      taken++;
    }
    out[i] = taken ? total / taken : 0;
  }
  if (opts.onSearch) opts.onSearch(await knnRecall(found, width, units, n, d, kk, index.opts));
  return out;
}

/**
 * Recall@k of the index's neighbours against exact search on an evenly spread sample of records:
 * the share of the exact k nearest others that the index found (a neighbour tied in similarity
 * with the exact k-th counts as found).
 */
async function knnRecall(
  found: { keys: BigUint64Array; distances: Float32Array; counts: BigUint64Array },
  width: number,
  units: Float32Array,
  n: number,
  d: number,
  k: number,
  params: { m: number; efConstruction: number; efSearch: number },
): Promise<NeighbourSearch> {
  const sample = sampleRows(n, RECALL_SAMPLE);
  const q = new Float32Array(sample.length * d);
  sample.forEach((i, r) => q.set(units.subarray(i * d, (i + 1) * d), r * d));
  const gemm = await CosineBlocks.create();
  let sims: Float32Array;
  try {
    sims = await gemm.products(q, sample.length, units, n, d);
  } finally {
    await gemm.release();
  }
  let hits = 0;
  const row = new Float32Array(n - 1);
  sample.forEach((i, r) => {
    let t = 0;
    for (let j = 0; j < n; j++) if (j !== i) row[t++] = sims[r * n + j]!;
    // The exact k-th largest similarity to another record.
    const kth = row.slice().sort().reverse()[k - 1]!;
    let got = 0;
    for (let c = 0; c < Number(found.counts[i]) && got < k; c++) {
      if (Number(found.keys[i * width + c]) === i) continue;
      got++;
      if (1 - found.distances[i * width + c]! >= kth - 1e-6) hits++;
    }
  });
  return { kind: 'hnsw', library: `usearch ${USEARCH_VERSION}`, ...params, k, recall: Math.round((hits / (sample.length * k)) * 1e4) / 1e4, sample: sample.length };
}
