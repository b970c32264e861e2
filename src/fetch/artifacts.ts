/**
 * Which artifacts a plan needs before it can run with the hubs offline, whether each is already
 * on this machine, and how big it is on disk. Reads only local files (no network), so a run can
 * check it in milliseconds before anything starts; `ablate fetch` downloads what is missing.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_PERPLEXITY_MODEL, DEFAULT_SCORER_MODEL } from '../data/annotators/complexity.js';
import { DEFAULT_EMBEDDING_MODEL } from '../data/annotators/embedding.js';
import { BENCHMARK_DOWNLOADS, benchmarkLocation, type Benchmark } from '../data/benchmarks.js';
import type { ComplexityAnnotatorConfig, EmbeddingAnnotatorConfig, TaskTypeAnnotatorConfig } from '../data/annotators/types.js';
import { cacheRoot, hfCacheDir } from '../data/sources/hf.js';
import { readJsonIfExists } from '../exec/fsutil.js';
import type { ResolvedSource } from '../plan/ids.js';
import { evalCloneDir } from '../plan/build.js';
import type { Plan, Stage } from '../plan/types.js';
import { isLocalPath } from '../spec/rules.js';
import type { Data, Eval, Train } from '../spec/types.generated.js';
import { isBuiltinModel, isLocalModel } from '../tools/llamafactory/model.js';
import {
  datasetCommit,
  evalplusCacheDir,
  fetchRecordFile,
  hubCachedCommit,
  hubSnapshotDir,
  toolDataMarker,
  transformersJsModelDir,
  type RepoType,
} from '../util/locations.js';

export type ArtifactKind = 'dataset' | 'base-model' | 'annotator-model' | 'problems' | 'python-env' | 'harness';

/** Where an artifact comes from, as `ablate fetch` gets it. */
export type ArtifactSource =
  | { type: 'hub'; repoType: RepoType; repo: string; revision: string; split?: string; file?: string; layout: 'ablate-dataset' | 'hub-cache' | 'transformers-js' }
  | { type: 'url'; url: string; gunzip: boolean; file: string }
  /** Data a tool loads itself (hub datasets through `datasets`): fetched by running the tool's own loader once. */
  | { type: 'tool'; tool: 'livecodebench' | 'bigcode'; key: string; arg: string; clone?: string }
  | { type: 'pyenv' }
  | { type: 'clone'; tool: 'bigcode' | 'livecodebench'; path?: string };

export interface Artifact {
  /** Unique and stable: `dataset ise-uiuc/Magicoder-OSS-Instruct-75K@main (train)`. */
  key: string;
  kind: ArtifactKind;
  source: ArtifactSource;
  /** Stage ids that need it. */
  neededBy: string[];
  cached: boolean;
  /** Folder or file where it is (or will be) on this machine. */
  location: string;
  /** Bytes on disk when cached. */
  bytes?: number;
  /** The resolved commit of a hub revision, once known. */
  commit?: string;
  /** Why it is not usable yet, when not cached. */
  missing?: string;
}

/** EvalPlus 0.3.1's default dataset versions (HUMANEVAL_PLUS_VERSION, MBPP_PLUS_VERSION) and their release files. */
export const EVALPLUS_RELEASES: Readonly<Record<string, { name: string; version: string }>> = {
  humaneval: { name: 'HumanEvalPlus', version: 'v0.1.10' },
  mbpp: { name: 'MbppPlus', version: 'v0.2.0' },
};

/** The GitHub release URL EvalPlus downloads from (`get_dataset_metadata`); `ABLATE_EVALPLUS_RELEASES` replaces the host part. */
export function evalplusReleaseUrl(task: string, version: string, env: NodeJS.ProcessEnv = process.env): string {
  const { name } = EVALPLUS_RELEASES[task]!;
  const base = (env.ABLATE_EVALPLUS_RELEASES ?? 'https://github.com/evalplus').replace(/\/+$/, '');
  return `${base}/${name.toLowerCase()}_release/releases/download/${version}/${name}.jsonl.gz`;
}

/** A file of the hub repository recorded by fetch, with its size. */
export interface FetchRecord {
  repo: string;
  revision: string;
  commit: string;
  files: Array<{ path: string; size: number }>;
}

