/**
 * DEITA's greedy diversity selection: records are offered in descending `order` (ties: lower index
 * first; record order when `order` is absent) and one is kept only if its cosine similarity to
 * every already-kept record is ≤ threshold.
 *
 * Exact by default, as DEITA's rule is: a block of offered records is compared with the whole kept
 * set in one matrix product (gemm.ts), then within the block in offer order. Float32 products
 * farther than their error bound from the threshold decide; the few that are not are recomputed in
 * float64. The result is that of the float64 rule (the numpy reference in the benchmark), not one
 * that depends on index parameters. `approximate` searches a vector index of the kept records
 * instead (faster on very large sets, may let near-duplicates in) and measures its recall.
 */
import { CosineBlocks, float32DotError } from './gemm.js';
import { inverseNorms } from './diversity.js';
import { buildUnitIndex, nearestRecall, type IndexOptions, type NeighbourSearch } from './vectorIndex.js';

/** Records offered per matrix product: large enough for the GEMM to run at full speed, small enough that few are offered after `limit`. */
const BLOCK = 1024;

export interface GreedyOptions extends IndexOptions {
  /** Stop once this many records are kept. */
  limit?: number;
  /** Use the approximate vector index instead of exact search. */
  approximate?: boolean;
  /** GEMM threads (0 = onnxruntime's default, all cores). */
  threads?: number;
  /** Receives how neighbours were searched (exact, or the index and its measured recall). */
  onSearch?(search: NeighbourSearch): void;
}

/** The offer sequence: descending order score, ties by record index. */
export function offerSequence(n: number, order?: ArrayLike<number>): Int32Array {
  const seq = Int32Array.from({ length: n }, (_, i) => i);
  if (order) {
    if (order.length !== n) throw new Error(`greedy selection: ${order.length} order scores for ${n} records`);
    seq.sort((a, b) => order[b]! - order[a]! || a - b);
  }
  return seq;
}

/** Row i of `vectors`, scaled to unit length in float64, into `out` at row `r` (float32). */
function putUnit(out: Float32Array, r: number, vectors: Float32Array, i: number, d: number, inv: Float64Array): void {
  const s = inv[i]!;
  const o = i * d;
  const p = r * d;
  for (let k = 0; k < d; k++) out[p + k] = vectors[o + k]! * s;
}

/** The float64 cosine of records i and j. */
function cosine64(vectors: Float32Array, i: number, j: number, d: number, inv: Float64Array): number {
  let dot = 0;
  const a = i * d;
  const b = j * d;
  for (let k = 0; k < d; k++) dot += vectors[a + k]! * vectors[b + k]!;
  return dot * inv[i]! * inv[j]!;
}

/** Returns 1 for kept records, 0 for the others (aligned with the rows of `vectors`). */
export async function greedySelect(vectors: Float32Array, n: number, d: number, threshold: number, order?: ArrayLike<number>, opts: GreedyOptions = {}): Promise<Float64Array> {
  const seq = offerSequence(n, order);
  if (opts.approximate) return greedyApproximate(vectors, n, d, threshold, seq, opts);
  const kept = new Float64Array(n);
  const limit = opts.limit ?? Infinity;
  if (n === 0 || limit <= 0) {
    opts.onSearch?.({ kind: 'exact' });
    return kept;
  }
  const inv = inverseNorms(vectors, n, d);
  const eps = float32DotError(d);
  const gemm = await CosineBlocks.create(opts.threads ?? 0);
  try {
    const keptUnit = new Float32Array(n * d);
    const keptIds = new Int32Array(n);
    let count = 0;
    const block = new Float32Array(BLOCK * d);
    /** Whether record i is within the threshold of every kept record among keptIds[from, to), given the float32 similarity `approx` of the nearest. */
    const passesExactly = (i: number, from: number, to: number): boolean => {
      for (let r = from; r < to; r++) if (cosine64(vectors, i, keptIds[r]!, d, inv) > threshold) return false;
      return true;
    };
    for (let start = 0; start < n && count < limit; start += BLOCK) {
      const b = Math.min(BLOCK, n - start);
      for (let r = 0; r < b; r++) putUnit(block, r, vectors, seq[start + r]!, d, inv);
      const before = count;
      // 1. Against everything kept before this block, in one product.
      const maxPrior = before > 0 ? await gemm.rowMax(block, b, keptUnit, before, d) : undefined;
      // 2. Within the block, in offer order: only against the block's own kept records.
      const within = await gemm.products(block, b, block, b, d);
      const keptInBlock: number[] = [];
      for (let r = 0; r < b && count < limit; r++) {
        const i = seq[start + r]!;
        if (maxPrior) {
          const m = maxPrior[r]!;
          if (m > threshold + eps) continue;
          if (m >= threshold - eps && !passesExactly(i, 0, before)) continue;
        }
        let ok = true;
        for (const c of keptInBlock) {
          const s = within[r * b + c]!;
          if (s <= threshold - eps) continue;
          if (s > threshold + eps || cosine64(vectors, i, seq[start + c]!, d, inv) > threshold) {
            ok = false;
            break;
          }
        }
        if (!ok) continue;
        keptInBlock.push(r);
        keptUnit.set(block.subarray(r * d, (r + 1) * d), count * d);
        keptIds[count++] = i;
        kept[i] = 1;
      }
    }
  } finally {
    await gemm.release();
  }
  opts.onSearch?.({ kind: 'exact' });
  return kept;
}

/** The greedy rule with the nearest kept record found on a vector index (DEITA's speed-up, not its rule). */
async function greedyApproximate(vectors: Float32Array, n: number, d: number, threshold: number, seq: Int32Array, opts: GreedyOptions): Promise<Float64Array> {
  const kept = new Float64Array(n);
  const limit = opts.limit ?? Infinity;
  const index = await buildUnitIndex(d, opts);
  const inv = inverseNorms(vectors, n, d);
  const unit = new Float32Array(d);
  let count = 0;
  for (const i of seq) {
    if (count >= limit) break;
    putUnit(unit, 0, vectors, i, d, inv);
    if (count > 0 && index.nearestSimilarity(unit) > threshold) continue;
    index.add(i, unit);
    kept[i] = 1;
    count++;
  }
  if (opts.onSearch) {
    const members = new Int32Array(count);
    for (let i = 0, r = 0; i < n; i++) if (kept[i]) members[r++] = i;
    opts.onSearch(await nearestRecall(index, vectors, n, d, inv, members));
  }
  return kept;
}
