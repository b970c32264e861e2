/**
 * A small client for the Hugging Face hub's HTTP API, using the same endpoints as huggingface_hub
 * (so `HF_ENDPOINT` points both at a mirror): `/api/<type>s/<repo>/revision/<rev>` for the commit
 * of a branch or tag, `/api/<type>s/<repo>/tree/<commit>?recursive=true` (paged by `Link`) for files
 * and sizes, `/<repo>/resolve/<commit>/<file>` (`/datasets/...` for datasets) for the bytes.
 * Downloads go to `<target>.incomplete` and resume from its size with a `Range` request, as
 * huggingface_hub does; the file is renamed into place only when complete.
 */
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AblateError, EXIT } from '../errors.js';
import type { RepoType } from '../util/locations.js';

export interface HubOptions {
  /** `$HF_ENDPOINT`, else https://huggingface.co. */
  endpoint?: string;
  /** `$HF_TOKEN` for gated repositories. */
  token?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export interface HubFile {
  path: string;
  size: number;
}

export function hubEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return (env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, '');
}

function repoPath(repo: string): string {
  return repo.split('/').map(encodeURIComponent).join('/');
}

async function request(url: string, what: string, opts: HubOptions, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (opts.token) headers.set('authorization', `Bearer ${opts.token}`);
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(url, { ...init, headers, redirect: 'follow', ...(opts.signal ? { signal: opts.signal } : {}) });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    const cause = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
    throw new AblateError(`${what}: cannot reach ${url} (${cause}). Is this machine online? Set HF_ENDPOINT for a mirror.`, EXIT.failed);
  }
  if (res.status === 401 || res.status === 403 || res.status === 404) {
    throw new AblateError(`${what}: ${url} answered ${res.status} (${res.status === 404 ? 'no such repository, revision or file' : 'gated or private: set HF_TOKEN'})`, EXIT.usage);
  }
  if (!res.ok && res.status !== 206) throw new AblateError(`${what}: ${url} answered HTTP ${res.status}`, EXIT.failed);
  return res;
}

/** The commit sha a branch, tag or sha names (`sha` of the hub's revision info). */
export async function resolveRevision(type: RepoType, repo: string, revision: string, opts: HubOptions = {}): Promise<string> {
  const url = `${opts.endpoint ?? hubEndpoint()}/api/${type}s/${repoPath(repo)}/revision/${encodeURIComponent(revision)}`;
  const info = (await (await request(url, `${type} ${repo}@${revision}`, opts)).json()) as { sha?: unknown };
  if (typeof info.sha !== 'string' || !/^[0-9a-f]{40}$/.test(info.sha)) throw new AblateError(`${type} ${repo}@${revision}: the hub's revision info has no commit sha (${url})`, EXIT.failed);
  return info.sha;
}

/** Every file of a commit with its size (LFS files by their real size), following the `Link: <...>; rel="next"` pages. */
export async function listFiles(type: RepoType, repo: string, commit: string, opts: HubOptions = {}): Promise<HubFile[]> {
  const endpoint = opts.endpoint ?? hubEndpoint();
  let url: string | undefined = `${endpoint}/api/${type}s/${repoPath(repo)}/tree/${encodeURIComponent(commit)}?recursive=true`;
  const out: HubFile[] = [];
  while (url) {
    const res = await request(url, `${type} ${repo}@${commit}`, opts);
    const page = (await res.json()) as Array<{ type?: string; path?: string; size?: number; lfs?: { size?: number } }>;
    for (const e of page) if (e.type === 'file' && typeof e.path === 'string') out.push({ path: e.path, size: e.lfs?.size ?? e.size ?? 0 });
    const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
    url = next ? new URL(next, endpoint).href : undefined;
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function fileUrl(type: RepoType, repo: string, commit: string, file: string, opts: HubOptions = {}): string {
  const prefix = type === 'dataset' ? '/datasets' : '';
  return `${opts.endpoint ?? hubEndpoint()}${prefix}/${repoPath(repo)}/resolve/${encodeURIComponent(commit)}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

export interface DownloadOptions extends HubOptions {
  /** Expected size; a finished file of another size is an error, a partial one is resumed. */
  size?: number;
  /** Bytes written so far (including resumed ones) and the total when known. */
  onBytes?(done: number, total: number | undefined): void;
  what?: string;
}

/** Downloads `url` to `target`, resuming `<target>.incomplete` when there is one. Returns the bytes downloaded now. */
export async function downloadFile(url: string, target: string, opts: DownloadOptions = {}): Promise<number> {
  const what = opts.what ?? path.basename(target);
  const partial = `${target}.incomplete`;
  await mkdir(path.dirname(target), { recursive: true });
  let have = existsSync(partial) ? statSync(partial).size : 0;
  if (opts.size !== undefined && have > opts.size) {
    await rm(partial, { force: true });
    have = 0;
  }
  let fresh = 0;
  if (opts.size === undefined || have < opts.size) {
    const res = await request(url, what, opts, have > 0 ? { headers: { range: `bytes=${have}-` } } : {});
    // A server that ignores Range answers 200 with the whole file: start over.
    const resumed = res.status === 206 && have > 0;
    if (!resumed) have = 0;
    const length = Number(res.headers.get('content-length') ?? NaN);
    const total = opts.size ?? (Number.isFinite(length) ? have + length : undefined);
    if (!res.body) throw new AblateError(`${what}: ${url} sent no body`, EXIT.failed);
    let done = have;
    opts.onBytes?.(done, total);
    const count = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        done += chunk.length;
        fresh += chunk.length;
        opts.onBytes?.(done, total);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), count, createWriteStream(partial, { flags: resumed ? 'a' : 'w' }));
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      throw new AblateError(`${what}: the download from ${url} broke off after ${done} bytes (${(err as Error).message}); run the same command again to resume`, EXIT.failed);
    }
  }
  const got = statSync(partial).size;
  if (opts.size !== undefined && got !== opts.size) {
    throw new AblateError(`${what}: downloaded ${got} of ${opts.size} bytes from ${url}; run the same command again to resume`, EXIT.failed);
  }
  await rename(partial, target);
  return fresh;
}
