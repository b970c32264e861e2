/**
 * `ablate fetch`: downloads what a plan's artifacts need into the caches the tools read, resolving
 * each hub revision to a commit (recorded for later plans), resuming interrupted downloads, and
 * reporting progress. With `dryRun`, asks the hub for sizes only and writes nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cacheRoot, hfCacheDir, splitFiles } from '../data/sources/hf.js';
import { AblateError, EXIT } from '../errors.js';
import { writeFileAtomicAsync } from '../exec/fsutil.js';

/** Records and refs go into folders that may not exist yet. */
async function writeRecord(file: string, data: string | Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomicAsync(file, data);
}
import type { Artifact, ArtifactSource, FetchRecord } from './artifacts.js';
import { formatBytes } from './artifacts.js';
import { downloadFile, fileUrl, hubEndpoint, listFiles, resolveRevision, type HubFile, type HubOptions } from './hub.js';
import { datasetRefFile, fetchRecordFile, hubRepoDir, hubSnapshotDir, isCommitSha, transformersJsModelDir } from '../util/locations.js';

export interface FetchPlanItem {
  artifact: Artifact;
  /** Files still to download, with sizes (hub and URL artifacts). */
  files: HubFile[];
  /** Every file the artifact consists of (hub artifacts), for its completeness record. */
  all?: HubFile[];
  /** Bytes still to download; undefined when the hub does not say (tool loaders, the Python env). */
  bytes?: number;
  commit?: string;
  note?: string;
}

export interface FetchEffects {
  /** Installs the managed Python env (ensureToolEnv). */
  installPythonEnv?(onLine: (line: string) => void): Promise<void>;
  /** Runs a tool's own loader so its caches hold its problems (LiveCodeBench, harness datasets). */
  loadToolData?(source: Extract<ArtifactSource, { type: 'tool' }>, onLine: (line: string) => void): Promise<{ bytes?: number }>;
}

export interface FetchOptions {
  env?: NodeJS.ProcessEnv;
  dryRun?: boolean;
  onLine?(line: string): void;
  /** Called with (file, done, total) while bytes arrive; the CLI throttles it. */
  onBytes?(what: string, done: number, total: number | undefined): void;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  effects?: FetchEffects;
}

/** transformers.js loads these (dtype fp32: onnx/model.onnx); the rest of an ONNX repository is not needed. */
const TRANSFORMERS_JS_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'onnx/model.onnx'];

/** Weights in other frameworks or duplicated formats that LLaMA-Factory and transformers never read when safetensors exist. */
function modelFiles(files: HubFile[]): HubFile[] {
  const hasSafetensors = files.some((f) => f.path.endsWith('.safetensors'));
  return files.filter((f) => {
    if (/(^|\/)(tf_model\.h5|flax_model\.msgpack|rust_model\.ot|model\.onnx|.*\.onnx_data)$/.test(f.path) || f.path.startsWith('onnx/') || f.path.startsWith('coreml/')) return false;
    if (hasSafetensors && /\.(bin|pt|pth)$/.test(f.path) && !f.path.includes('training_args')) return false;
    return !f.path.startsWith('.git');
  });
}

function hubOpts(o: FetchOptions): HubOptions {
  const env = o.env ?? process.env;
  return { endpoint: hubEndpoint(env), ...(env.HF_TOKEN ? { token: env.HF_TOKEN } : {}), ...(o.fetch ? { fetch: o.fetch } : {}), ...(o.signal ? { signal: o.signal } : {}) };
}

/** Where each file of a hub artifact goes. */
function hubTarget(src: Extract<ArtifactSource, { type: 'hub' }>, commit: string, file: string, env: NodeJS.ProcessEnv): string {
  const parts = file.split('/');
  switch (src.layout) {
    case 'ablate-dataset':
      return path.join(hfCacheDir({ hf: src.repo, revision: commit }, cacheRoot(env)), ...parts);
    case 'hub-cache':
      return path.join(hubSnapshotDir(src.repoType, src.repo, commit, env), ...parts);
    case 'transformers-js':
      return path.join(transformersJsModelDir(src.repo, env), ...parts);
  }
}

/** What fetching one artifact involves (asks the hub; downloads nothing). */
async function planItem(a: Artifact, o: FetchOptions): Promise<FetchPlanItem> {
  const env = o.env ?? process.env;
  const src = a.source;
  if (src.type === 'hub') {
    const opts = hubOpts(o);
    const commit = isCommitSha(src.revision) ? src.revision : await resolveRevision(src.repoType, src.repo, src.revision, opts);
    const all = await listFiles(src.repoType, src.repo, commit, opts);
    let files: HubFile[];
    if (src.layout === 'ablate-dataset') {
      const wanted = src.file ? [src.file] : splitFiles(all.map((f) => f.path), src.split ?? 'train');
      if (wanted.length === 0) throw new AblateError(`dataset ${src.repo}@${src.revision} has no data file for split "${src.split ?? 'train'}"; name one with \`file:\``, EXIT.usage);
      files = wanted.map((p) => all.find((f) => f.path === p) ?? { path: p, size: 0 });
      if (src.file && !all.some((f) => f.path === src.file)) throw new AblateError(`dataset ${src.repo}@${src.revision} has no file ${src.file}`, EXIT.usage);
    } else if (src.layout === 'transformers-js') {
      files = all.filter((f) => TRANSFORMERS_JS_FILES.includes(f.path));
      if (!files.some((f) => f.path === 'onnx/model.onnx')) throw new AblateError(`${a.key}: ${src.repo} has no onnx/model.onnx; transformers.js needs an ONNX export (e.g. a Xenova/ repository)`, EXIT.usage);
    } else files = modelFiles(all);
    const todo = files.filter((f) => !existsSync(hubTarget(src, commit, f.path, env)));
    return { artifact: a, files: todo, all: files, bytes: todo.reduce((s, f) => s + f.size, 0), commit, ...(a.commit && a.commit !== commit ? { note: `${src.revision} moved: ${a.commit.slice(0, 12)} → ${commit.slice(0, 12)}` } : {}) };
  }
  if (src.type === 'url') {
    if (existsSync(src.file)) return { artifact: a, files: [], bytes: 0 };
    const res = await (o.fetch ?? fetch)(src.url, { method: 'HEAD', redirect: 'follow', ...(o.signal ? { signal: o.signal } : {}) }).catch(() => undefined);
    const size = Number(res?.headers.get('content-length') ?? NaN);
    return { artifact: a, files: [{ path: path.basename(src.file), size: Number.isFinite(size) ? size : 0 }], ...(Number.isFinite(size) ? { bytes: size } : {}) };
  }
  return { artifact: a, files: [], ...(a.cached ? { bytes: 0 } : {}) };
}

