/**
 * The managed Python environment for the pip-installable tools (LLaMA-Factory, EvalPlus, the
 * runners' libraries). One virtual environment per pin set, in a cache folder keyed by the sha256
 * of runners/requirements.txt + runners/constraints.txt, so repeated runs and CI reuse it and a
 * changed pin set never mixes with an old one.
 *
 * Atomicity: the env is built in a temporary sibling folder, its marker file is written last,
 * then the folder is renamed into place. A folder without the marker (a crashed or interrupted
 * install) is never used. Console scripts of a venv carry their folder's absolute path in the
 * shebang, so before the rename those paths are rewritten to the final location.
 */
import { existsSync } from 'node:fs';
import { runLineByLine } from '../util/lines.js';
import { watchPip, type PipWatch, type ProgressSink } from './pipProgress.js';
import { mkdir, readFile, readdir, rename, rm, writeFile, mkdtemp, open } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { AblateError } from '../errors.js';
import { sha256 } from '../util/hash.js';

/** Name of the file written last into a finished env. */
export const ENV_MARKER = 'ablate-env.json';
/** Oldest Python the pinned tools support (LLaMA-Factory 0.9.5 needs >= 3.11). */
export const MIN_PYTHON: readonly [number, number] = [3, 11];
import { APPROX_DOWNLOAD } from './installSize.js';
export { APPROX_DOWNLOAD } from './installSize.js';
export const INSTALL_HINT = 'run `ablate tools install` (or set ABLATE_PYTHON_ENV=/path/to/venv to use an existing one)';

/** The package's root folder (holds runners/, schemas/), from src/tools or dist/tools alike. */
export function packageRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

export function runnersDir(): string {
  return path.join(packageRoot(), 'runners');
}

export function runnerScript(name: string): string {
  return path.join(runnersDir(), name);
}

export interface PinSet {
  requirementsFile: string;
  constraintsFile: string;
  /** sha256 of both files' contents; the env folder name. */
  hash: string;
}

export async function readPinSet(dir: string = runnersDir()): Promise<PinSet> {
  const requirementsFile = path.join(dir, 'requirements.txt');
  const constraintsFile = path.join(dir, 'constraints.txt');
  const [req, con] = await Promise.all([readFile(requirementsFile, 'utf8'), readFile(constraintsFile, 'utf8')]);
  return { requirementsFile, constraintsFile, hash: pinHash(req, con) };
}

/** Pure: the env key for a pin set. Line endings are normalized so a Windows checkout hashes alike. */
export function pinHash(requirements: string, constraints: string): string {
  const norm = (s: string) => s.replace(/\r\n/g, '\n');
  return sha256(`requirements.txt\n${norm(requirements)}\0constraints.txt\n${norm(constraints)}`);
}

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.ABLATE_CACHE ? path.resolve(env.ABLATE_CACHE) : path.join(homedir(), '.cache', 'ablate');
}

/** Short folder name (16 hex digits of the pin hash) keeps console-script shebangs under the kernel's length limit. */
export function managedEnvPath(hash: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), 'pyenv', hash.slice(0, 16));
}

/** Where the tools live: ABLATE_PYTHON_ENV when set, else the managed env of the current pin set. */
export async function toolEnvPath(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.ABLATE_PYTHON_ENV) return path.resolve(env.ABLATE_PYTHON_ENV);
  return managedEnvPath((await readPinSet()).hash, env);
}

export function envBinDir(envPath: string): string {
  return process.platform === 'win32' ? path.join(envPath, 'Scripts') : path.join(envPath, 'bin');
}

export function pythonBin(envPath: string): string {
  return process.platform === 'win32' ? path.join(envPath, 'Scripts', 'python.exe') : path.join(envPath, 'bin', 'python');
}

/** Absolute path of a console script of the env (llamafactory-cli, evalplus.evaluate, ...). */
export function envTool(envPath: string, name: string): string {
  return path.join(envBinDir(envPath), process.platform === 'win32' ? `${name}.exe` : name);
}

export interface ToolEnvStatus {
  path: string;
  /** `env-var`: ABLATE_PYTHON_ENV points at a user's venv; `managed`: ablate's cache. */
  source: 'env-var' | 'managed';
  present: boolean;
  pinHash: string;
}

export async function toolEnvStatus(env: NodeJS.ProcessEnv = process.env): Promise<ToolEnvStatus> {
  const pins = await readPinSet();
  if (env.ABLATE_PYTHON_ENV) {
    const p = path.resolve(env.ABLATE_PYTHON_ENV);
    return { path: p, source: 'env-var', present: existsSync(pythonBin(p)), pinHash: pins.hash };
  }
  const p = managedEnvPath(pins.hash, env);
  return { path: p, source: 'managed', present: existsSync(path.join(p, ENV_MARKER)), pinHash: pins.hash };
}

