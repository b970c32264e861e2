/**
 * Embeddings of records, one L2-normalized Float32 row each, cached on disk per record content id ×
 * embedding config (model fingerprint, prefix, text field, pooling).
 *
 * Methods:
 * - `transformers`: transformers.js (ONNX), offline only: `model` is a local folder (relative to the
 *   spec or absolute) or an id resolved under the local model dir (ABLATE_MODELS, else
 *   `<cacheDir>/models`), holding config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx.
 * - `python`: runners/embed.py (sentence-transformers; INSTRUCTOR-style `prefix`), offline.
 * - `file`: precomputed vectors, .npy float32/float64 [N, d] aligned with the records, or .jsonl of {id, vector}.
 *
 * `prefix` is joined to the text with one space in both methods. sentence-transformers receives it as
 * the encode prompt, so an INSTRUCTOR model pools over the text only, as INSTRUCTOR does; transformers.js
 * pools over prefix and text alike (close, not identical, for INSTRUCTOR models — use `python` to
 * reproduce study B exactly).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { AblateError } from '../../errors.js';
import { hashId } from '../../util/hash.js';
import { cachedRows } from './cache.js';
import { folderFingerprint, modelArgIdentity } from './modelIdentity.js';
import { readNpy } from './npy.js';
import { runRunner } from './pythonRun.js';
import type { AnnotatableRecord, AnnotateContext, EmbeddingAnnotatorConfig } from './types.js';

export const DEFAULT_EMBEDDING_MODEL = 'Xenova/all-MiniLM-L6-v2';
/** Bumped when the embedding code changes its output for the same inputs. */
export const EMBEDDING_VERSION = 1;

export interface Embeddings {
  /** Row-major, n × dim, each row L2-normalized (zero rows stay zero). */
  vectors: Float32Array;
  dim: number;
}

/** The text of a record that is embedded (`instruction` includes the input when there is one). */
export function recordText(r: Pick<AnnotatableRecord, 'instruction' | 'input' | 'output'>, which: EmbeddingAnnotatorConfig['text'] = 'instruction'): string {
  const task = r.input ? `${r.instruction}\n${r.input}` : r.instruction;
  if (which === 'output') return r.output;
  if (which === 'instruction+output') return `${task}\n${r.output}`;
  return task;
}

export function normalizeRows(vectors: Float32Array, dim: number): Float32Array {
  for (let o = 0; o < vectors.length; o += dim) {
    let ss = 0;
    for (let k = 0; k < dim; k++) ss += vectors[o + k]! * vectors[o + k]!;
    if (ss > 0) {
      const inv = 1 / Math.sqrt(ss);
      for (let k = 0; k < dim; k++) vectors[o + k]! *= inv;
    }
  }
  return vectors;
}

// ---------------------------------------------------------------- model resolution

export interface ResolvedModel {
  /** For transformers.js: env.localModelPath and the id under it. */
  root: string;
  id: string;
  /** Absolute folder of the model. */
  dir: string;
}

/** Folders where model ids are looked up, in order. */
export function localModelRoots(ctx: Pick<AnnotateContext, 'cacheDir'>, env: NodeJS.ProcessEnv = process.env): string[] {
  const roots: string[] = [];
  if (env.ABLATE_MODELS) roots.push(...env.ABLATE_MODELS.split(path.delimiter).filter(Boolean).map((p) => path.resolve(p)));
  roots.push(path.join(ctx.cacheDir, 'models'));
  return roots;
}

/** A local transformers.js model folder for `model`, or an error that says where it looked. */
export function resolveLocalModel(model: string, ctx: Pick<AnnotateContext, 'cacheDir' | 'specDir'>, env: NodeJS.ProcessEnv = process.env): ResolvedModel {
  const candidates = [path.resolve(ctx.specDir, model), ...(path.isAbsolute(model) ? [] : localModelRoots(ctx, env).map((r) => path.join(r, model)))];
  for (const dir of candidates) {
    if (existsSync(path.join(dir, 'config.json'))) return { root: path.dirname(dir), id: path.basename(dir), dir };
  }
  throw new AblateError(
    `embedding model ${JSON.stringify(model)} not found locally (looked in ${candidates.join(', ')}). ` +
      'Models are never downloaded: put an ONNX model folder (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx) ' +
      'at one of these places, set ABLATE_MODELS to the folder holding it, or give annotate.embedding.model as a path.',
    2,
  );
}

