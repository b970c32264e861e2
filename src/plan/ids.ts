import path from 'node:path';
import type { ExperimentSpec, Source } from '../spec/types.generated.js';
import { isLocalPath } from '../spec/rules.js';
import { hashId } from '../util/hash.js';

/** How a local file enters a stage id: by content, never by where it sits on this machine. */
export type ContentOf = (absFile: string) => string;

/** A source as the materialize stage sees it: the spec's entry plus its content identity. */
export interface ResolvedSource extends Source {
  /** Absolute path of a local source (runtime only; not hashed). */
  absPath?: string;
  /** sha256 of a local source's bytes. */
  sha256?: string;
}

export interface MaterializeIdInputs {
  sources: Record<string, ResolvedSource>;
  annotate: ExperimentSpec['annotate'];
  data: ExperimentSpec['data'];
  seed: number;
}

/** Only the sources a run's data section reads: adding an unrelated source changes no id. */
export function sourcesUsed(spec: ExperimentSpec): string[] {
  const names = new Set<string>([spec.data.source, ...Object.keys(spec.data.filter?.cross_domain?.mix ?? {})]);
  return [...names].sort();
}

export function resolveSources(spec: ExperimentSpec, specDir: string, contentOf: ContentOf): Record<string, ResolvedSource> {
  const out: Record<string, ResolvedSource> = {};
  for (const name of sourcesUsed(spec)) {
    const src = spec.sources[name]!;
    if (src.path) {
      const absPath = path.resolve(specDir, src.path);
      out[name] = { ...src, absPath, sha256: contentOf(absPath) };
    } else out[name] = { ...src };
  }
  return out;
}

/** Drops machine-specific paths from hashed inputs (content hashes stand in for them). */
function portable(sources: Record<string, ResolvedSource>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(sources).map(([k, { absPath: _a, path: _p, ...rest }]) => [k, rest]));
}

export function materializeId(inputs: MaterializeIdInputs): string {
  return hashId('materialize', { ...inputs, sources: portable(inputs.sources) });
}

/** A model named by a local folder enters the id by its path relative to the spec (portable across machines). */
export function portableModel(model: string, specDir: string): string {
  return isLocalPath(model) ? `local:${path.relative(specDir, path.resolve(specDir, model)).split(path.sep).join('/')}` : model;
}

export function trainId(datasetId: string, train: NonNullable<ExperimentSpec['train']>, specDir: string): string {
  return hashId('train', { dataset: datasetId, train: { ...train, model: portableModel(train.model, specDir) } });
}

export function evalId(trainStageId: string, task: string, evalCfg: NonNullable<ExperimentSpec['eval']>, problemsSha256?: string): string {
  // GPU count and the task list do not change a task's scores; the problem file does, by content.
  const { tasks: _t, gpus: _g, problems: _p, harness: _h, ...rest } = evalCfg;
  return hashId('eval', { train: trainStageId, task, eval: rest, problems: problemsSha256 ?? null });
}

export function runId(config: ExperimentSpec, repeat: number, specDir: string, contentOf: ContentOf): string {
  // Presentation and execution settings do not change what a run computes.
  const { name: _n, description: _d, report: _r, execute: _e, sources: _s, extends: _x, ...rest } = config;
  return hashId('run', { ...rest, sources: portable(resolveSources(config, specDir, contentOf)), repeat });
}