/** The env if it is usable now; otherwise an error that says how to install it. Never installs. */
export async function requireToolEnv(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const status = await toolEnvStatus(env);
  if (status.present) return status.path;
  if (status.source === 'env-var') {
    throw new AblateError(`ABLATE_PYTHON_ENV=${status.path} has no ${path.relative(status.path, pythonBin(status.path))}: point it at a virtual environment with the tools installed, or unset it and ${INSTALL_HINT}`);
  }
  throw new AblateError(`The Python tools (LLaMA-Factory, EvalPlus) are not installed: ${INSTALL_HINT}. Expected them in ${status.path}.`);
}

export interface EnsureToolEnvOptions {
  /** Progress lines; `transient` ones are heartbeats (see pipProgress.ts's progressSink). */
  onProgress?: ProgressSink;
  /** Interval of the heartbeat lines during the install (default 15 s). */
  heartbeatMs?: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

const building = new Map<string, Promise<string>>();

/**
 * The tool env, created if missing: ABLATE_PYTHON_ENV as is, else the managed env for the current
 * pin set. Concurrent callers in one process share one build; two processes may both build, and
 * the first rename wins.
 */
export async function ensureToolEnv(opts: EnsureToolEnvOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const status = await toolEnvStatus(env);
  if (status.present || status.source === 'env-var') return requireToolEnv(env);
  let job = building.get(status.path);
  if (!job) {
    job = buildManagedEnv(status.path, opts).finally(() => building.delete(status.path));
    building.set(status.path, job);
  }
  return job;
}

export interface PythonInterpreter {
  path: string;
  version: string;
}

/** Interpreter candidates, best first: the version the constraints were frozen with, then newer. */
const PYTHON_CANDIDATES = ['python3.11', 'python3.12', 'python3.13', 'python3.14', 'python3', 'python'];

/** A Python >= 3.11 with the venv module: ABLATE_PYTHON if set, else the first suitable one on PATH. */
export async function findPython(env: NodeJS.ProcessEnv = process.env): Promise<PythonInterpreter> {
  const candidates = env.ABLATE_PYTHON ? [env.ABLATE_PYTHON] : PYTHON_CANDIDATES;
  const rejected: string[] = [];
  for (const cand of candidates) {
    const probe = await execa(cand, ['-c', 'import sys, venv, ensurepip; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3])'], { reject: false, env });
    if (probe.exitCode !== 0 || probe.failed) {
      if (probe.stderr && !/ENOENT|not found/i.test(String(probe.stderr))) rejected.push(`${cand}: ${String(probe.stderr).trim().split('\n').pop()}`);
      continue;
    }
    const [exe, version] = String(probe.stdout).trim().split('\n');
    if (!exe || !version) continue;
    const [major, minor] = version.split('.').map(Number);
    if (major === MIN_PYTHON[0] && (minor ?? 0) >= MIN_PYTHON[1]) return { path: exe, version };
    rejected.push(`${cand}: Python ${version}`);
  }
  throw new AblateError(
    `No Python >= ${MIN_PYTHON.join('.')} with the venv module found (tried ${candidates.join(', ')}` +
      `${rejected.length ? `; found ${rejected.join('; ')}` : ''}). Install Python 3.11 (with venv, e.g. \`apt-get install python3.11-venv\`) ` +
      'or set ABLATE_PYTHON=/path/to/python3.11, or set ABLATE_PYTHON_ENV to an existing env with the tools.',
  );
}

async function buildManagedEnv(finalPath: string, opts: EnsureToolEnvOptions): Promise<string> {
  const env = opts.env ?? process.env;
  const say = opts.onProgress ?? (() => {});
  const pins = await readPinSet();
  const python = await findPython(env);
  const parent = path.dirname(finalPath);
  await mkdir(parent, { recursive: true });
  await removeStaleBuilds(parent, path.basename(finalPath));
  const tmp = await mkdtemp(path.join(parent, `.${path.basename(finalPath)}.tmp-`));
  // The pid file lets a later run tell a crashed build (removable) from one still running.
  await writeFile(path.join(tmp, '.ablate-build.pid'), String(process.pid));
  const started = Date.now();
  say(`Installing the Python tools into ${finalPath}`);
  say(`  Python ${python.version} (${python.path}); download ${APPROX_DOWNLOAD}; a few minutes on a fast link, longer on a slow one.`);
  // pip downloads into its TMPDIR: a folder of ours beside the env, so its growth is the download's progress.
  const pipTmp = `${tmp}.pip`;
  await mkdir(pipTmp, { recursive: true });
  // Its name starts like the build folder's: the pid file keeps another process's stale-build sweep off it.
  await writeFile(path.join(pipTmp, '.ablate-build.pid'), String(process.pid));
  const watch = watchPip(say, { downloads: pipTmp, env: tmp }, opts.heartbeatMs);
  try {
    watch.step(1, 3, 'creating the virtual environment');
    await run(python.path, ['-m', 'venv', tmp], watch, opts.signal, env);
    const py = pythonBin(tmp);
    watch.step(2, 3, 'pip: downloading and installing the pinned packages');
    await run(py, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', '-r', pins.requirementsFile, '-c', pins.constraintsFile], watch, opts.signal, { ...env, TMPDIR: pipTmp });
    watch.step(3, 3, 'checking that the tools import');
    await run(py, ['-c', 'import llamafactory, evalplus, tokenizers, transformers'], watch, opts.signal, { ...env, DISABLE_VERSION_CHECK: '1' });
    await relocateScripts(tmp, finalPath);
    await rm(path.join(tmp, '.ablate-build.pid'), { force: true });
    const marker = { pinHash: pins.hash, python: python.version, builtWith: python.path, seconds: Math.round((Date.now() - started) / 1000) };
    await writeFile(path.join(tmp, ENV_MARKER), `${JSON.stringify(marker, null, 2)}\n`);
    try {
      await rename(tmp, finalPath);
    } catch (err) {
      // Another process finished first: use its env and drop ours.
      if (existsSync(path.join(finalPath, ENV_MARKER))) {
        await rm(tmp, { recursive: true, force: true });
      } else throw err;
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
    if (opts.signal?.aborted) throw err;
    throw new AblateError(`Installing the Python tools into ${finalPath} failed (nothing was kept; retry with \`ablate tools install\`): ${(err as Error).message}`);
  } finally {
    watch.stop();
    await rm(pipTmp, { recursive: true, force: true }).catch(() => {});
  }
  say(`Python tools installed in ${Math.round((Date.now() - started) / 1000)} s: ${finalPath}`);
  return finalPath;
}

async function run(file: string, args: string[], watch: PipWatch, signal: AbortSignal | undefined, env: NodeJS.ProcessEnv): Promise<void> {
  const r = await runLineByLine(file, args, {
    from: 'all',
    env,
    extendEnv: false,
    ...(signal ? { signal } : {}),
    onLine: (line) => {
      watch.line(line);
      if (isProgressLine(line) && !/^\s*Installing collected/.test(line)) watch.say(`  ${line.trim()}`);
    },
  });
  if (!r.ok) throw new AblateError(`${path.basename(file)} ${args.slice(0, 3).join(' ')} failed (exit ${r.exit}):\n${r.tail.join('\n')}`);
}

/** pip's lines worth showing: what it fetches (with sizes) and what it installs. */
export function isProgressLine(line: string): boolean {
  return /^\s*(Collecting|Downloading|Installing collected|Successfully installed|ERROR|error:)/.test(line);
}

/** Rewrites the build folder's absolute path to the final one in console-script shebangs and activate scripts. */
async function relocateScripts(from: string, to: string): Promise<void> {
  const bin = envBinDir(from);
  for (const name of await readdir(bin)) {
    const file = path.join(bin, name);
    const fh = await open(file, 'r').catch(() => undefined);
    if (!fh) continue;
    const head = Buffer.alloc(2);
    await fh.read(head, 0, 2, 0);
    await fh.close();
    const isText = head.toString('latin1') === '#!' || name.startsWith('activate') || name.endsWith('.ps1');
    if (!isText) continue;
    const text = await readFile(file, 'latin1');
    if (!text.includes(from)) continue;
    await writeFile(file, text.split(from).join(to), 'latin1');
  }
  const cfg = path.join(from, 'pyvenv.cfg');
  const text = await readFile(cfg, 'utf8');
  await writeFile(cfg, text.split(from).join(to));
}

/** Temporary build folders whose builder process is gone: left by a crash, removed. */
async function removeStaleBuilds(parent: string, name: string): Promise<void> {
  const prefix = `.${name}.tmp-`;
  for (const entry of await readdir(parent)) {
    if (!entry.startsWith(prefix)) continue;
    const dir = path.join(parent, entry);
    const pid = Number(await readFile(path.join(dir, '.ablate-build.pid'), 'utf8').catch(() => 'NaN'));
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) continue;
    await rm(dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
