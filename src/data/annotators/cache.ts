/**
 * On-disk annotation cache: per annotator config (its hash names the folder), values per record
 * content id. A folder holds segments; each segment is
 *   <name>.bin   raw little-endian Float32 or Float64 rows (count × dim)
 *   <name>.json  {format, dtype, dim, count, ids, bytes, sha256}  — written last: its presence commits the segment.
 * Both are written to a temporary name and renamed. A segment whose .json is missing, unreadable,
 * or does not match its .bin (size or sha256) is ignored with a log line and its records are
 * recomputed; nothing half-written is ever read. Adding records computes and writes only the new
 * ones; many small segments are merged into one once they pile up.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { hashId } from '../../util/hash.js';
import { writeFileAtomicAsync } from '../../util/atomicFile.js';

export const SEGMENT_FORMAT = 'ablate-annotations/1';
/**
 * More segments than this in one folder are merged on the next write (all but the largest, so a
 * big cache is not rewritten for every few new records).
 */
export const MAX_SEGMENTS = 64;

export type Dtype = 'f32' | 'f64';
export type Rows = Float32Array | Float64Array;

interface SegmentMeta {
  format: string;
  dtype: Dtype;
  dim: number;
  count: number;
  ids: string[];
  bytes: number;
  sha256: string;
}

interface Segment {
  name: string;
  meta: SegmentMeta;
  data: Rows;
}

function bytesPer(dtype: Dtype): number {
  return dtype === 'f32' ? 4 : 8;
}

function allocate(dtype: Dtype, n: number): Rows {
  return dtype === 'f32' ? new Float32Array(n) : new Float64Array(n);
}

function asRows(dtype: Dtype, buf: Buffer): Rows {
  // Copy into an aligned buffer: a Buffer from readFile may share a pool at an odd offset.
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return dtype === 'f32' ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
}

function bytesOf(rows: Rows): Uint8Array {
  return new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength);
}


/** One annotator's cache folder, loaded into memory. */
export class AnnotationStore {
  private readonly segments: Segment[] = [];
  private readonly index = new Map<string, { seg: number; row: number }>();
  private constructor(
    readonly dir: string,
    readonly dtype: Dtype,
    private dimension: number | undefined,
    private readonly maxSegments: number,
  ) {}

  /** Opens (creating) the folder and loads every valid segment; invalid ones are reported and skipped. */
  static async open(dir: string, dtype: Dtype, log: (line: string) => void, opts: { dim?: number; maxSegments?: number } = {}): Promise<AnnotationStore> {
    await mkdir(dir, { recursive: true });
    const store = new AnnotationStore(dir, dtype, opts.dim, opts.maxSegments ?? MAX_SEGMENTS);
    const names = (await readdir(dir)).filter((f) => f.endsWith('.json') && !f.startsWith('.')).sort();
    for (const file of names) {
      const name = file.slice(0, -'.json'.length);
      const problem = await store.loadSegment(name);
      if (problem) log(`annotation cache: ignoring segment ${path.join(dir, file)}: ${problem}; its records are recomputed`);
    }
    return store;
  }

  get dim(): number | undefined {
    return this.dimension;
  }

  get size(): number {
    return this.index.size;
  }

