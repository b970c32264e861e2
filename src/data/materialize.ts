import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AblateError, EXIT } from '../errors.js';
import type { StageResult, StageRunContext, StageRunner } from '../exec/types.js';
import type { Annotate, Data, Source } from '../spec/types.generated.js';
import type {
  AnnotateContext,
  ComplexityAnnotatorConfig,
  DiversityFilterConfig,
  EmbeddingAnnotatorConfig,
  TaskTypeAnnotation,
  TaskTypeAnnotatorConfig,
} from './annotators/types.js';
import { buildDatacard, renderDatacardMarkdown, type DatacardInput } from './datacard.js';
import { benchmarkFile, decontaminate, loadBenchmark, type Benchmark, type DecontaminationReport } from './decontaminate.js';
import { filterComplexity } from './filters/complexity.js';
import { filterComposition } from './filters/composition.js';
import { filterCrossDomain } from './filters/crossDomain.js';
import { filterDiversity } from './filters/diversity.js';
import { filterSize } from './filters/size.js';
import { alpacaLine, idListHash, type CanonicalRecord } from './records.js';
import { cacheRoot } from './sources/hf.js';
import { loadSource, type ResolvedSource, type SourceStats } from './sources/load.js';
import { resolveSources } from '../plan/ids.js';
import { fileSha256Sync } from '../util/fileHash.js';
import { AtomicFileWriter, writeFileAtomicAsync } from '../util/atomicFile.js';
import { sourcesUsedBy } from './inputs.js';
export { dataIsRandom, sourcesUsedBy } from './inputs.js';

/** Bumped when the files a materialize stage writes change meaning. */
export const MATERIALIZE_FORMAT = 1;

/**
 * What the planner puts into a materialize stage's `inputs` (all of it is hashed into the stage
 * id). `sources` holds only the sources this dataset reads (`data.source` and the cross-domain
 * mix), with absolute paths and content hashes (see `buildMaterializeInputs`).
 */
export interface MaterializeInputs {
  sources: Record<string, ResolvedSource>;
  annotate?: Annotate;
  data: Data;
  /** The run's sampling seed (root of every derived seed). */
  seed: number;
}

/** The annotator functions the materializer calls (src/data/annotators/index.ts); injectable for tests. */
export interface Annotators {
  annotateComplexity(records: CanonicalRecord[], cfg: ComplexityAnnotatorConfig, ctx: AnnotateContext): Promise<Float64Array>;
  classifyTaskTypes(
    records: CanonicalRecord[],
    cfg: { task_type: TaskTypeAnnotatorConfig; embedding?: EmbeddingAnnotatorConfig },
    ctx: AnnotateContext,
  ): Promise<TaskTypeAnnotation>;
  diversityScores(
    records: CanonicalRecord[],
    filterCfg: DiversityFilterConfig,
    embeddingCfg: EmbeddingAnnotatorConfig,
    ctx: AnnotateContext,
  ): Promise<Float64Array>;
  /** Identity (config + scorer version) of an annotator, recorded in the manifest when available. */
  complexityAnnotatorHash?(cfg: ComplexityAnnotatorConfig, specDir?: string, cacheDir?: string): string | Promise<string>;
  embeddingAnnotatorHash?(cfg: EmbeddingAnnotatorConfig, ctx: AnnotateContext): Promise<string>;
}

/**
 * The materialize inputs of one run, exactly as the planner builds them (src/plan/ids.ts): only
 * the sources it reads, content-hashed. For callers outside a plan (tests, tools).
 */
export async function buildMaterializeInputs(
  spec: { sources: Record<string, Source>; annotate?: Annotate; data: Data },
  seed: number,
  specDir: string,
): Promise<MaterializeInputs> {
  for (const name of sourcesUsedBy(spec.data)) {
    if (!spec.sources[name]) throw new AblateError(`data refers to source "${name}", which is not defined under sources`, EXIT.usage);
  }
  const out: MaterializeInputs = { sources: resolveSources(spec, specDir, fileSha256Sync), data: structuredClone(spec.data), seed };
  if (spec.annotate) out.annotate = spec.annotate;
  return out;
}


/** LLaMA-Factory's dataset registry entry for data.jsonl (../shared/reference/tools.md). */
export function datasetInfo(name: string): Record<string, unknown> {
  return {
    [name]: {
      file_name: 'data.jsonl',
      formatting: 'alpaca',
      columns: { prompt: 'instruction', query: 'input', response: 'output' },
    },
  };
}

