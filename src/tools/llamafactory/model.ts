/**
 * Base models: a hub id (used as is), a local folder (relative to the spec), or `builtin:tiny-llama`,
 * a tiny random Llama with a locally trained tokenizer built by runners/build_tiny_model.py into the
 * cache, so the quickstart and the end-to-end tests train on a CPU with no hub access.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { AblateError } from '../../errors.js';
import { sha256 } from '../../util/hash.js';
import { writeFileAtomicAsync } from '../../util/atomicFile.js';
import { cacheRoot, pythonBin, runnerScript } from '../pyenv.js';

export const TINY_LLAMA = 'builtin:tiny-llama';
const TINY_MARKER = 'ablate-model.json';

export function isBuiltinModel(model: string): boolean {
  return model.startsWith('builtin:');
}

export function isLocalModel(model: string): boolean {
  return model.startsWith('.') || model.startsWith('/') || model.startsWith('~');
}

/** Where the tiny model lives: keyed by the builder script's content (its own source is the corpus). */
export function tinyModelDir(env: NodeJS.ProcessEnv = process.env): string {
  const script = readFileSync(runnerScript('build_tiny_model.py'));
  return path.join(cacheRoot(env), 'models', `tiny-llama-${sha256(script).slice(0, 16)}`);
}

/** The model path LLaMA-Factory loads, without building anything (for plans and dry runs). */
export function modelPathFor(model: string, specDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (model === TINY_LLAMA) return tinyModelDir(env);
  if (isBuiltinModel(model)) throw new AblateError(`unknown built-in model \`${model}\`: the only one is ${TINY_LLAMA}`, 2);
  if (model.startsWith('~')) return path.join(homedir(), model.slice(1));
  if (isLocalModel(model)) return path.resolve(specDir, model);
  return model;
}

/** Builds the tiny model once (temp folder + marker + rename), returns its folder. */
export async function ensureTinyModel(envPath: string, opts: { log?: (line: string) => void; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<string> {
  const dir = tinyModelDir(opts.env);
  if (existsSync(path.join(dir, TINY_MARKER))) return dir;
  await mkdir(path.dirname(dir), { recursive: true });
  const tmp = await mkdtemp(`${dir}.tmp-`);
  try {
    opts.log?.(`building ${TINY_LLAMA} into ${dir}`);
    const r = await execa(pythonBin(envPath), [runnerScript('build_tiny_model.py'), '--out', tmp], {
      env: { ...(opts.env ?? process.env), HF_HUB_OFFLINE: '1', DISABLE_VERSION_CHECK: '1' },
      reject: false,
      all: true,
      cancelSignal: opts.signal,
    });
    if (r.failed) throw new AblateError(`building ${TINY_LLAMA} failed (exit ${r.exitCode ?? r.signal}):\n${String(r.all ?? '').split('\n').slice(-30).join('\n')}`);
    await writeFileAtomicAsync(path.join(tmp, TINY_MARKER), `${String(r.stdout).trim().split('\n').pop() ?? '{}'}\n`);
    try {
      await rename(tmp, dir);
    } catch (err) {
      if (!existsSync(path.join(dir, TINY_MARKER))) throw err;
      await rm(tmp, { recursive: true, force: true });
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
    throw err;
  }
  return dir;
}
