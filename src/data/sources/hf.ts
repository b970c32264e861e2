import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AblateError, EXIT } from '../../errors.js';
import { writeFileAtomicAsync, writeStreamAtomic } from '../../util/atomicFile.js';

import { cacheRoot } from '../../util/locations.js';

export { cacheRoot };

export interface HfDatasetRef {
  hf: string;
  revision: string;
  split?: string;
  file?: string;
}

export interface HfOptions {
  cacheRoot?: string;
  /** Hub base URL; `$HF_ENDPOINT` as the hub's own clients read it, else https://huggingface.co. */
  endpoint?: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  log?(line: string): void;
}

const DATA_FILE = /\.(jsonl|ndjson|json|parquet|csv)(\.gz)?$/i;

/** Folder of one pinned dataset revision in the cache. */
export function hfCacheDir(ref: HfDatasetRef, root: string = cacheRoot()): string {
  return path.join(root, 'hf', ...ref.hf.split('/'), ref.revision);
}

/** True when a repository path is a data file of `split` (HF layouts: train.jsonl, data/train-0000.parquet, train/x.json). */
export function isSplitFile(repoPath: string, split: string): boolean {
  if (!DATA_FILE.test(repoPath)) return false;
  const parts = repoPath.split('/');
  const base = parts[parts.length - 1] ?? '';
  return parts.slice(0, -1).includes(split) || new RegExp(`^${escapeRegExp(split)}([-_.]|$)`).test(base);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function exists(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

function endpointOf(opts: HfOptions): string {
  return (opts.endpoint ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
}

function offlineError(ref: HfDatasetRef, url: string, dir: string, cause: unknown): AblateError {
  const why = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
  return new AblateError(
    `cannot download Hugging Face dataset ${ref.hf}@${ref.revision} (${url}): ${why}. ` +
      `The machine looks offline or the hub is unreachable. Put the data file into the cache at ${dir}/` +
      `${ref.file ?? `<file of split "${ref.split ?? 'train'}">`}, or use a local \`path:\` source instead.`,
    EXIT.failed,
  );
}

async function get(url: string, ref: HfDatasetRef, dir: string, opts: HfOptions): Promise<Response> {
  const doFetch = opts.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(url, { redirect: 'follow' });
  } catch (e) {
    throw offlineError(ref, url, dir, e);
  }
  if (res.status === 404 || res.status === 401 || res.status === 403) {
    throw new AblateError(
      `Hugging Face dataset ${ref.hf}@${ref.revision}: ${url} answered ${res.status} (not found or gated). ` +
        'Check the dataset id, the revision and `file`, or download it yourself and use a local `path:` source.',
      EXIT.usage,
    );
  }
  if (!res.ok) throw offlineError(ref, url, dir, new Error(`HTTP ${res.status}`));
  return res;
}

/** Downloads to a temporary name beside the target, then renames: a cache entry is never half-written. */
async function download(url: string, target: string, ref: HfDatasetRef, dir: string, opts: HfOptions): Promise<void> {
  const res = await get(url, ref, dir, opts);
  if (!res.body) throw offlineError(ref, url, dir, new Error('empty response'));
  await mkdir(path.dirname(target), { recursive: true });
  try {
    await writeStreamAtomic(target, Readable.fromWeb(res.body as import('node:stream/web').ReadableStream));
  } catch (e) {
    throw offlineError(ref, url, dir, e);
  }
}

/** Split names the hub recognizes in file names; a repository naming none of them has only a train split. */
const KNOWN_SPLITS = ['train', 'test', 'validation', 'valid', 'dev', 'eval'];

/**
 * The data files of `split` among a repository's paths, sorted. As on the hub, a repository whose
 * data files name no split at all (e.g. `data-evol_instruct-decontaminated.jsonl`) is one train split.
 */
export function splitFiles(repoPaths: readonly string[], split: string): string[] {
  const data = repoPaths.filter((p) => DATA_FILE.test(p));
  const named = data.filter((p) => isSplitFile(p, split)).sort();
  if (named.length > 0 || split !== 'train') return named;
  return data.some((p) => KNOWN_SPLITS.some((k) => isSplitFile(p, k))) ? [] : [...data].sort();
}

/** Written into the cache folder before a split's files are downloaded: which files make the split complete. */
function listingFile(dir: string, split: string): string {
  return path.join(dir, `.ablate-split-${split.replace(/[^\w.-]/g, '_')}.json`);
}

async function readListing(file: string): Promise<string[] | undefined> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as unknown;
    return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The local path of a Hugging Face dataset file, downloading it once into
 * `<cache>/hf/<id>/<revision>/<file>`. A cached file is used without touching the network, so a
 * pre-populated cache works offline. Without `file`, the first file of the split (see resolveHfFiles
 * for all of them).
 */
export async function resolveHfFile(ref: HfDatasetRef, opts: HfOptions = {}): Promise<string> {
  if (!ref.file) return (await resolveHfFiles(ref, opts))[0]!;
  const dir = hfCacheDir(ref, opts.cacheRoot ?? cacheRoot());
  const target = path.join(dir, ...ref.file.split('/'));
  if (await exists(target)) return target;
  opts.log?.(`downloading ${ref.hf}@${ref.revision}/${ref.file}`);
  const base = `${endpointOf(opts)}/datasets/${ref.hf}/resolve/${encodeURIComponent(ref.revision)}`;
  await download(`${base}/${ref.file.split('/').map(encodeURIComponent).join('/')}`, target, ref, dir, opts);
  return target;
}

/**
 * Every data file of a dataset split (a split is often sharded: data/train-00000-of-00004.parquet ...),
 * or just `ref.file` when given, downloaded once into the cache. The split's file list is recorded
 * in the cache before downloading, so an interrupted download resumes instead of leaving a partial
 * split that looks complete; a cache filled by hand (no list) is used as it is, offline.
 */
export async function resolveHfFiles(ref: HfDatasetRef, opts: HfOptions = {}): Promise<string[]> {
  if (ref.file) return [await resolveHfFile(ref, opts)];
  const dir = hfCacheDir(ref, opts.cacheRoot ?? cacheRoot());
  const split = ref.split ?? 'train';
  const listing = listingFile(dir, split);
  let files = await readListing(listing);
  if (!files) {
    const cached = splitFiles(await listFiles(dir), split);
    if (cached.length > 0) return cached.map((f) => path.join(dir, ...f.split('/')));
    const treeUrl = `${endpointOf(opts)}/api/datasets/${ref.hf}/tree/${encodeURIComponent(ref.revision)}?recursive=true`;
    const res = await get(treeUrl, ref, dir, opts);
    const tree = (await res.json()) as { type?: string; path?: string }[];
    files = splitFiles(
      tree.filter((e) => e.type === 'file' && typeof e.path === 'string').map((e) => e.path as string),
      split,
    );
    if (files.length === 0) {
      throw new AblateError(
        `Hugging Face dataset ${ref.hf}@${ref.revision} has no data file for split "${split}"; name one with \`file:\`.`,
        EXIT.usage,
      );
    }
    await mkdir(dir, { recursive: true });
    await writeFileAtomicAsync(listing, `${JSON.stringify(files)}\n`);
  }
  const out: string[] = [];
  for (const f of files) out.push(await resolveHfFile({ ...ref, file: f }, opts));
  return out;
}