export function datasetName(stageId: string): string {
  return `ablate_${stageId}`;
}

export interface StepCount {
  step: string;
  count: number;
  [detail: string]: unknown;
}

export interface DatasetManifest {
  format: 'ablate-dataset';
  formatVersion: number;
  stage: string;
  dataset: string;
  records: number;
  /** Sorted record ids (content hashes) of data.jsonl. */
  ids: string[];
  /** sha256 of the sorted ids joined by newlines. */
  idsSha256: string;
  /** sha256 of data.jsonl's bytes. */
  dataSha256: string;
  steps: StepCount[];
  sources: Record<string, SourceStats>;
  duplicates: Record<string, number>;
  malformed: Record<string, number>;
  decontamination?: DecontaminationReport;
  seeds: { root: number; derived: Record<string, number> };
  annotators: Record<string, unknown>;
  warnings: string[];
}

export interface MaterializeOptions {
  /** Folder relative paths in annotator configs resolve against. */
  specDir: string;
  /** Root of ablate's cache (annotations, HF downloads, benchmark files). */
  cacheDir?: string;
  log?(line: string): void;
}

export interface MaterializedDataset {
  records: CanonicalRecord[];
  manifest: Omit<DatasetManifest, 'stage' | 'dataset' | 'dataSha256' | 'ids' | 'idsSha256' | 'records' | 'format' | 'formatVersion'>;
  datacard: Omit<DatacardInput, 'name'>;
}

/** Keeps the positions `kept` of an array (filters return positions into their input). */
function pick<T>(items: readonly T[], kept: readonly number[]): T[] {
  return kept.map((i) => items[i]!);
}

/**
 * Loads the sources, annotates, and applies the filters in their fixed order
 * (complexity → composition → diversity → cross_domain → size). No files are written here.
 */
