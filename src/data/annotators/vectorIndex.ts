/**
 * The approximate nearest-neighbour index: USearch's HNSW (prebuilt binaries with SIMD kernels
 * chosen at run time; nothing to compile at install). Rows are unit vectors (scaled in float64,
 * stored float32) under the inner-product metric, so distance = 1 − cosine. Insertion is
 * single-threaded in record order, so the graph, and every score read from it, is reproducible
 * (queries run on one thread too, like the Python hnswlib peer in the benchmark).
 *
 * An index is only ever a speed-up: `nearestRecall` measures, on a sample, how often it finds the
 * neighbours exact search (gemm.ts) finds, and that goes into the data card.
 */
import { CosineBlocks } from './gemm.js';

type USearch = typeof import('usearch').default;
type UIndex = InstanceType<USearch['Index']>;

export interface IndexOptions {
  /** Graph degree (HNSW M). */
  m?: number;
  efConstruction?: number;
  /** Search breadth; raised to at least k + 1. */
  efSearch?: number;
}

export const INDEX_DEFAULTS = { m: 16, efConstruction: 100, efSearch: 64 } as const;

/** How neighbours were searched, as the data card records it. */
export type NeighbourSearch =
  | { kind: 'exact' }
  | { kind: 'hnsw'; library: string; m: number; efConstruction: number; efSearch: number; k: number; recall: number; sample: number };

let loaded: Promise<USearch> | undefined;
function usearch(): Promise<USearch> {
  loaded ??= import('usearch').then((m) => m.default);
  return loaded;
}

export class UnitIndex {
  constructor(
    private readonly index: UIndex,
    readonly d: number,
    readonly opts: Required<IndexOptions>,
  ) {}

  get size(): number {
    return this.index.size();
  }

  /** Adds unit rows under keys `first`, `first + 1`, … (one thread, in order). */
  addRows(first: number, rows: Float32Array): void {
    const n = rows.length / this.d;
    const keys = new BigUint64Array(n);
    for (let r = 0; r < n; r++) keys[r] = BigInt(first + r);
    this.index.add(keys, rows, 1);
  }

  add(key: number, unit: Float32Array): void {
    this.index.add(BigInt(key), unit, 1);
  }

  /** Cosine similarity of a unit row to its nearest indexed row. */
  nearestSimilarity(unit: Float32Array): number {
    const m = this.index.search(unit, 1, 1);
    return 1 - m.distances[0]!;
  }

  /** The k nearest indexed rows of each of the b unit rows in `units`: keys and cosine distances, row-major b × k. */
  knn(units: Float32Array, k: number): { keys: BigUint64Array; distances: Float32Array; counts: BigUint64Array } {
    // One thread: USearch sizes its per-thread search contexts at insertion, which is single-threaded.
    const r = this.index.search(units, k, 1) as unknown as { keys: BigUint64Array; distances: Float32Array; counts: BigUint64Array };
    return r;
  }

}

/** The pinned USearch version (package.json pins it exactly: 2.26.0 is the newest with Linux prebuilds). */
export const USEARCH_VERSION = '2.26.0';

export async function buildUnitIndex(d: number, opts: IndexOptions = {}): Promise<UnitIndex> {
  const lib = await usearch();
  const o = {
    m: opts.m ?? INDEX_DEFAULTS.m,
    efConstruction: opts.efConstruction ?? INDEX_DEFAULTS.efConstruction,
    efSearch: opts.efSearch ?? INDEX_DEFAULTS.efSearch,
  };
  const index = new lib.Index({
    dimensions: d,
    metric: lib.MetricKind.IP,
    quantization: lib.ScalarKind.F32,
    connectivity: o.m,
    expansion_add: o.efConstruction,
    expansion_search: o.efSearch,
    multi: false,
  });
  return new UnitIndex(index, d, o);
}

/** Row i of `vectors` scaled to unit length in float64 (a zero row stays zero), as float32 rows. */
export function unitRows(vectors: Float32Array, n: number, d: number, inv: Float64Array): Float32Array {
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const s = inv[i]!;
    const o = i * d;
    for (let k = 0; k < d; k++) out[o + k] = vectors[o + k]! * s;
  }
  return out;
}

/** The unit rows of the records `rows`, in that order. */
export function unitRowsOf(vectors: Float32Array, rows: Int32Array, d: number, inv: Float64Array): Float32Array {
  const out = new Float32Array(rows.length * d);
  rows.forEach((i, r) => {
    const s = inv[i]!;
    for (let k = 0; k < d; k++) out[r * d + k] = vectors[i * d + k]! * s;
  });
  return out;
}

/** Up to `size` row numbers from [0, n), evenly spread (deterministic). */
export function sampleRows(n: number, size: number): Int32Array {
  const m = Math.min(n, size);
  return Int32Array.from({ length: m }, (_, t) => Math.floor((t * n) / m));
}

export const RECALL_SAMPLE = 500;

/**
 * Recall@1 of the index against exact search: for a sample of all n records, how often the index's
 * nearest member (of `members`, the rows the index holds under their record numbers) is the exact
 * nearest one (ties count as found).
 */
export async function nearestRecall(index: UnitIndex, vectors: Float32Array, n: number, d: number, inv: Float64Array, members: Int32Array): Promise<NeighbourSearch> {
  // Queries are records outside the index (a member would find itself).
  const isMember = new Uint8Array(n);
  for (const i of members) isMember[i] = 1;
  const outside = Int32Array.from({ length: n - members.length }, function (this: { next: number }) {
    while (isMember[this.next]) this.next++;
    return this.next++;
  }, { next: 0 });
  const sample = Int32Array.from(sampleRows(outside.length, RECALL_SAMPLE), (t) => outside[t]!);
  const base = { kind: 'hnsw' as const, library: `usearch ${USEARCH_VERSION}`, m: index.opts.m, efConstruction: index.opts.efConstruction, efSearch: index.opts.efSearch, k: 1 };
  if (members.length === 0 || sample.length === 0) return { ...base, recall: 1, sample: 0 };
  const q = unitRowsOf(vectors, sample, d, inv);
  const memberUnits = unitRowsOf(vectors, members, d, inv);
  const gemm = await CosineBlocks.create();
  let exactMax: Float32Array;
  try {
    exactMax = await gemm.rowMax(q, sample.length, memberUnits, members.length, d);
  } finally {
    await gemm.release();
  }
  const found = index.knn(q, 1);
  let hits = 0;
  for (let r = 0; r < sample.length; r++) {
    // Found when the index's neighbour is as similar as the exact nearest (within float32 rounding).
    if (Number(found.counts[r]) > 0 && 1 - found.distances[r]! >= exactMax[r]! - 1e-6) hits++;
  }
  return { ...base, recall: Math.round((hits / sample.length) * 1e4) / 1e4, sample: sample.length };
}
