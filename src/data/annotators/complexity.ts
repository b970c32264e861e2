/**
 * Complexity scores per record: dispatch over the four methods, caching, combination and the gate.
 *
 * The model-based methods cache their RAW per-record values (the XCoder expected value, the GPT-2
 * perplexity); the min-max combination depends on the whole record set, so it is recomputed on each
 * call from the cached raw values and never cached itself.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AblateError } from '../../errors.js';
import { hashId } from '../../util/hash.js';
import { cachedRows } from './cache.js';
import { scoreWithEndpoint, ENDPOINT_SCORER_VERSION } from './endpoint.js';
import { scorerPreset } from './scorerPresets.js';
import { checkScoreGate } from './gate.js';
import { modelArgIdentity } from './modelIdentity.js';
import { HEURISTIC_VERSION, heuristicComplexity } from './heuristic.js';
import { scoreWithPython, PYTHON_SCORER_VERSION } from './pythonScorer.js';
import type { AnnotatableRecord, AnnotateContext, ComplexityAnnotatorConfig } from './types.js';

export const DEFAULT_SCORER_MODEL = 'banksy235/XCoder-Complexity-Scorer';
export const DEFAULT_PERPLEXITY_MODEL = 'gpt2';

/** The text a complexity scorer reads: the instruction, plus the input when there is one. */
export function taskText(r: Pick<AnnotatableRecord, 'instruction' | 'input'>): string {
  return r.input ? `${r.instruction}\n${r.input}` : r.instruction;
}

/**
 * The identity of an annotator's raw values: what the cache folder is named after. Not part of it:
 * `combine` and `gate` (applied to the cached raw values) and the endpoint's `url` (a server moving
 * to another port serves the same model; the model name is the identity).
 */
export async function complexityAnnotatorHash(cfg: ComplexityAnnotatorConfig, specDir = '.', cacheDir?: string): Promise<string> {
  const method = cfg.method ?? 'heuristic';
  switch (method) {
    case 'heuristic':
      return hashId('annotator.complexity', { method, version: HEURISTIC_VERSION });
    case 'endpoint':
      return hashId('annotator.complexity', { method, model: cfg.model ?? DEFAULT_SCORER_MODEL, version: ENDPOINT_SCORER_VERSION });
    case 'python':
      return hashId('annotator.complexity', {
        method,
        model: await modelArgIdentity(cfg.model ?? DEFAULT_SCORER_MODEL, specDir, cacheDir),
        perplexity_model: await modelArgIdentity(cfg.perplexity_model ?? DEFAULT_PERPLEXITY_MODEL, specDir, cacheDir),
        version: PYTHON_SCORER_VERSION,
      });
    case 'field':
      return hashId('annotator.complexity', { method });
  }
}

/** Min-max normalization to [0, 1]; a constant vector maps to all zeros. */
export function minMax(values: ArrayLike<number>): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = new Float64Array(values.length);
  const span = hi - lo;
  if (span > 0) for (let i = 0; i < values.length; i++) out[i] = (values[i]! - lo) / span;
  return out;
}

/** Study B `mean`: (minmax(semantic) + minmax(perplexity)) / 2; study A `sum`: their sum. */
export function combineComplexity(semantic: ArrayLike<number>, perplexity: ArrayLike<number>, combine: ComplexityAnnotatorConfig['combine'] = 'mean'): Float64Array {
  if (combine === 'semantic') return Float64Array.from(semantic);
  if (combine === 'perplexity') return Float64Array.from(perplexity);
  const a = minMax(semantic);
  const b = minMax(perplexity);
  const out = new Float64Array(a.length);
  const scale = combine === 'sum' ? 1 : 0.5;
  for (let i = 0; i < a.length; i++) out[i] = (a[i]! + b[i]!) * scale;
  return out;
}

function fieldScores(records: AnnotatableRecord[]): Float64Array {
  const out = new Float64Array(records.length);
  const missing: number[] = [];
  records.forEach((r, i) => {
    const v = r.complexity;
    if (typeof v !== 'number' || !Number.isFinite(v)) missing.push(i);
    else out[i] = v;
  });
  if (missing.length > 0) {
    const first = records[missing[0]!]!;
    throw new AblateError(
      `annotate.complexity.method is \`field\` but ${missing.length} of ${records.length} records have no numeric \`complexity\` ` +
        `(first: record ${missing[0]} of source ${JSON.stringify(first.source)}, id ${first.id}). ` +
        'Map the column holding the scores with `sources.<name>.fields.complexity`, or choose another method.',
      2,
    );
  }
  return out;
}