export async function buildDataset(inputs: MaterializeInputs, annotators: Annotators, opts: MaterializeOptions): Promise<MaterializedDataset> {
  const { data, seed } = inputs;
  const filter = data.filter ?? {};
  const annotate = inputs.annotate ?? {};
  const log = opts.log ?? (() => {});
  const cacheDir = opts.cacheDir ?? cacheRoot();
  const actx: AnnotateContext = { cacheDir, specDir: opts.specDir, log };
  const warnings: string[] = [];
  const steps: StepCount[] = [];
  const derived: Record<string, number> = {};

  // Load every source this dataset reads.
  const loaded: Record<string, CanonicalRecord[]> = {};
  const stats: Record<string, SourceStats> = {};
  for (const name of sourcesUsedBy(data)) {
    const src = inputs.sources[name];
    if (!src) throw new AblateError(`data refers to source "${name}", which is not among the stage's sources`, EXIT.usage);
    const { records, stats: st } = await loadSource(name, src, { specDir: opts.specDir, dedup: data.dedup ?? true, hf: { cacheRoot: cacheDir }, log });
    loaded[name] = records;
    stats[name] = st;
    if (st.malformed > 0) warnings.push(`source ${name}: ${st.malformed} malformed records skipped (on_error: skip)`);
  }
  steps.push({ step: 'load', count: loaded[data.source]!.length });

  let decontamination: DecontaminationReport | undefined;
  if (data.decontaminate) {
    const n = data.decontaminate.ngram ?? 13;
    const problems = [];
    const benchmarks: DecontaminationReport['benchmarks'] = [];
    for (const b of [...new Set(data.decontaminate.benchmarks)].sort() as Benchmark[]) {
      const file = await benchmarkFile(b, data.decontaminate, opts.specDir, cacheDir);
      const ps = await loadBenchmark(b, file);
      benchmarks.push({ name: b, file, problems: ps.length });
      problems.push(...ps);
    }
    const removed = [];
    for (const name of Object.keys(loaded).sort()) {
      const r = decontaminate(loaded[name]!, problems, n);
      loaded[name] = r.kept;
      removed.push(...r.removed);
    }
    decontamination = { benchmarks, ngram: n, removed };
    steps.push({ step: 'decontaminate', count: loaded[data.source]!.length, removed: removed.length });
    log(`decontamination: removed ${removed.length} records sharing a ${n}-gram with ${benchmarks.map((b) => b.name).join(', ')}`);
  }

  const pool = loaded[data.source]!;
  if (pool.length === 0) {
    const st = stats[data.source]!;
    throw new AblateError(
      `source ${data.source} has no records to build the dataset from (${st.file}: ${st.read} read, ${st.malformed} malformed, ` +
        `${st.duplicates} duplicates${decontamination ? `, ${decontamination.removed.filter((r) => r.source === data.source).length} decontaminated` : ''}); ` +
        'check the file, its format and field mapping',
      EXIT.failed,
    );
  }
  let current = pool;

  // Complexity: scored on the whole pool (bins are pool quantiles), and for the data card.
  const complexityCfg: ComplexityAnnotatorConfig = annotate.complexity ?? {};
  let complexityById: Map<string, number> | undefined;
  let poolRange: [number, number] = [0, 0];
  let complexityMethod = complexityCfg.method ?? 'heuristic';
  if (pool.length > 0) {
    try {
      const scores = await annotators.annotateComplexity(pool, complexityCfg, actx);
      complexityById = new Map(pool.map((r, i) => [r.id, scores[i]!]));
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of scores) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      poolRange = [lo, hi];
      if (filter.complexity) {
        const r = filterComplexity(current.map((x) => x.id), scores, filter.complexity);
        current = pick(current, r.kept);
        steps.push({ step: 'complexity', count: current.length, ...r.report });
      }
    } catch (e) {
      // Only the data card wanted these scores: the arm is still valid without them.
      if (filter.complexity || annotate.complexity) throw e;
      complexityMethod = 'heuristic';
      complexityById = undefined;
      warnings.push(`complexity scores for the data card failed: ${(e as Error).message}`);
    }
  }

  // Task types: for composition, or for the card when configured.
  let taskById: Map<string, { category: string; group: string }> | undefined;
  const taskCfg = annotate.task_type ?? (filter.composition ? {} : undefined);
  let knownGroups: Set<string> = new Set();
  const classify = async (records: CanonicalRecord[]): Promise<string[]> => {
    const tt = await annotators.classifyTaskTypes(records, { task_type: taskCfg!, ...(annotate.embedding ? { embedding: annotate.embedding } : {}) }, actx);
    knownGroups = new Set(Object.values(tt.groupOf));
    taskById ??= new Map();
    const groups = tt.categories.map((c) => tt.groupOf[c] ?? 'unknown');
    records.forEach((r, i) => taskById!.set(r.id, { category: tt.categories[i]!, group: groups[i]! }));
    return groups;
  };
  if (filter.composition) {
    const groups = await classify(current);
    const unknown = Object.keys(filter.composition.groups).filter((g) => !knownGroups.has(g));
    if (unknown.length) {
      throw new AblateError(
        `data.filter.composition.groups: no task category belongs to group ${unknown.map((g) => `"${g}"`).join(', ')}; ` +
          `the categories' groups are ${[...knownGroups].sort().map((g) => `"${g}"`).join(', ')}`,
        EXIT.usage,
      );
    }
    const r = filterComposition(groups, filter.composition, data.size, seed);
    Object.assign(derived, r.seeds);
    current = pick(current, r.kept);
    steps.push({ step: 'composition', count: current.length, ...r.report });
    if (r.report.short.length) {
      warnings.push(
        `composition: group(s) ${r.report.short.join(', ')} ran short and were filled from the others ` +
          `(requested ${JSON.stringify(r.report.requested)}, taken ${JSON.stringify(r.report.taken)})`,
      );
    }
    if (r.report.missing > 0) warnings.push(`composition: ${r.report.missing} records short of the requested size ${r.report.size}`);
  }

  // Diversity: scored over the records that reached this step.
  const embeddingCfg: EmbeddingAnnotatorConfig = annotate.embedding ?? {};
  let diversityMeanNote: { method: string; meanScore: number; note: string } | undefined;
  if (filter.diversity) {
    const fcfg: DiversityFilterConfig = { ...filter.diversity };
    if (filter.diversity.method === 'greedy' && complexityById) fcfg.order = current.map((r) => complexityById!.get(r.id) ?? 0);
    const scores = await annotators.diversityScores(current, fcfg, embeddingCfg, actx);
    const r = filterDiversity(current.map((x) => x.id), scores, filter.diversity);
    current = pick(current, r.kept);
    steps.push({ step: 'diversity', count: current.length, ...r.report });
  }

  // Cross-domain mixing.
  if (filter.cross_domain) {
    const others: Record<string, CanonicalRecord[]> = {};
    for (const name of Object.keys(filter.cross_domain.mix)) others[name] = loaded[name]!;
    const r = filterCrossDomain(current, others, filter.cross_domain, data.source, data.size, seed);
    Object.assign(derived, r.seeds);
    current = r.records;
    steps.push({ step: 'cross_domain', count: current.length, ...r.report });
  }

  if (data.size !== undefined) {
    const r = filterSize(current.length, data.size, seed);
    Object.assign(derived, r.seeds);
    current = pick(current, r.kept);
    steps.push({ step: 'size', count: current.length, ...r.report });
    if (r.report.available < r.report.requested) {
      warnings.push(`size: ${r.report.requested} records requested but only ${r.report.available} passed the filters; the dataset has ${r.report.available}`);
    }
  }
  if (current.length === 0) {
    // Name the step that emptied the dataset; a quantile cut of fewer records than bins puts them all in the last bin.
    const k = steps.findIndex((st) => st.count === 0);
    const before = k > 0 ? steps[k - 1]!.count : 0;
    const bins = k > 0 ? Number(steps[k]!.bins ?? steps[k]!.levels ?? 0) : 0;
    const why = k > 0 ? `the ${steps[k]!.step} step left no records of ${before}` : 'the filters left no records';
    const hint = before > 0 && before < bins ? ` (${before} records cannot fill ${bins} quantile bins: the last bin takes them all)` : '';
    throw new AblateError(`${why}${hint}; loosen the filters or check the sources`, EXIT.failed);
  }

  // Facts for the data card.
  if (annotate.task_type && !filter.composition) {
    try {
      await classify(current);
    } catch (e) {
      warnings.push(`task types for the data card failed: ${(e as Error).message}`);
    }
  }
  if (annotate.embedding || filter.diversity) {
    const note = '1 − mean cosine similarity of each record to the others *within this dataset* (higher = more diverse)';
    const within = async (records: CanonicalRecord[], extra: string): Promise<void> => {
      const scores = await annotators.diversityScores(records, { method: 'mean-similarity' }, embeddingCfg, actx);
      diversityMeanNote = { method: 'mean-similarity', meanScore: scores.reduce((s, v) => s + v, 0) / Math.max(1, scores.length), note: `${note}${extra}.` };
    };
    try {
      await within(current, '');
    } catch (e) {
      // Precomputed vectors usually cover only the main source; fall back to its records.
      const own = current.filter((r) => r.source === data.source);
      const retry = own.length > 1 && own.length < current.length ? within(own, `, over the ${own.length} records of source ${data.source} only`) : Promise.reject(e);
      await retry.catch((err: Error) => warnings.push(`diversity score for the data card failed: ${err.message}`));
    }
  }
  const datacard: Omit<DatacardInput, 'name'> = { records: current, warnings };
  if (complexityById) {
    datacard.complexity = {
      method: complexityMethod,
      scores: current.map((r) => complexityById!.get(r.id) ?? Number.NaN),
      poolMin: poolRange[0],
      poolMax: poolRange[1],
    };
  }
  if (taskById) {
    // Records mixed in from other sources have no task type: the shares are over the classified ones.
    const tt = current.flatMap((r) => taskById!.get(r.id) ?? []);
    if (tt.length > 0) datacard.taskTypes = { categories: tt.map((t) => t.category), groups: tt.map((t) => t.group) };
  }
  if (decontamination) {
    const count = (key: 'benchmark' | 'source'): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const r of [...decontamination!.removed].sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0))) out[r[key]] = (out[r[key]] ?? 0) + 1;
      return out;
    };
    datacard.decontamination = { ngram: decontamination.ngram, removed: decontamination.removed.length, byBenchmark: count('benchmark'), bySource: count('source') };
  }
  if (diversityMeanNote) datacard.diversity = diversityMeanNote;

  const annotatorsUsed: Record<string, unknown> = {};
  if (complexityById) {
    const hash = await Promise.resolve(annotators.complexityAnnotatorHash?.({ ...complexityCfg, method: complexityMethod }, opts.specDir, cacheDir)).catch(() => undefined);
    annotatorsUsed.complexity = { method: complexityMethod, ...complexityCfg, ...(hash ? { annotatorHash: hash } : {}) };
  }
  if (taskById) annotatorsUsed.task_type = { method: 'embedding', ...taskCfg };
  if (filter.diversity || annotate.embedding) {
    const hash = await annotators.embeddingAnnotatorHash?.(embeddingCfg, actx).catch(() => undefined);
    annotatorsUsed.embedding = { ...embeddingCfg, ...(hash ? { annotatorHash: hash } : {}) };
  }

  return {
    records: current,
    datacard,
    manifest: {
      steps,
      sources: stats,
      duplicates: Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, v.duplicates])),
      malformed: Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, v.malformed])),
      ...(decontamination ? { decontamination } : {}),
      seeds: { root: seed, derived },
      annotators: annotatorsUsed,
      warnings,
    },
  };
}

