/**
 * Content identity of local model folders, so annotation caches follow the weights, not the path:
 * the sha256 of every file's bytes (and its relative path). Hashing gigabytes of weights on every run
 * would be slow, so each file's digest is memoized by absolute path + size + mtime, in memory and in
 * `<cacheDir>/annotations/file-digests.json`.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sha256 } from '../../util/hash.js';
import { writeFileAtomicAsync } from '../../util/atomicFile.js';

type DigestMemo = Record<string, string>;
const memo = new Map<string, string>();
const loadedMemoFiles = new Set<string>();

function memoKey(file: string, size: number, mtimeMs: number): string {
  return `${file}\0${size}\0${Math.round(mtimeMs)}`;
}

async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

async function loadMemo(memoFile: string | undefined): Promise<void> {
  if (!memoFile || loadedMemoFiles.has(memoFile)) return;
  loadedMemoFiles.add(memoFile);
  try {
    const saved = JSON.parse(await readFile(memoFile, 'utf8')) as DigestMemo;
    for (const [k, v] of Object.entries(saved)) if (typeof v === 'string' && !memo.has(k)) memo.set(k, v);
  } catch {
    // Missing or unreadable memo: digests are recomputed.
  }
}

async function saveMemo(memoFile: string | undefined): Promise<void> {
  if (!memoFile) return;
  await mkdir(path.dirname(memoFile), { recursive: true });
  await writeFileAtomicAsync(memoFile, JSON.stringify(Object.fromEntries(memo)));
}

/** sha256 over the folder's files (relative path + content digest each, sorted; dot-files skipped). */
export async function folderFingerprint(dir: string, cacheDir?: string): Promise<string> {
  const memoFile = cacheDir ? path.join(cacheDir, 'annotations', 'file-digests.json') : undefined;
  await loadMemo(memoFile);
  const parts: string[] = [];
  let fresh = false;
  const walk = async (rel: string): Promise<void> => {
    const entries = (await readdir(path.join(dir, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      const full = path.join(dir, r);
      if (e.isDirectory()) await walk(r);
      else if (e.isFile() || e.isSymbolicLink()) {
        const st = statSync(full);
        if (!st.isFile()) continue;
        const key = memoKey(path.resolve(full), st.size, st.mtimeMs);
        let digest = memo.get(key);
        if (!digest) {
          digest = await fileDigest(full);
          memo.set(key, digest);
          fresh = true;
        }
        parts.push(`${r}:${digest}`);
      }
    }
  };
  await walk('');
  if (fresh) await saveMemo(memoFile).catch(() => {});
  return sha256(parts.join('\n'));
}

/**
 * Identity of a model argument: a fingerprint of the folder when it is a local folder (absolute, or
 * relative to the spec), else the id itself (resolved by the runner from the local HF cache).
 */
export async function modelArgIdentity(model: string, specDir: string, cacheDir?: string): Promise<string> {
  const local = path.resolve(specDir, model);
  return existsSync(local) && statSync(local).isDirectory() ? `folder:${await folderFingerprint(local, cacheDir)}` : `id:${model}`;
}