/** Identity of the model an embedding config uses: a fingerprint of the folder, or the id for hub-style names the runner resolves. */
async function modelIdentity(cfg: EmbeddingAnnotatorConfig, ctx: AnnotateContext): Promise<string> {
  const model = cfg.model ?? DEFAULT_EMBEDDING_MODEL;
  if (cfg.method === 'python') return modelArgIdentity(model, ctx.specDir, ctx.cacheDir);
  const resolved = resolveLocalModel(model, ctx);
  return `folder:${await folderFingerprint(resolved.dir, ctx.cacheDir)}`;
}

export async function embeddingAnnotatorHash(cfg: EmbeddingAnnotatorConfig, ctx: AnnotateContext): Promise<string> {
  return hashId('annotator.embedding', {
    method: cfg.method ?? 'transformers',
    model: await modelIdentity(cfg, ctx),
    prefix: cfg.prefix ?? '',
    text: cfg.text ?? 'instruction',
    // sentence-transformers pools as its model folder says; `pooling` only matters for transformers.js.
    pooling: cfg.method === 'python' ? 'model' : (cfg.pooling ?? 'mean'),
    version: EMBEDDING_VERSION,
  });
}

// ---------------------------------------------------------------- transformers.js

type Extractor = (texts: string[], opts: { pooling: 'mean' | 'cls'; normalize: boolean }) => Promise<{ data: ArrayLike<number>; dims: number[] }>;
const extractors = new Map<string, Promise<Extractor>>();
/** transformers.js reads its model root from a global: loads run one at a time so two roots never mix. */
let loading: Promise<unknown> = Promise.resolve();

async function loadExtractor(model: ResolvedModel): Promise<Extractor> {
  const key = model.dir;
  let job = extractors.get(key);
  if (!job) {
    job = loading.then(async () => {
      const { pipeline, env } = await import('@huggingface/transformers');
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      env.localModelPath = model.root.endsWith(path.sep) ? model.root : `${model.root}${path.sep}`;
      const extractor = await pipeline('feature-extraction', model.id, { dtype: 'fp32', local_files_only: true });
      return extractor as unknown as Extractor;
    });
    loading = job.catch(() => undefined);
    extractors.set(key, job);
    job.catch(() => extractors.delete(key));
  }
  return job;
}

/** Embeds texts with transformers.js: batched, `prefix` prepended, pooled and L2-normalized. */
export async function embedTextsTransformers(texts: string[], cfg: EmbeddingAnnotatorConfig, ctx: AnnotateContext): Promise<Embeddings> {
  const model = resolveLocalModel(cfg.model ?? DEFAULT_EMBEDDING_MODEL, ctx);
  let extractor: Extractor;
  try {
    extractor = await loadExtractor(model);
  } catch (err) {
    throw new AblateError(`embedding model ${model.dir} could not be loaded by transformers.js: ${(err as Error).message}`);
  }
  const batch = cfg.batch_size ?? 32;
  const prefix = cfg.prefix ? `${cfg.prefix} ` : '';
  let dim = 0;
  let out = new Float32Array(0);
  for (let start = 0; start < texts.length; start += batch) {
    const part = texts.slice(start, start + batch).map((t) => prefix + t);
    const tensor = await extractor(part, { pooling: cfg.pooling ?? 'mean', normalize: true });
    const d = tensor.dims[tensor.dims.length - 1]!;
    if (dim === 0) {
      dim = d;
      out = new Float32Array(texts.length * dim);
    }
    out.set(Float32Array.from(tensor.data), start * dim);
  }
  return { vectors: out, dim };
}

// ---------------------------------------------------------------- python

