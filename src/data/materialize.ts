import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AblateError, EXIT } from '../errors.js';
import type { StageResult, StageRunContext, StageRunner } from '../exec/types.js';
import type { Annotate, Data, Source } from '../spec/types.generated.js';
import { buildDataset } from './build/index.js';
import type { Annotators, StepCount } from './build/state.js';
import { buildDatacard, renderDatacardMarkdown, type DatacardInput } from './datacard.js';
import type { DecontaminationReport } from './decontaminate.js';
import { alpacaLine, idListHash, type CanonicalRecord } from './records.js';
import type { ResolvedSource, SourceStats } from './sources/load.js';
import { resolveSources } from '../plan/ids.js';
import { fileSha256Sync } from '../util/fileHash.js';
import { AtomicFileWriter, writeFileAtomicAsync } from '../util/atomicFile.js';
import { sourcesUsedBy } from '../spec/dataInputs.js';
export type { Annotators, StepCount } from './build/state.js';
export { dataIsRandom, sourcesUsedBy } from '../spec/dataInputs.js';

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

export { buildDataset } from './build/index.js';

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