/** Streams data.jsonl atomically and returns its sha256 (computed over the same bytes). */
async function writeJsonl(file: string, records: readonly CanonicalRecord[]): Promise<string> {
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256');
  const out = await AtomicFileWriter.open(file);
  try {
    for (const r of records) {
      const line = `${alpacaLine(r)}\n`;
      hash.update(line);
      await out.write(line);
    }
  } catch (err) {
    await out.abort();
    throw err;
  }
  await out.commit();
  return hash.digest('hex');
}

/**
 * Writes the dataset files into `dir` (data.jsonl, dataset_info.json, manifest.json,
 * datacard.json, datacard.md), each atomically. A failure part-way leaves some of them: the stage
 * has no completion record then, so they are never used, and the next attempt rewrites them all.
 */
export async function writeDataset(dir: string, stageId: string, built: MaterializedDataset): Promise<DatasetManifest> {
  await mkdir(dir, { recursive: true });
  const name = datasetName(stageId);
  const at = (f: string): string => path.join(dir, f);
  const dataSha256 = await writeJsonl(at('data.jsonl'), built.records);
  const ids = built.records.map((r) => r.id).sort();
  const manifest: DatasetManifest = {
    format: 'ablate-dataset',
    formatVersion: MATERIALIZE_FORMAT,
    stage: stageId,
    dataset: name,
    records: built.records.length,
    ids,
    idsSha256: idListHash(ids),
    dataSha256,
    ...built.manifest,
  };
  const card = buildDatacard({ name, ...built.datacard });
  await writeFileAtomicAsync(at('dataset_info.json'), `${JSON.stringify(datasetInfo(name), null, 2)}\n`);
  await writeFileAtomicAsync(at('manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFileAtomicAsync(at('datacard.json'), `${JSON.stringify(card, null, 2)}\n`);
  await writeFileAtomicAsync(at('datacard.md'), `${renderDatacardMarkdown(card)}\n`);
  return manifest;
}

/** A materialize StageRunner over the given annotators. */
export function createMaterializer(loadAnnotators: () => Promise<Annotators>): StageRunner {
  return async (ctx: StageRunContext): Promise<StageResult> => {
    const inputs = ctx.stage.inputs as unknown as MaterializeInputs;
    if (ctx.dryRun) {
      // In-process work with nothing to configure: a dry run only says what it would read.
      ctx.log(`would materialize from ${Object.keys(inputs.sources).join(', ')} (seed ${inputs.seed})`);
      return {};
    }
    ctx.progress({ message: 'loading sources' });
    const built = await buildDataset(inputs, await loadAnnotators(), { specDir: ctx.plan.specDir, log: (l) => ctx.log(l) });
    if (ctx.signal.aborted) throw new AblateError('materialize cancelled', EXIT.failed);
    ctx.progress({ message: 'writing dataset' });
    const manifest = await writeDataset(ctx.workDir, ctx.stage.id, built);
    for (const w of manifest.warnings) ctx.log(`warning: ${w}`);
    ctx.progress({ percent: 100, message: `${manifest.records} records` });
    return {
      summary: {
        records: manifest.records,
        idsSha256: manifest.idsSha256,
        dataset: manifest.dataset,
        steps: manifest.steps.map((s) => `${s.step}:${s.count}`).join(' → '),
        warnings: manifest.warnings,
        ...(manifest.decontamination ? { decontaminated: manifest.decontamination.removed.length } : {}),
      },
    };
  };
}

/**
 * The materialize stage: reads `ctx.stage.inputs` (MaterializeInputs), writes the dataset into
 * `ctx.workDir`. Annotators load lazily so commands that never materialize skip transformers.js.
 */
export const materializeDataset: StageRunner = createMaterializer(async () => {
  const mod: Annotators = await import('./annotators/index.js');
  return mod;
});
