import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveCategories } from '../data/annotators/categories.js';
import { DEFAULT_PERPLEXITY_MODEL, DEFAULT_SCORER_MODEL } from '../data/annotators/complexity.js';
import { DEFAULT_EMBEDDING_MODEL } from '../data/annotators/embedding.js';
import { SCORER_PRESETS } from '../data/annotators/scorerPresets.js';
import { DEFAULT_CATEGORY_PROMPT, DEFAULT_TASK_PROMPT } from '../data/annotators/taskType.js';
import type { ComplexityAnnotatorConfig, EmbeddingAnnotatorConfig, TaskTypeAnnotatorConfig } from '../data/annotators/types.js';
import type { Plan, Stage } from '../plan/types.js';
import { portableModel } from '../plan/ids.js';
import { isLocalPath } from '../spec/rules.js';
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
  /** The ablate that wrote the lock: its selection code decides which records an arm gets. */
  ablate: { version: string };
  runs: Array<{ id: string; name: string; axes: Record<string, unknown>; repeat: number; samplingSeed: number; stages: string[]; config: unknown }>;
  datasets: Record<string, LockedDataset>;
  trainings: Record<string, { dataset: string; model: string; revision?: string; template?: string; finetuning?: string; tools: Record<string, string> }>;
  evaluations: Record<string, LockedEvaluation>;
  /**
   * Tool → version over every finished stage. When stages ran with different versions of one
   * tool, all of them, sorted and joined by ", " (never silently the last one seen).
   */
  tools: Record<string, string>;
}

export interface LockedEvaluation {
  train: string;
  task: string;
  tool: string;
  setupHash?: string;
  toolVersion?: string;
  /** Content hash of a local problem file (`eval.problems`), when the spec names one. */
  problemsSha256?: string;
  /** Versions the stage's completion record names (harness, evalplus, ...). */
  tools?: Record<string, string>;
}

