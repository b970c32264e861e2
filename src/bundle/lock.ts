import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plan, Stage } from '../plan/types.js';
import { portableModel } from '../plan/ids.js';
import { canonicalJson, sha256 } from '../util/hash.js';

/**
 * ablate.lock.json: everything needed to re-run an experiment elsewhere and check that it is the
 * same experiment — resolved run configs, dataset identities (record-id hashes), source
 * revisions, models, tool versions, annotators, prompts and seeds. Portable: no absolute paths.
 */
export interface ExperimentLock {
  format: 'ablate-lock';
  formatVersion: 1;
  experiment: string;
  runs: Array<{ id: string; name: string; axes: Record<string, unknown>; repeat: number; samplingSeed: number; stages: string[]; config: unknown }>;
  datasets: Record<string, LockedDataset>;
  trainings: Record<string, { dataset: string; model: string; revision?: string; template?: string; finetuning?: string; tools: Record<string, string> }>;
  evaluations: Record<string, { train: string; task: string; tool: string; setupHash?: string; toolVersion?: string }>;
  tools: Record<string, string>;
}

export interface LockedDataset {
  sources: Record<string, { sha256?: string; hf?: string; revision?: string; split?: string; format?: string }>;
  annotate: unknown;
  seed: number;
  /** From the materialized manifest, once the stage is done. */
  records?: number;
  idsSha256?: string;
  dataSha256?: string;
  annotators?: unknown;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function completionTools(stage: Stage): Record<string, string> {
  return readJson<{ tools?: Record<string, string> }>(path.join(stage.dir, 'ablate-stage.json'))?.tools ?? {};
}

/** Strips machine-specific paths from a run config (local files are identified by content in `datasets`). */
function portableConfig(config: Plan['runs'][number]['config'], specDir: string): unknown {
  const c = structuredClone(config) as unknown as Record<string, unknown> & { train?: { model: string } };
  if (c.train) c.train.model = portableModel(c.train.model, specDir);
  delete c.execute;
  return c;
}

export function buildLock(plan: Plan): ExperimentLock {
  const lock: ExperimentLock = {
    format: 'ablate-lock',
    formatVersion: 1,
    experiment: plan.experiment,
    runs: plan.runs.map((r) => ({ id: r.id, name: r.name, axes: r.axes, repeat: r.repeat, samplingSeed: r.samplingSeed, stages: r.stages, config: portableConfig(r.config, plan.specDir) })),
    datasets: {},
    trainings: {},
    evaluations: {},
    tools: {},
  };
  for (const stage of plan.stages.values()) {
    const tools = completionTools(stage);
    Object.assign(lock.tools, tools);
    if (stage.kind === 'materialize') {
      const inputs = stage.inputs as { sources: Record<string, Record<string, unknown>>; annotate: unknown; seed: number };
      const manifest = readJson<{ records: number; idsSha256: string; dataSha256: string; annotators: unknown }>(path.join(stage.dir, 'manifest.json'));
      lock.datasets[stage.id] = {
        sources: Object.fromEntries(
          Object.entries(inputs.sources).map(([name, s]) => [name, pick(s, ['sha256', 'hf', 'revision', 'split', 'format'])]),
        ),
        annotate: inputs.annotate,
        seed: inputs.seed,
        ...(manifest ? { records: manifest.records, idsSha256: manifest.idsSha256, dataSha256: manifest.dataSha256, annotators: manifest.annotators } : {}),
      };
    } else if (stage.kind === 'train') {
      const t = (stage.inputs as { train: { model: string; revision?: string; template?: string; finetuning?: string } }).train;
      lock.trainings[stage.id] = { dataset: stage.deps[0]!, model: portableModel(t.model, plan.specDir), revision: t.revision, template: t.template, finetuning: t.finetuning, tools };
    } else {
      const result = readJson<{ tool: string; setup_hash?: string; tool_version?: string }>(path.join(stage.dir, 'result.json'));
      const e = stage.inputs as { eval: { tool?: string } };
      lock.evaluations[stage.id] = { train: stage.deps[0]!, task: stage.task ?? '', tool: result?.tool ?? e.eval.tool ?? 'bigcode', setupHash: result?.setup_hash, toolVersion: result?.tool_version };
    }
  }
  return lock;
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) if (typeof o[k] === 'string') out[k] = o[k] as string;
  return out;
}

/** Where an experiment's own files (lock, report) live: <results>/experiments/<name>/. */
export function experimentDir(resultsRoot: string, experiment: string): string {
  return path.join(resultsRoot, 'experiments', experiment);
}

export function lockPath(plan: Plan): string {
  return path.join(experimentDir(plan.resultsRoot, plan.experiment), 'ablate.lock.json');
}

/** A digest of the lock's dataset identities: equal digests mean the same data in every arm. */
export function datasetsDigest(lock: ExperimentLock): string {
  return sha256(canonicalJson(Object.fromEntries(Object.entries(lock.datasets).map(([id, d]) => [id, d.idsSha256 ?? null]))));
}

export function lockExists(plan: Plan): boolean {
  return existsSync(lockPath(plan));
}