/** Sizes and commits of what `fetch` would download (network: the hub's metadata only). */
export async function planFetch(artifacts: readonly Artifact[], o: FetchOptions = {}): Promise<FetchPlanItem[]> {
  const out: FetchPlanItem[] = [];
  for (const a of artifacts) out.push(await planItem(a, o));
  return out;
}

/** Downloads everything of a fetch plan. Returns the bytes downloaded. */
export async function runFetch(items: readonly FetchPlanItem[], o: FetchOptions = {}): Promise<number> {
  const env = o.env ?? process.env;
  const log = o.onLine ?? (() => {});
  let total = 0;
  for (const item of items) {
    const a = item.artifact;
    const src = a.source;
    if (src.type === 'hub') {
      const commit = item.commit!;
      if (item.note) log(`${a.key}: ${item.note}`);
      for (const f of item.files) {
        const target = hubTarget(src, commit, f.path, env);
        const url = fileUrl(src.repoType, src.repo, commit, f.path, hubOpts(o));
        total += await downloadFile(url, target, { ...hubOpts(o), size: f.size, what: `${src.repo}/${f.path}`, onBytes: (d, t) => o.onBytes?.(`${src.repo}/${f.path}`, d, t) });
      }
      await recordHub(src, commit, item, env);
      log(`${a.key}: ${item.files.length ? `downloaded ${item.files.length} file(s), ${formatBytes(item.bytes)}` : 'up to date'} (commit ${commit.slice(0, 12)})`);
    } else if (src.type === 'url') {
      if (item.files.length) {
        const tmp = `${src.file}.download`;
        total += await downloadFile(src.url, tmp, { ...(o.signal ? { signal: o.signal } : {}), ...(o.fetch ? { fetch: o.fetch } : {}), what: a.key, onBytes: (d, t) => o.onBytes?.(a.key, d, t) });
        const raw = readFileSync(tmp);
        let body: Buffer;
        try {
          body = src.gunzip ? gunzipSync(raw) : raw;
        } catch (err) {
          await rm(tmp, { force: true });
          throw new AblateError(`${a.key}: ${src.url} is not a gzip file (${(err as Error).message}); removed it, run fetch again`, EXIT.failed);
        }
        await writeRecord(src.file, body);
        await rm(tmp, { force: true });
      }
      log(`${a.key}: ${item.files.length ? 'downloaded' : 'up to date'} (${src.file})`);
    } else if (src.type === 'pyenv') {
      if (!a.cached) {
        if (!o.effects?.installPythonEnv) throw new AblateError(`${a.key}: cannot install it here`, EXIT.failed);
        await o.effects.installPythonEnv(log);
      }
      log(`${a.key}: ${a.cached ? 'up to date' : 'installed'} (${a.location})`);
    } else if (src.type === 'tool') {
      if (!o.effects?.loadToolData) throw new AblateError(`${a.key}: no loader for ${src.tool}`, EXIT.failed);
      const r = await o.effects.loadToolData(src, log);
      await writeRecord(a.location, `${JSON.stringify({ tool: src.tool, key: src.key, fetchedAt: new Date().toISOString(), ...r })}\n`);
      log(`${a.key}: loaded by ${src.tool}'s own loader`);
    }
  }
  return total;
}

/** After the files: the ref the offline clients (and later plans) read, then ablate's record of the complete set. */
async function recordHub(src: Extract<ArtifactSource, { type: 'hub' }>, commit: string, item: FetchPlanItem, env: NodeJS.ProcessEnv): Promise<void> {
  if (src.layout === 'ablate-dataset') {
    const dir = hfCacheDir({ hf: src.repo, revision: commit }, cacheRoot(env));
    const listed = item.all ?? [];
    if (!src.file) await writeRecord(path.join(dir, `.ablate-split-${(src.split ?? 'train').replace(/[^\w.-]/g, '_')}.json`), `${JSON.stringify(listed.map((f) => f.path))}\n`);
    if (!isCommitSha(src.revision)) await writeRecord(datasetRefFile(src.repo, src.revision, env), `${commit}\n`);
    return;
  }
  if (src.layout === 'hub-cache') {
    if (!isCommitSha(src.revision)) {
      const ref = path.join(hubRepoDir(src.repoType, src.repo, env), 'refs', ...src.revision.split('/'));
      await mkdir(path.dirname(ref), { recursive: true });
      // huggingface_hub writes the bare sha without a newline.
      await writeFileAtomicAsync(ref, commit);
    }
    const record: FetchRecord = { repo: src.repo, revision: src.revision, commit, files: item.all ?? [] };
    await writeRecord(fetchRecordFile(src.repoType, src.repo, commit, env), `${JSON.stringify(record, null, 2)}\n`);
  }
}
