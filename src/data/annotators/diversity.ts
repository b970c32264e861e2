/**
 * Diversity math on embedding matrices (row-major Float32Array, n rows × d). Pure functions.
 *
 * Study B scores a record by 1 − its mean cosine similarity to all OTHER records, and computes it
 * with an exact N×N search (O(N²) time, N²·12 bytes). The same number is exact in O(N·d): with unit
 * vectors x_i and S = Σ_j x_j,  mean_{j≠i} cos(x_i, x_j) = (x_i·S − x_i·x_i)/(N − 1) = (x_i·S − 1)/(N − 1).
 */
import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;

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

function row(vectors: Float32Array, i: number, d: number): number[] {
  return Array.from(vectors.subarray(i * d, (i + 1) * d));
}

export interface HnswOptions {
  /** Graph degree. */
  m?: number;
  efConstruction?: number;
  /** Search breadth; raised to at least k. */
  efSearch?: number;
  /** Fixed, so index construction (and thus the scores) is reproducible. */
  seed?: number;
}

const HNSW_DEFAULTS = { m: 16, efConstruction: 100, efSearch: 64, seed: 42 } as const;

export type Index = InstanceType<typeof HierarchicalNSW>;

export function buildCosineIndex(vectors: Float32Array, n: number, d: number, opts: HnswOptions = {}): Index {
  const index = new HierarchicalNSW('cosine', d);
  index.initIndex(Math.max(1, n), opts.m ?? HNSW_DEFAULTS.m, opts.efConstruction ?? HNSW_DEFAULTS.efConstruction, opts.seed ?? HNSW_DEFAULTS.seed);
  for (let i = 0; i < n; i++) index.addPoint(row(vectors, i, d), i);
  return index;
}

/**
 * kNN local density score: mean cosine distance (1 − cos) from each record to its k nearest other
 * records, on an HNSW index (approximate neighbours, deterministic for a fixed seed and order).
 * Higher = sparser neighbourhood = more diverse. k is capped at n − 1.
 */
export function knnDensity(vectors: Float32Array, n: number, d: number, k: number, opts: HnswOptions = {}): Float64Array {
  if (Math.min(k, n - 1) < 1) return new Float64Array(n);
  return knnDensityOnIndex(buildCosineIndex(vectors, n, d, opts), vectors, n, d, k, opts.efSearch);
}

/** knnDensity's query half, on an index holding exactly rows 0..n−1 of `vectors` under their row numbers. */
export function knnDensityOnIndex(index: Index, vectors: Float32Array, n: number, d: number, k: number, efSearch?: number): Float64Array {
  const out = new Float64Array(n);
  const kk = Math.min(k, n - 1);
  if (kk < 1) return out;
  index.setEf(Math.max(efSearch ?? HNSW_DEFAULTS.efSearch, kk + 1));
  for (let i = 0; i < n; i++) {
    // Ask for one extra: the record itself (distance 0) comes back too, unless a duplicate displaces it.
    const res = index.searchKnn(row(vectors, i, d), kk + 1);
    let total = 0;
    let taken = 0;
    let selfSkipped = false;
    for (let r = 0; r < res.neighbors.length && taken < kk; r++) {
      if (!selfSkipped && res.neighbors[r] === i) {
        selfSkipped = true;
        continue;
      }
      total += res.distances[r]!;
      taken++;
    }
    out[i] = taken ? total / taken : 0;
  }
  return out;
}

/**
 * DEITA's greedy selection: offer records in descending `order` (ties: lower index first; record
 * order when `order` is absent) and keep one only if its cosine similarity to its nearest already-kept
 * record is ≤ threshold. The nearest kept record is found on an HNSW index of the kept ones.
 * Returns 1 for kept records, 0 for the others. `limit` stops after that many are kept.
 */
export function greedySelect(vectors: Float32Array, n: number, d: number, threshold: number, order?: ArrayLike<number>, limit = Infinity, opts: HnswOptions = {}): Float64Array {
  const kept = new Float64Array(n);
  const sequence = Array.from({ length: n }, (_, i) => i);
  if (order) {
    if (order.length !== n) throw new Error(`greedy selection: ${order.length} order scores for ${n} records`);
    sequence.sort((a, b) => order[b]! - order[a]! || a - b);
  }
  const index = new HierarchicalNSW('cosine', d);
  index.initIndex(Math.max(1, n), opts.m ?? HNSW_DEFAULTS.m, opts.efConstruction ?? HNSW_DEFAULTS.efConstruction, opts.seed ?? HNSW_DEFAULTS.seed);
  index.setEf(opts.efSearch ?? HNSW_DEFAULTS.efSearch);
  let count = 0;
  for (const i of sequence) {
    if (count >= limit) break;
    const v = row(vectors, i, d);
    if (count > 0) {
      const res = index.searchKnn(v, 1);
      const similarity = 1 - res.distances[0]!;
      if (similarity > threshold) continue;
    }
    index.addPoint(v, i);
    kept[i] = 1;
    count++;
  }
  return kept;
}