export interface ArtifactOptions {
  env?: NodeJS.ProcessEnv;
  /** Only these stages (default: all of the plan). */
  stages?: Iterable<Stage>;
  /** Is the managed Python env installed (injected: checking it reads the pin set). */
  pythonEnv?: { present: boolean; path: string };
}

/** Every artifact the given stages need, with where it is and whether it is there. */
export function planArtifacts(plan: Plan, opts: ArtifactOptions = {}): Artifact[] {
  const env = opts.env ?? process.env;
  const out = new Map<string, Artifact>();
  const add = (stage: Stage, a: Omit<Artifact, 'neededBy'>): void => {
    const known = out.get(a.key);
    if (known) {
      if (!known.neededBy.includes(stage.id)) known.neededBy.push(stage.id);
    } else out.set(a.key, { ...a, neededBy: [stage.id] });
  };
  let needsPython: Stage | undefined;
  for (const stage of opts.stages ?? plan.stages.values()) {
    if (stage.kind === 'materialize') {
      const inputs = stage.inputs as { sources: Record<string, ResolvedSource>; annotate?: AnnotateConfig; data: Data };
      for (const src of Object.values(inputs.sources)) if (src.hf) add(stage, datasetArtifact(src, env));
      for (const a of benchmarkArtifacts(inputs.data, env)) add(stage, a);
      for (const m of annotatorModels(inputs.annotate ?? {}, inputs.data, plan.specDir)) {
        if (m.layout === 'hub-cache') needsPython ??= stage;
        add(stage, m.layout === 'hub-cache' ? hubModelArtifact('annotator-model', m.model, 'main', env) : transformersJsArtifact(m.model, env));
      }
    } else if (stage.kind === 'train') {
      needsPython ??= stage;
      const train = (stage.inputs as { train: Train }).train;
      if (!isBuiltinModel(train.model) && !isLocalModel(train.model)) add(stage, hubModelArtifact('base-model', train.model, train.revision ?? 'main', env));
    } else {
      const { eval: ev, problems } = stage.inputs as { eval: Eval; problems?: string };
      const tool = ev.tool ?? 'bigcode';
      const task = stage.task ?? '';
      if (tool !== 'bigcode') needsPython ??= stage;
      if (tool === 'evalplus' && !problems && EVALPLUS_RELEASES[task]) add(stage, evalplusArtifact(task, ev, env));
      if (tool === 'livecodebench') {
        const release = String((ev.args as Record<string, unknown> | undefined)?.release_version ?? 'release_latest');
        add(stage, toolDataArtifact('livecodebench', `problems ${release}`, release, evalCloneDir(ev, plan.specDir, env), env));
      }
      if (tool === 'bigcode') add(stage, toolDataArtifact('bigcode', `datasets of task ${task}`, task, evalCloneDir(ev, plan.specDir, env), env));
    }
  }
  if (needsPython && opts.pythonEnv) {
    const { present, path: p } = opts.pythonEnv;
    add(needsPython, { key: 'python environment (LLaMA-Factory, EvalPlus, runners)', kind: 'python-env', source: { type: 'pyenv' }, cached: present, location: p, ...(present ? {} : { missing: 'not installed' }) });
  }
  return [...out.values()];
}

type AnnotateConfig = { complexity?: ComplexityAnnotatorConfig; embedding?: EmbeddingAnnotatorConfig; task_type?: TaskTypeAnnotatorConfig };

/** The annotator models a materialize stage loads (hub ids only; local folders are the user's). */
export function annotatorModels(annotate: AnnotateConfig, data: Data, specDir: string): Array<{ model: string; layout: 'hub-cache' | 'transformers-js' }> {
  const out: Array<{ model: string; layout: 'hub-cache' | 'transformers-js' }> = [];
  const push = (model: string, layout: 'hub-cache' | 'transformers-js'): void => {
    // A model given as a folder (relative to the spec, or absolute) is not fetched.
    if (isLocalPath(model) || existsSync(path.resolve(specDir, model))) return;
    if (!out.some((m) => m.model === model && m.layout === layout)) out.push({ model, layout });
  };
  const c = annotate.complexity;
  if (c?.method === 'python') {
    push(c.model ?? DEFAULT_SCORER_MODEL, 'hub-cache');
    push(c.perplexity_model ?? DEFAULT_PERPLEXITY_MODEL, 'hub-cache');
  }
  const e = annotate.embedding ?? {};
  const layoutOf = (method: string | undefined): 'hub-cache' | 'transformers-js' => (method === 'python' ? 'hub-cache' : 'transformers-js');
  if ((annotate.embedding || data.filter?.diversity) && e.method !== 'file') push(e.model ?? DEFAULT_EMBEDDING_MODEL, layoutOf(e.method));
  const tt = annotate.task_type ?? (data.filter?.composition ? {} : undefined);
  if (tt && (tt.method ?? 'embedding') === 'embedding') push(tt.model ?? e.model ?? DEFAULT_EMBEDDING_MODEL, layoutOf(e.method));
  return out;
}