export interface LockedDataset {
  /** `commit`: what a Hugging Face `revision` resolved to at `ablate fetch` (the data the run read). */
  sources: Record<string, { sha256?: string; hf?: string; revision?: string; commit?: string; split?: string; file?: string; format?: string }>;
  annotate: unknown;
  /** The data section (sample, filters, mix, decontamination) that selects the arm's records. */
  data?: unknown;
  /** Benchmark name → content hash of the local problem file decontaminated against. */
  benchmarks?: Record<string, string>;
  seed: number;
  /**
   * The annotators with their defaults filled in: the model ids (or local folders, relative to
   * the spec) and the exact prompt texts, so a changed default elsewhere cannot change the lock's meaning.
   */
  annotatorSetup?: Record<string, Record<string, unknown>>;
  /** From the materialized manifest, once the stage is done. */
  records?: number;
  idsSha256?: string;
  dataSha256?: string;
  annotators?: unknown;
  /** Record count after each selection step (load, decontaminate, filters, mix). */
  steps?: Array<{ step: string; count: number }>;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function completionTools(stage: Stage): Record<string, string> {
  const tools = readJson<{ tools?: unknown }>(path.join(stage.dir, 'ablate-stage.json'))?.tools;
  if (tools === null || typeof tools !== 'object') return {};
  return Object.fromEntries(Object.entries(tools as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** ablate's own version, from its package.json (two levels up from both src/bundle and dist/bundle). */
export function ablateVersion(): string {
  const pkg = readJson<{ version?: unknown }>(fileURLToPath(new URL('../../package.json', import.meta.url)));
  return typeof pkg?.version === 'string' ? pkg.version : 'unknown';
}

type AnnotateConfig = { complexity?: ComplexityAnnotatorConfig; embedding?: EmbeddingAnnotatorConfig; task_type?: TaskTypeAnnotatorConfig };

/**
 * Models and prompts of every annotator the dataset used (per its manifest) or configures, with
 * the defaults ablate applies spelled out. Pure.
 */
export function annotatorSetup(annotate: AnnotateConfig, used: readonly string[], specDir: string): Record<string, Record<string, unknown>> {
  const model = (m: string): string => portableModel(m, specDir);
  const names = new Set([...Object.keys(annotate), ...used]);
  const out: Record<string, Record<string, unknown>> = {};
  const embeddingModel = annotate.embedding?.model ?? DEFAULT_EMBEDDING_MODEL;
  if (names.has('complexity')) {
    const c = annotate.complexity ?? {};
    const method = c.method ?? 'heuristic';
    const entry: Record<string, unknown> = { method };
    if (method === 'endpoint' || method === 'python') {
      const preset = c.preset ?? 'xcoder';
      entry.preset = preset;
      entry.model = model(c.model ?? DEFAULT_SCORER_MODEL);
      if (method === 'python') entry.perplexity_model = model(c.perplexity_model ?? DEFAULT_PERPLEXITY_MODEL);
      entry.prompt = SCORER_PRESETS[preset].prompt;
      entry.firstScoreWeight = SCORER_PRESETS[preset].firstWeight;
      entry.combine = c.combine ?? 'mean';
    }
    out.complexity = entry;
  }
  if (names.has('embedding')) {
    const e = annotate.embedding ?? {};
    const method = e.method ?? 'transformers';
    out.embedding = method === 'file' ? { method } : { method, model: model(embeddingModel), prefix: e.prefix ?? '', text: e.text ?? 'instruction', ...(method === 'transformers' ? { pooling: e.pooling ?? 'mean' } : {}) };
  }
  if (names.has('task_type')) {
    const t = annotate.task_type ?? {};
    const method = t.method ?? 'embedding';
    const entry: Record<string, unknown> = { method };
    if (method !== 'field') entry.categories = resolveCategories(t.categories);
    if (method === 'embedding') {
      entry.model = model(t.model ?? embeddingModel);
      entry.category_prompt = t.category_prompt ?? DEFAULT_CATEGORY_PROMPT;
      entry.task_prompt = t.task_prompt ?? DEFAULT_TASK_PROMPT;
    }
    out.task_type = entry;
  }
  return out;
}

/** Adds one stage's tool versions to the experiment-wide map, keeping every distinct version. */
function mergeTools(into: Map<string, Set<string>>, tools: Record<string, string>): void {
  for (const [name, version] of Object.entries(tools)) {
    const seen = into.get(name) ?? new Set<string>();
    seen.add(version);
    into.set(name, seen);
  }
}

/** An absolute file path as a path relative to the spec folder (POSIX separators); relative ones as written. */
function portablePath(p: string, specDir: string): string {
  return path.isAbsolute(p) ? path.relative(specDir, p).split(path.sep).join('/') : p;
}

/**
 * Strips machine-specific paths from a run config: the execute section goes, absolute file paths
 * become spec-relative and local model folders `local:<spec-relative>` (files are identified by
 * content in `datasets`).
 */
function portableConfig(config: Plan['runs'][number]['config'], specDir: string): unknown {
  type Loose = Record<string, unknown> & {
    sources?: Record<string, { path?: string }>;
    eval?: { problems?: string };
    data?: { decontaminate?: { paths?: Record<string, string> } };
    train?: { model: string; deepspeed?: string };
    annotate?: Record<string, { model?: string; perplexity_model?: string; path?: string } | undefined>;
  };
  const c = structuredClone(config) as unknown as Loose;
  const model = (m: string): string => (isLocalPath(m) ? portableModel(m, specDir) : m);
  if (c.train) {
    c.train.model = portableModel(c.train.model, specDir);
    if (c.train.deepspeed !== undefined && !['z2', 'z3'].includes(c.train.deepspeed)) c.train.deepspeed = portablePath(c.train.deepspeed, specDir);
  }
  for (const src of Object.values(c.sources ?? {})) if (src.path !== undefined) src.path = portablePath(src.path, specDir);
  if (c.eval?.problems !== undefined) c.eval.problems = portablePath(c.eval.problems, specDir);
  const paths = c.data?.decontaminate?.paths;
  if (paths) for (const k of Object.keys(paths)) paths[k] = portablePath(paths[k]!, specDir);
  for (const a of Object.values(c.annotate ?? {})) {
    if (!a) continue;
    if (a.model !== undefined) a.model = model(a.model);
    if (a.perplexity_model !== undefined) a.perplexity_model = model(a.perplexity_model);
    if (a.path !== undefined) a.path = portablePath(a.path, specDir);
  }
  delete c.execute;
  return c;
}

/** A dataset's annotate and data sections as the lock keeps them: without machine paths. */
export function portableSelection(inputs: { annotate?: unknown; data?: unknown }, specDir: string): { annotate: unknown; data: unknown } {
  const c = portableConfig({ annotate: inputs.annotate ?? {}, data: inputs.data } as unknown as Plan['runs'][number]['config'], specDir) as { annotate: unknown; data: unknown };
  return { annotate: c.annotate, data: c.data };
}

export function buildLock(plan: Plan): ExperimentLock {
  const lock: ExperimentLock = {
    format: 'ablate-lock',
    formatVersion: 1,
    experiment: plan.experiment,
    ablate: { version: ablateVersion() },
    runs: plan.runs.map((r) => ({ id: r.id, name: r.name, axes: r.axes, repeat: r.repeat, samplingSeed: r.samplingSeed, stages: r.stages, config: portableConfig(r.config, plan.specDir) })),
    datasets: {},
    trainings: {},
    evaluations: {},
    tools: {},
  };
  const allTools = new Map<string, Set<string>>();
  for (const stage of plan.stages.values()) {
    const tools = completionTools(stage);
    mergeTools(allTools, tools);
    if (stage.kind === 'materialize') {
      const inputs = stage.inputs as { sources: Record<string, Record<string, unknown>>; annotate?: AnnotateConfig; data?: unknown; seed: number; benchmarks?: Record<string, string> };
      const manifest = readJson<{
        records: number;
        idsSha256: string;
        dataSha256: string;
        annotators?: Record<string, unknown>;
        sources?: Record<string, { sha256?: unknown }>;
        steps?: Array<{ step?: unknown; count?: unknown }>;
      }>(path.join(stage.dir, 'manifest.json'));
      const sources = Object.fromEntries(
        Object.entries(inputs.sources).map(([name, s]) => {
          const locked = pick(s, ['sha256', 'hf', 'revision', 'commit', 'split', 'file', 'format']);
          // A Hugging Face file is known by content only once downloaded: the manifest has its hash.
          const read = manifest?.sources?.[name]?.sha256;
          if (locked.sha256 === undefined && typeof read === 'string') locked.sha256 = read;
          return [name, locked];
        }),
      );
      const steps = Array.isArray(manifest?.steps)
        ? manifest.steps.filter((st): st is { step: string; count: number } => typeof st?.step === 'string' && typeof st.count === 'number').map((st) => ({ step: st.step, count: st.count }))
        : undefined;
      const selection = portableSelection(inputs, plan.specDir);
      lock.datasets[stage.id] = {
        sources,
        annotate: selection.annotate,
        ...(selection.data !== undefined ? { data: selection.data } : {}),
        ...(inputs.benchmarks ? { benchmarks: inputs.benchmarks } : {}),
        seed: inputs.seed,
        annotatorSetup: annotatorSetup(inputs.annotate ?? {}, Object.keys(manifest?.annotators ?? {}), plan.specDir),
        ...(manifest ? { records: manifest.records, idsSha256: manifest.idsSha256, dataSha256: manifest.dataSha256, annotators: manifest.annotators } : {}),
        ...(steps ? { steps } : {}),
      };
    } else if (stage.kind === 'train') {
      const t = (stage.inputs as { train: { model: string; revision?: string; template?: string; finetuning?: string } }).train;
      lock.trainings[stage.id] = { dataset: stage.deps[0]!, model: portableModel(t.model, plan.specDir), revision: t.revision, template: t.template, finetuning: t.finetuning, tools };
    } else {
      const result = readJson<{ tool: string; setup_hash?: string; tool_version?: string }>(path.join(stage.dir, 'result.json'));
      const e = stage.inputs as { eval: { tool?: string }; problemsSha256?: string | null };
      const tool = result?.tool ?? e.eval.tool ?? 'bigcode';
      const toolVersion = result?.tool_version ?? tools[tool];
      lock.evaluations[stage.id] = {
        train: stage.deps[0]!,
        task: stage.task ?? '',
        tool,
        ...(result?.setup_hash !== undefined ? { setupHash: result.setup_hash } : {}),
        ...(toolVersion !== undefined ? { toolVersion } : {}),
        ...(typeof e.problemsSha256 === 'string' ? { problemsSha256: e.problemsSha256 } : {}),
        ...(Object.keys(tools).length ? { tools } : {}),
      };
    }
  }
  for (const name of [...allTools.keys()].sort()) lock.tools[name] = [...allTools.get(name)!].sort().join(', ');
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
