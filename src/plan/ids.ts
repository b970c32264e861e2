import path from 'node:path';
import type { ExperimentSpec, Source } from '../spec/types.generated.js';
import { isLocalPath } from '../spec/rules.js';
import { hashId } from '../util/hash.js';
import { dataIsRandom, decontaminationIdOf, neighbourSearchOf, sourcesUsedBy } from '../spec/dataInputs.js';

/** How a local file enters a stage id: by content, never by where it sits on this machine. */
export type ContentOf = (absFile: string) => string;

/** A source as the materialize stage sees it: the spec's entry plus its content identity. */
export interface ResolvedSource extends Source {
  /** Absolute path of a local source (runtime only; not hashed). */
  absPath?: string;
  /** sha256 of a local source's bytes. */
  sha256?: string;
  /**
   * The commit a Hugging Face `revision` (a branch or tag) resolved to when it was last fetched:
   * the data a run reads, so it enters the stage id (two users of "main" never share a dataset
   * built from different data). Absent for a revision that is already a commit or was never fetched.
   */
  commit?: string;
}

/** The commit a dataset revision was resolved to by `ablate fetch` (undefined: not fetched, or a commit already). */
export type CommitOf = (repo: string, revision: string) => string | undefined;

export interface MaterializeIdInputs {
  sources: Record<string, ResolvedSource>;
  annotate: ExperimentSpec['annotate'];
  data: ExperimentSpec['data'];
  seed: number;
  /** sha256 of local benchmark files used for decontamination, by benchmark. */
  benchmarks?: Record<string, string>;
}

/** Only the sources a run's data section reads: adding an unrelated source changes no id. */
export function resolveSources(spec: Pick<ExperimentSpec, 'sources' | 'data'>, specDir: string, contentOf: ContentOf, commitOf?: CommitOf): Record<string, ResolvedSource> {
  const out: Record<string, ResolvedSource> = {};
  for (const name of sourcesUsedBy(spec.data)) {
    const src = spec.sources[name]!;
    if (src.path) {
      const absPath = path.resolve(specDir, src.path);
      out[name] = { ...src, absPath, sha256: contentOf(absPath) };
    } else {
      const commit = src.hf && src.revision && commitOf ? commitOf(src.hf, src.revision) : undefined;
      out[name] = { ...src, ...(commit && commit !== src.revision ? { commit } : {}) };
    }
  }
  return out;
}

/** Drops machine-specific paths from hashed inputs (content hashes stand in for them). */
function portable(sources: Record<string, ResolvedSource>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(sources).map(([k, { absPath: _a, path: _p, ...rest }]) => [k, rest]));
}

/** The seed enters only when it can change the output, so repeats of a deterministic arm share one dataset. */
export function materializeId(inputs: MaterializeIdInputs): string {
  const search = neighbourSearchOf(inputs.data);
  const decontamination = decontaminationIdOf(inputs.data);
  return hashId('materialize', {
    ...inputs,
    sources: portable(inputs.sources),
    seed: dataIsRandom(inputs.data) ? inputs.seed : null,
    ...(search ? { search } : {}),
    ...(decontamination ? { decontamination } : {}),
  });
}

/** Content hashes of the local benchmark files a data config decontaminates against. */
export function benchmarkHashes(data: ExperimentSpec['data'], specDir: string, contentOf: ContentOf): Record<string, string> | undefined {
  const paths = data.decontaminate?.paths;
  if (!paths) return undefined;
  return Object.fromEntries(Object.entries(paths).map(([b, p]) => [b, contentOf(path.resolve(specDir, p))]));
}

/** A model named by a local folder enters the id by its path relative to the spec (portable across machines). */
export function portableModel(model: string, specDir: string): string {
  return isLocalPath(model) ? `local:${path.relative(specDir, path.resolve(specDir, model)).split(path.sep).join('/')}` : model;
}

export function trainId(datasetId: string, train: NonNullable<ExperimentSpec['train']>, specDir: string): string {
  return hashId('train', { dataset: datasetId, train: { ...train, model: portableModel(train.model, specDir) } });
}

export function evalId(trainStageId: string, task: string, evalCfg: NonNullable<ExperimentSpec['eval']>, problemsSha256?: string, toolClone?: string): string {
  // GPU count and the task list do not change a task's scores; the problem file does, by content.
  const { tasks: _t, gpus: _g, problems: _p, harness: _h, ...rest } = evalCfg;
  // The tool's clone enters by commit and local edits (never by path): a modified harness is another evaluator.
  return hashId('eval', { train: trainStageId, task, eval: rest, problems: problemsSha256 ?? null, ...(toolClone ? { tool: toolClone } : {}) });
}

export function runId(config: ExperimentSpec, repeat: number, specDir: string, contentOf: ContentOf, commitOf?: CommitOf): string {
  // Presentation and execution settings do not change what a run computes.
  const { name: _n, description: _d, report: _r, execute: _e, track: _k, sources: _s, extends: _x, ...rest } = config;
  return hashId('run', { ...rest, sources: portable(resolveSources(config, specDir, contentOf, commitOf)), repeat });
}