function filesBytes(dir: string, files: readonly string[]): number | undefined {
  let total = 0;
  for (const f of files) {
    const p = path.join(dir, ...f.split('/'));
    if (!existsSync(p)) return undefined;
    total += statSync(p).size;
  }
  return total;
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += folderBytes(p);
    else total += statSync(p).size;
  }
  return total;
}

function datasetArtifact(src: ResolvedSource, env: NodeJS.ProcessEnv): Omit<Artifact, 'neededBy'> {
  const repo = src.hf!;
  const revision = src.revision ?? 'main';
  const split = src.split ?? 'train';
  const key = `dataset ${repo}@${revision} (${src.file ?? split})`;
  const source: ArtifactSource = { type: 'hub', repoType: 'dataset', repo, revision, split, ...(src.file ? { file: src.file } : {}), layout: 'ablate-dataset' };
  const commit = src.commit ?? datasetCommit(repo, revision, env);
  if (!commit) return { key, kind: 'dataset', source, cached: false, location: path.join(cacheRoot(env), 'hf', ...repo.split('/')), missing: `revision ${revision} was never resolved to a commit` };
  const dir = hfCacheDir({ hf: repo, revision: commit }, cacheRoot(env));
  const files = src.file ? [src.file] : readJsonIfExists<string[]>(path.join(dir, `.ablate-split-${split.replace(/[^\w.-]/g, '_')}.json`));
  const bytes = files ? filesBytes(dir, files) : undefined;
  return bytes === undefined
    ? { key, kind: 'dataset', source, cached: false, location: dir, commit, missing: `files of commit ${commit.slice(0, 12)} are not in the cache` }
    : { key, kind: 'dataset', source, cached: true, location: dir, commit, bytes };
}

/** A model in the Hugging Face hub cache: its ref resolves to a snapshot holding every file fetch recorded (or, filled by the hub's own tools, a config.json). */
function hubModelArtifact(kind: 'base-model' | 'annotator-model', repo: string, revision: string, env: NodeJS.ProcessEnv): Omit<Artifact, 'neededBy'> {
  const key = `${kind === 'base-model' ? 'base model' : 'annotator model'} ${repo}@${revision}`;
  const source: ArtifactSource = { type: 'hub', repoType: 'model', repo, revision, layout: 'hub-cache' };
  const commit = hubCachedCommit('model', repo, revision, env);
  if (!commit) return { key, kind, source, cached: false, location: path.dirname(hubSnapshotDir('model', repo, 'x', env)), missing: `not in the Hugging Face cache (no refs/${revision})` };
  const dir = hubSnapshotDir('model', repo, commit, env);
  const record = readJsonIfExists<FetchRecord>(fetchRecordFile('model', repo, commit, env));
  const bytes = record ? filesBytes(dir, record.files.map((f) => f.path)) : existsSync(path.join(dir, 'config.json')) ? folderBytes(dir) : undefined;
  return bytes === undefined
    ? { key, kind, source, cached: false, location: dir, commit, missing: `snapshot ${commit.slice(0, 12)} is incomplete` }
    : { key, kind, source, cached: true, location: dir, commit, bytes };
}