export async function embedTextsPython(texts: string[], cfg: EmbeddingAnnotatorConfig, ctx: AnnotateContext): Promise<Embeddings> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ablate-embed-'));
  try {
    const input = path.join(dir, 'texts.jsonl');
    const output = path.join(dir, 'vectors.npy');
    await writeFile(input, texts.map((text) => JSON.stringify({ text })).join('\n') + '\n');
    const model = cfg.model ?? DEFAULT_EMBEDDING_MODEL;
    const local = path.resolve(ctx.specDir, model);
    const args = ['--input', input, '--output', output, '--model', existsSync(local) ? local : model, '--batch-size', String(cfg.batch_size ?? 32)];
    if (cfg.prefix) args.push('--prefix', cfg.prefix);
    await runRunner('embed.py', args, ctx.log, 'embedding (python)');
    const m = await readNpy(output);
    if (m.rows !== texts.length) throw new AblateError(`embedding (python): runners/embed.py returned ${m.rows} vectors for ${texts.length} texts`);
    return { vectors: normalizeRows(m.data, m.cols), dim: m.cols };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- file

async function readVectorFile(file: string, records: AnnotatableRecord[]): Promise<Embeddings> {
  if (!existsSync(file)) throw new AblateError(`annotate.embedding.path: ${file} does not exist`, 2);
  if (file.endsWith('.npy')) {
    const m = await readNpy(file).catch((err: Error) => {
      throw new AblateError(`annotate.embedding.path: ${err.message}`, 2);
    });
    if (m.rows !== records.length) {
      throw new AblateError(
        `annotate.embedding.path: ${file} has ${m.rows} vectors but there are ${records.length} records; a .npy file must be aligned with the records ` +
          '(same order, after deduplication). Use a .jsonl of {id, vector} to match by record id instead.',
        2,
      );
    }
    return { vectors: normalizeRows(m.data, m.cols), dim: m.cols };
  }
  if (!/\.jsonl$/.test(file)) throw new AblateError(`annotate.embedding.path: ${file} must be a .npy or .jsonl file`, 2);
  const byId = new Map<string, number[]>();
  let dim = 0;
  let lineNo = 0;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    lineNo++;
    if (!line.trim()) continue;
    let row: { id?: unknown; vector?: unknown };
    try {
      row = JSON.parse(line) as typeof row;
    } catch (err) {
      throw new AblateError(`${file}:${lineNo}: invalid JSON (${(err as Error).message})`, 2);
    }
    if (typeof row.id !== 'string' || !Array.isArray(row.vector) || !row.vector.every((v) => typeof v === 'number')) {
      throw new AblateError(`${file}:${lineNo}: expected {"id": string, "vector": [numbers]}`, 2);
    }
    if (dim === 0) dim = row.vector.length;
    if (row.vector.length !== dim) throw new AblateError(`${file}:${lineNo}: vector has ${row.vector.length} values, earlier ones ${dim}`, 2);
    byId.set(row.id, row.vector as number[]);
  }
  const missing = records.filter((r) => !byId.has(r.id));
  if (missing.length > 0) {
    throw new AblateError(`annotate.embedding.path: ${file} has no vector for ${missing.length} of ${records.length} records (first id ${missing[0]!.id})`, 2);
  }
  const vectors = new Float32Array(records.length * dim);
  records.forEach((r, i) => vectors.set(byId.get(r.id)!, i * dim));
  return { vectors: normalizeRows(vectors, dim), dim };
}

// ---------------------------------------------------------------- entry points

/** Embeds raw texts (not cached): used for category descriptions. */
export async function embedTexts(texts: string[], cfg: EmbeddingAnnotatorConfig, ctx: AnnotateContext): Promise<Embeddings> {
  const method = cfg.method ?? 'transformers';
  if (method === 'transformers') return embedTextsTransformers(texts, cfg, ctx);
  if (method === 'python') return embedTextsPython(texts, cfg, ctx);
  throw new AblateError('annotate.embedding.method `file` holds vectors for records only; the task_type `embedding` method needs a model (set annotate.task_type.model, or use `keywords`)', 2);
}

/** One normalized vector per record (aligned), from the cache where present. */
export async function embedRecords(records: AnnotatableRecord[], cfg: EmbeddingAnnotatorConfig, ctx: AnnotateContext): Promise<Embeddings> {
  const method = cfg.method ?? 'transformers';
  if (method === 'file') {
    if (!cfg.path) throw new AblateError('annotate.embedding.method `file` needs `path`: a .npy [records, dim] or .jsonl of {id, vector}', 2);
    return readVectorFile(path.resolve(ctx.specDir, cfg.path), records);
  }
  const hash = await embeddingAnnotatorHash(cfg, ctx);
  const which = cfg.text ?? 'instruction';
  const { data, dim } = await cachedRows({
    dir: path.join(ctx.cacheDir, 'annotations', hash),
    dtype: 'f32',
    ids: records.map((r) => r.id),
    label: `embedding (${method}, ${cfg.model ?? DEFAULT_EMBEDDING_MODEL})`,
    log: ctx.log,
    chunkSize: method === 'python' ? 16384 : 4096,
    compute: async (idx) => {
      const texts = idx.map((i) => recordText(records[i]!, which));
      const e = await embedTexts(texts, cfg, ctx);
      return { data: e.vectors, dim: e.dim };
    },
  });
  return { vectors: data as Float32Array, dim };
}