/**
 * One complexity score per record (aligned with `records`). Throws an AblateError when the scorer
 * fails for any record (failures are counted and reported, never replaced by a fallback value) and
 * when the scores fail the sanity gate (`cfg.gate`).
 */
export async function annotateComplexity(records: AnnotatableRecord[], cfg: ComplexityAnnotatorConfig, ctx: AnnotateContext): Promise<Float64Array> {
  const method = cfg.method ?? 'heuristic';
  let scores: Float64Array;
  if (method === 'field') {
    scores = fieldScores(records);
  } else {
    const annotatorHash = await complexityAnnotatorHash(cfg, ctx.specDir, ctx.cacheDir);
    const dir = path.join(ctx.cacheDir, 'annotations', annotatorHash);
    const ids = records.map((r) => r.id);
    const label = `complexity (${method})`;
    if (method === 'heuristic') {
      const { data } = await cachedRows({
        dir, dtype: 'f64', ids, label, log: ctx.log,
        compute: async (idx) => ({ data: Float64Array.from(idx, (i) => heuristicComplexity(records[i]!.instruction, records[i]!.input)), dim: 1 }),
      });
      scores = data as Float64Array;
    } else if (method === 'endpoint') {
      if (cfg.combine === 'perplexity') throw new AblateError('annotate.complexity.combine `perplexity` needs method `python`: an endpoint gives only the semantic (XCoder) score', 2);
      if (!cfg.url) throw new AblateError('annotate.complexity.method `endpoint` needs `url`: the base URL of an OpenAI-compatible completions server (e.g. http://127.0.0.1:8000)', 2);
      const { data } = await cachedRows({
        dir, dtype: 'f64', ids, label, log: ctx.log, chunkSize: 2048,
        compute: async (idx) => ({ data: await scoreWithEndpoint(idx.map((i) => taskText(records[i]!)), { url: cfg.url!, model: cfg.model ?? DEFAULT_SCORER_MODEL, log: ctx.log, preset: scorerPreset(cfg.preset) }), dim: 1 }),
      });
      scores = data as Float64Array;
    } else {
      const { data } = await cachedRows({
        dir, dtype: 'f64', ids, label, log: ctx.log, chunkSize: 8192,
        compute: async (idx) => ({
          data: await scoreWithPython(idx.map((i) => ({ id: records[i]!.id, text: taskText(records[i]!) })), {
            model: resolveModelArg(cfg.model ?? DEFAULT_SCORER_MODEL, ctx.specDir),
            perplexityModel: resolveModelArg(cfg.perplexity_model ?? DEFAULT_PERPLEXITY_MODEL, ctx.specDir),
            log: ctx.log,
            preset: scorerPreset(cfg.preset),
          }),
          dim: 2,
        }),
      });
      const semantic = new Float64Array(records.length);
      const perplexity = new Float64Array(records.length);
      for (let i = 0; i < records.length; i++) {
        semantic[i] = data[2 * i]!;
        perplexity[i] = data[2 * i + 1]!;
      }
      // Gate each signal the combination uses: a constant XCoder score (a broken scorer) would
      // otherwise hide behind the perplexity's spread.
      const combine = cfg.combine ?? 'mean';
      if (combine !== 'perplexity') gateOrThrow(semantic, cfg, 'complexity (python, XCoder semantic score)');
      if (combine !== 'semantic') gateOrThrow(perplexity, cfg, 'complexity (python, perplexity)');
      scores = combineComplexity(semantic, perplexity, combine);
    }
  }
  gateOrThrow(scores, cfg, `complexity (${method})`);
  return scores;
}

function gateOrThrow(scores: ArrayLike<number>, cfg: ComplexityAnnotatorConfig, what: string): void {
  const problem = checkScoreGate(scores, cfg.gate, what);
  if (problem) throw new AblateError(problem);
}

/** A model argument for a runner: a folder relative to the spec when one exists there, else the id as given. */
export function resolveModelArg(model: string, specDir: string): string {
  if (path.isAbsolute(model)) return model;
  const local = path.resolve(specDir, model);
  return model.startsWith('.') || existsSync(local) ? local : model;
}