function transformersJsArtifact(model: string, env: NodeJS.ProcessEnv): Omit<Artifact, 'neededBy'> {
  const key = `annotator model ${model} (transformers.js)`;
  const source: ArtifactSource = { type: 'hub', repoType: 'model', repo: model, revision: 'main', layout: 'transformers-js' };
  // Looked up where the annotator looks: ABLATE_MODELS folders, then the cache.
  const roots = [...(env.ABLATE_MODELS ?? '').split(path.delimiter).filter(Boolean).map((r) => path.join(path.resolve(r), ...model.split('/'))), transformersJsModelDir(model, env)];
  const dir = roots.find((d) => existsSync(path.join(d, 'config.json')) && existsSync(path.join(d, 'onnx', 'model.onnx')));
  return dir
    ? { key, kind: 'annotator-model', source, cached: true, location: dir, bytes: folderBytes(dir) }
    : { key, kind: 'annotator-model', source, cached: false, location: transformersJsModelDir(model, env), missing: 'no ONNX model folder' };
}

function evalplusArtifact(task: string, ev: Eval, env: NodeJS.ProcessEnv): Omit<Artifact, 'neededBy'> {
  const rel = EVALPLUS_RELEASES[task]!;
  const version = String((ev.args as Record<string, unknown> | undefined)?.version ?? rel.version);
  // evalplus 0.3.1 caches the default version's file whatever `version` says (get_dataset_metadata gets HUMANEVAL_PLUS_VERSION).
  const file = path.join(evalplusCacheDir(env), `${rel.name}-${task === 'humaneval' ? rel.version : version}.jsonl`);
  const cached = existsSync(file);
  return {
    key: `EvalPlus problems ${rel.name} ${version}`,
    kind: 'problems',
    source: { type: 'url', url: evalplusReleaseUrl(task, version, env), gunzip: true, file },
    cached,
    location: file,
    ...(cached ? { bytes: statSync(file).size } : { missing: 'not in the EvalPlus cache' }),
  };
}

/** Benchmark files decontamination reads from the cache (those without a local `paths` entry). */
function benchmarkArtifacts(data: Data, env: NodeJS.ProcessEnv): Array<Omit<Artifact, 'neededBy'>> {
  const cfg = data.decontaminate;
  if (!cfg) return [];
  const out: Array<Omit<Artifact, 'neededBy'>> = [];
  for (const b of [...new Set(cfg.benchmarks)].sort() as Benchmark[]) {
    const d = BENCHMARK_DOWNLOADS[b];
    if (cfg.paths?.[b] || !d) continue;
    const file = benchmarkLocation(b, undefined, '', cacheRoot(env))!;
    const cached = existsSync(file);
    out.push({
      key: `decontamination problems ${b}`,
      kind: 'problems',
      source: { type: 'url', url: d.url, gunzip: d.gunzip, file },
      cached,
      location: file,
      ...(cached ? { bytes: statSync(file).size } : { missing: 'not in the benchmark cache' }),
    });
  }
  return out;
}

function toolDataArtifact(tool: 'livecodebench' | 'bigcode', what: string, arg: string, clone: string | undefined, env: NodeJS.ProcessEnv): Omit<Artifact, 'neededBy'> {
  const marker = toolDataMarker(tool, what, env);
  const record = readJsonIfExists<{ bytes?: number }>(marker);
  return {
    key: `${tool === 'bigcode' ? 'BigCode harness' : 'LiveCodeBench'} ${what}`,
    kind: 'problems',
    source: { type: 'tool', tool, key: what, arg, ...(clone ? { clone } : {}) },
    cached: record !== undefined,
    location: marker,
    ...(record ? (record.bytes !== undefined ? { bytes: record.bytes } : {}) : { missing: 'never loaded by the tool on this machine' }),
  };
}

/** The artifacts of a list that are not on this machine. */
export function missingArtifacts(artifacts: readonly Artifact[]): Artifact[] {
  return artifacts.filter((a) => !a.cached);
}

/** One message for a run that cannot start: what is missing, which stages need it, the command that fetches it. */
export function formatMissing(missing: readonly Artifact[], specFile: string): string {
  const lines = missing.map((a) => `  ${a.key}: ${a.missing ?? 'missing'} (${a.location}); needed by ${a.neededBy.length} stage(s), e.g. ${a.neededBy[0]}`);
  return `${missing.length} artifact(s) needed by this run are not on this machine:\n${lines.join('\n')}\nFetch them first (on a machine with internet, e.g. the login node): ablate fetch ${specFile}`;
}

export { formatBytes } from '../util/bytes.js';