  private async loadSegment(name: string): Promise<string | undefined> {
    let meta: SegmentMeta;
    try {
      meta = JSON.parse(await readFile(path.join(this.dir, `${name}.json`), 'utf8')) as SegmentMeta;
    } catch (err) {
      return `unreadable index (${(err as Error).message})`;
    }
    if (meta.format !== SEGMENT_FORMAT) return `unknown format ${JSON.stringify(meta.format)}`;
    if (meta.dtype !== this.dtype) return `dtype ${meta.dtype}, expected ${this.dtype}`;
    if (!Number.isInteger(meta.dim) || meta.dim < 1 || !Number.isInteger(meta.count) || !Array.isArray(meta.ids) || meta.ids.length !== meta.count) {
      return 'malformed index';
    }
    if (this.dimension !== undefined && meta.dim !== this.dimension) return `dimension ${meta.dim}, expected ${this.dimension}`;
    const expected = meta.count * meta.dim * bytesPer(meta.dtype);
    let buf: Buffer;
    try {
      buf = await readFile(path.join(this.dir, `${name}.bin`));
    } catch (err) {
      return `missing data (${(err as Error).message})`;
    }
    if (buf.byteLength !== expected || meta.bytes !== expected) return `data has ${buf.byteLength} bytes, index says ${meta.bytes}, rows need ${expected}`;
    if (createHash('sha256').update(buf).digest('hex') !== meta.sha256) return 'data checksum mismatch';
    this.dimension = meta.dim;
    const seg = this.segments.push({ name, meta, data: asRows(meta.dtype, buf) }) - 1;
    meta.ids.forEach((id, row) => this.index.set(id, { seg, row }));
    return undefined;
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  /** The cached row of a record (a view, do not modify), or undefined. */
  get(id: string): Rows | undefined {
    const at = this.index.get(id);
    if (!at) return undefined;
    const seg = this.segments[at.seg]!;
    const d = seg.meta.dim;
    return seg.data.subarray(at.row * d, (at.row + 1) * d);
  }

  /** Writes rows for `ids` (row i = data[i·dim, (i+1)·dim)) as one new segment. */
  async add(ids: string[], data: Rows, dim: number): Promise<void> {
    if (ids.length === 0) return;
    if (data.length !== ids.length * dim) throw new Error(`annotation cache: ${data.length} values for ${ids.length} ids × dim ${dim}`);
    if (this.dimension !== undefined && dim !== this.dimension) throw new Error(`annotation cache: dimension ${dim}, cache holds ${this.dimension}`);
    const rows = data instanceof (this.dtype === 'f32' ? Float32Array : Float64Array) ? data : Float64Array.from(data);
    const typed = this.dtype === 'f32' && !(rows instanceof Float32Array) ? Float32Array.from(rows) : rows;
    this.dimension = dim;
    const name = `seg-${hashId('annotation-segment', ids)}`;
    const bytes = bytesOf(typed);
    const meta: SegmentMeta = {
      format: SEGMENT_FORMAT,
      dtype: this.dtype,
      dim,
      count: ids.length,
      ids,
      bytes: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
    await writeFileAtomicAsync(path.join(this.dir, `${name}.bin`), bytes);
    await writeFileAtomicAsync(path.join(this.dir, `${name}.json`), JSON.stringify(meta));
    const seg = this.segments.push({ name, meta, data: typed }) - 1;
    ids.forEach((id, row) => this.index.set(id, { seg, row }));
    if (this.segments.length > this.maxSegments) await this.compact();
  }

  /**
   * Merges every segment but the largest into one new segment, committed before the merged ones are
   * removed. Ids live in exactly one place afterwards (the latest value of each id wins).
   */
  private async compact(): Promise<void> {
    const dim = this.dimension!;
    let largest = 0;
    this.segments.forEach((s, k) => (largest = s.meta.count > this.segments[largest]!.meta.count ? k : largest));
    const keepSeg = this.segments[largest]!;
    const ids = [...this.index.entries()].filter(([, at]) => at.seg !== largest).map(([id]) => id).sort();
    const data = allocate(this.dtype, ids.length * dim);
    ids.forEach((id, i) => data.set(this.get(id)!, i * dim));
    const old = this.segments.splice(0, this.segments.length);
    this.index.clear();
    this.segments.push(keepSeg);
    keepSeg.meta.ids.forEach((id, row) => this.index.set(id, { seg: 0, row }));
    await this.add(ids, data, dim);
    const live = new Set(this.segments.map((s) => s.name));
    for (const seg of old) {
      if (live.has(seg.name)) continue;
      await rm(path.join(this.dir, `${seg.name}.json`), { force: true });
      await rm(path.join(this.dir, `${seg.name}.bin`), { force: true });
    }
  }
}

export interface CachedComputeOptions {
  /** Folder of this annotator's cache. */
  dir: string;
  dtype: Dtype;
  /** Record ids, in the order the result rows must have (duplicates allowed). */
  ids: string[];
  /**
   * Computes rows for the records at `indices` (positions in `ids`): returns their values, row-major,
   * and the dimension. Called once per chunk of missing records.
   */
  compute(indices: number[]): Promise<{ data: Rows; dim: number }>;
  /** Missing records are computed and saved in chunks of this many, so an interruption loses at most one chunk. */
  chunkSize?: number;
  log(line: string): void;
  /** Label for log lines. */
  label: string;
  /** See MAX_SEGMENTS. */
  maxSegments?: number;
}

/** Rows for every id (aligned with `ids`), from the cache where present, computed and cached otherwise. */
export async function cachedRows(opts: CachedComputeOptions): Promise<{ data: Rows; dim: number; computed: number }> {
  const store = await AnnotationStore.open(opts.dir, opts.dtype, opts.log, { maxSegments: opts.maxSegments });
  const missing: number[] = [];
  const seen = new Set<string>();
  opts.ids.forEach((id, i) => {
    if (!store.has(id) && !seen.has(id)) {
      seen.add(id);
      missing.push(i);
    }
  });
  if (missing.length > 0) {
    opts.log(`${opts.label}: ${opts.ids.length - missing.length} cached, computing ${missing.length}`);
    const chunk = opts.chunkSize ?? missing.length;
    for (let start = 0; start < missing.length; start += chunk) {
      const part = missing.slice(start, start + chunk);
      const { data, dim } = await opts.compute(part);
      await store.add(part.map((i) => opts.ids[i]!), data, dim);
      if (missing.length > chunk) opts.log(`${opts.label}: ${Math.min(start + chunk, missing.length)}/${missing.length}`);
    }
  }
  const dim = store.dim ?? 1;
  const out = allocate(opts.dtype, opts.ids.length * dim);
  opts.ids.forEach((id, i) => out.set(store.get(id)!, i * dim));
  return { data: out, dim, computed: missing.length };
}
