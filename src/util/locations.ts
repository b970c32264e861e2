/**
 * Where fetched artifacts live, exactly where the tools that read them look: the Hugging Face hub
 * cache (LLaMA-Factory, transformers, sentence-transformers; `HF_HUB_CACHE`, else `HF_HOME/hub`),
 * EvalPlus's cache (`appdirs.user_cache_dir("evalplus")`), transformers.js model folders and
 * ablate's own dataset cache. Pure functions of the environment.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** ablate's own cache (datasets, annotations, the managed Python environment): `ABLATE_CACHE`, else ~/.cache/ablate. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.ABLATE_CACHE && env.ABLATE_CACHE !== '' ? path.resolve(env.ABLATE_CACHE) : path.join(os.homedir(), '.cache', 'ablate');
}

export type RepoType = 'model' | 'dataset';

/** A full 40-hex commit sha: a revision that needs no resolving. */
export function isCommitSha(revision: string): boolean {
  return /^[0-9a-f]{40}$/.test(revision);
}

/** huggingface_hub's `HF_HUB_CACHE` (or the older `HUGGINGFACE_HUB_CACHE`), else `$HF_HOME/hub`, `$XDG_CACHE_HOME/huggingface/hub`. */
export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE;
  if (explicit) return path.resolve(explicit);
  const home = env.HF_HOME || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'huggingface');
  return path.join(path.resolve(home), 'hub');
}

/** `models--org--name` / `datasets--org--name`, as huggingface_hub names a repository's cache folder. */
export function hubRepoDir(type: RepoType, repo: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(hubCacheDir(env), `${type}s--${repo.split('/').join('--')}`);
}

/** The commit a branch or tag points at in the hub cache (`refs/<revision>`), as the offline clients read it. */
export function hubCachedCommit(type: RepoType, repo: string, revision: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (isCommitSha(revision)) return revision;
  return readRef(path.join(hubRepoDir(type, repo, env), 'refs', ...revision.split('/')));
}

export function hubSnapshotDir(type: RepoType, repo: string, commit: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(hubRepoDir(type, repo, env), 'snapshots', commit);
}

/**
 * ablate's record of which commit a dataset revision resolved to when it was last fetched
 * (`<cache>/hf-refs/<id>/<revision>`). A later plan uses that commit until the user fetches again.
 */
export function datasetRefFile(repo: string, revision: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), 'hf-refs', ...repo.split('/'), encodeURIComponent(revision));
}

export function datasetCommit(repo: string, revision: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return isCommitSha(revision) ? revision : readRef(datasetRefFile(repo, revision, env));
}

function readRef(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const sha = readFileSync(file, 'utf8').trim();
  return isCommitSha(sha) ? sha : undefined;
}

/** What ablate fetched for one hub repository at one commit (file → size), so "is it complete" needs no network. */
export function fetchRecordFile(type: RepoType, repo: string, commit: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), 'fetched', `${type}s`, ...repo.split('/'), `${commit}.json`);
}

/** EvalPlus 0.3.1 `CACHE_DIR = appdirs.user_cache_dir("evalplus")`: `$XDG_CACHE_HOME/evalplus` or `~/.cache/evalplus` on Linux. */
export function evalplusCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(os.homedir(), '.cache'), 'evalplus');
}

/** transformers.js models ablate loads with `allowRemoteModels = false`: `<cache>/models/<org>/<name>/`. */
export function transformersJsModelDir(model: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), 'models', ...model.split('/'));
}

/** Marker for what a tool's own loader fetched into its caches (LiveCodeBench problems, harness datasets). */
export function toolDataMarker(tool: string, key: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), 'fetched', 'tool-data', tool, `${key.replace(/[^\w.-]+/g, '_')}.json`);
}

/**
 * Variables that keep the hub clients offline (huggingface_hub, transformers, datasets): after
 * `ablate fetch` every stage reads only the caches, so a compute node never waits on the network.
 * ABLATE_HUB_ONLINE=1 leaves the user's settings alone (tools download on first use).
 */
export function hubOfflineEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return env.ABLATE_HUB_ONLINE === '1' ? {} : { HF_HUB_OFFLINE: '1', HF_DATASETS_OFFLINE: '1' };
}
