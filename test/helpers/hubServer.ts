/**
 * A stand-in for the Hugging Face hub on 127.0.0.1, answering the requests huggingface_hub and
 * transformers.js make (read from their sources): revision info (`/api/<type>s/<repo>/revision/<rev>`
 * with `sha` and `siblings`), file listings (`/api/<type>s/<repo>/tree/<rev>?recursive=true`, paged
 * with a `Link: <...>; rel="next"` header), and files (`/<repo>/resolve/<rev>/<file>`, datasets under
 * `/datasets/`), with `X-Repo-Commit`, `ETag`, `Content-Length`, HEAD and `Range` as the hub sends them.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubRepo {
  type: 'model' | 'dataset';
  id: string;
  /** Branch/tag → commit sha. */
  refs: Record<string, string>;
  /** Commit sha → files. */
  commits: Record<string, Record<string, Buffer | string>>;
}

export interface StandInHub {
  url: string;
  requests: string[];
  /** Files whose next GET breaks off after half of the bytes (an interrupted download). */
  breakOnce: Set<string>;
  /** Ranges the server was asked for (`bytes=N-`), by file. */
  ranges: string[];
  setRef(type: HubRepo['type'], id: string, ref: string, sha: string): void;
  close(): Promise<void>;
}

export function commitSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

export async function startHub(repos: HubRepo[], opts: { pageSize?: number; /** Other files by URL path (e.g. a GitHub release asset). */ files?: Record<string, Buffer> } = {}): Promise<StandInHub> {
  const byKey = new Map(repos.map((r) => [`${r.type}s/${r.id}`, r]));
  const pageSize = opts.pageSize ?? 2;
  const state = { requests: [] as string[], breakOnce: new Set<string>(), ranges: [] as string[] };
  const resolve = (repo: HubRepo, rev: string): string | undefined => (repo.commits[rev] ? rev : repo.refs[rev]);
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };
  const notFound = (res: ServerResponse, what: string): void => json(res, 404, { error: `${what} not found` }, { 'x-error-code': 'RepoNotFound' });

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://hub');
    state.requests.push(`${req.method} ${url.pathname}${url.search}`);
    const extra = opts.files?.[url.pathname];
    if (extra) {
      res.writeHead(200, { 'content-length': String(extra.length), 'content-type': 'application/octet-stream' });
      return void res.end(req.method === 'HEAD' ? undefined : extra);
    }
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'api') {
      // api/<types>/<org>/<name>/(revision|tree)/<rev>[/<path...>]
      const [, types, org, name, op, rev, ...rest] = parts;
      const repo = byKey.get(`${types}/${org}/${name}`);
      if (!repo || !rev) return notFound(res, 'repository');
      const sha = resolve(repo, rev);
      if (!sha) return json(res, 404, { error: `Invalid rev id: ${rev}` }, { 'x-error-code': 'RevisionNotFound' });
      const files = repo.commits[sha]!;
      if (op === 'revision') {
        return json(res, 200, { _id: sha, id: repo.id, sha, private: false, disabled: false, gated: false, lastModified: '2026-01-01T00:00:00.000Z', tags: [], siblings: Object.keys(files).sort().map((rfilename) => ({ rfilename })) });
      }
      if (op === 'tree') {
        const prefix = rest.join('/');
        const all = Object.entries(files)
          .filter(([p]) => !prefix || p.startsWith(`${prefix}/`))
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([p, body]) => ({ type: 'file', oid: createHash('sha1').update(body).digest('hex'), size: Buffer.byteLength(body), path: p }));
        const cursor = Number(url.searchParams.get('cursor') ?? 0);
        const page = all.slice(cursor, cursor + pageSize);
        const headers: Record<string, string> = {};
        if (cursor + pageSize < all.length) {
          const next = new URL(url.href);
          next.searchParams.set('cursor', String(cursor + pageSize));
          // Absolute, as the hub sends it (huggingface_hub follows it as is).
          headers.link = `<http://${req.headers.host}${next.pathname}${next.search}>; rel="next"`;
        }
        return json(res, 200, page, headers);
      }
      return notFound(res, 'endpoint');
    }
    // [datasets/]<org>/<name>/resolve/<rev>/<path...>
    const type = parts[0] === 'datasets' ? 'dataset' : 'model';
    const p = type === 'dataset' ? parts.slice(1) : parts;
    const [org, name, op, rev, ...rest] = p;
    const repo = byKey.get(`${type}s/${org}/${name}`);
    if (!repo || op !== 'resolve' || !rev) return notFound(res, 'repository');
    const sha = resolve(repo, rev);
    const file = rest.join('/');
    const body = sha ? repo.commits[sha]![file] : undefined;
    if (!sha || body === undefined) return json(res, 404, { error: 'Entry not found' }, { 'x-error-code': 'EntryNotFound' });
    const bytes = Buffer.from(body);
    const etag = `"${createHash('sha256').update(bytes).digest('hex')}"`;
    const base = { 'x-repo-commit': sha, etag, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range) state.ranges.push(`${file} ${req.headers.range}`);
    const start = range ? Math.min(Number(range[1]), bytes.length) : 0;
    const slice = bytes.subarray(start);
    const headers = { ...base, 'content-length': String(slice.length), ...(range ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}) };
    res.writeHead(range ? 206 : 200, headers);
    if (req.method === 'HEAD') return void res.end();
    if (state.breakOnce.has(file) && req.method === 'GET') {
      state.breakOnce.delete(file);
      res.write(slice.subarray(0, Math.floor(slice.length / 2)));
      // Lets the client receive the first half, then drops the connection mid-body.
      setTimeout(() => res.destroy(), 50);
      return;
    }
    res.end(slice);
  };

  const server: Server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    get ranges() {
      return state.ranges;
    },
    breakOnce: state.breakOnce,
    setRef(type, id, ref, sha) {
      byKey.get(`${type}s/${id}`)!.refs[ref] = sha;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
