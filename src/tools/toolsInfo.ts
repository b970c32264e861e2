/**
 * What is installed: the Python tool env and the versions in it, and the BigCode harness clone.
 * Recorded in each stage's completion record (provenance) and shown by `ablate tools`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { cloneProvenance, cloneVersion } from '../util/cloneProvenance.js';
import { pythonBin, toolEnvStatus, type ToolEnvStatus } from './pyenv.js';

/** Python distributions whose versions matter for the numbers. */
export const TRACKED_PACKAGES = ['llamafactory', 'evalplus', 'transformers', 'torch', 'torchaudio', 'peft', 'trl', 'datasets', 'accelerate', 'tokenizers', 'deepspeed'] as const;

export interface HarnessInfo {
  path: string;
  present: boolean;
  /** `git rev-parse HEAD` of the clone, when it is a git checkout. */
  commit?: string;
  dirty?: boolean;
  /** sha256 of the local edits (`git diff HEAD` and untracked files), when dirty. */
  diffSha256?: string;
  /** The provenance string stage records and setup hashes carry (`git:<commit>[+dirty:<hash>]`). */
  version?: string;
}

export interface ToolsInfo {
  env: ToolEnvStatus;
  python?: string;
  /** Distribution name → version; absent when not installed. */
  packages: Record<string, string>;
  bigcode?: HarnessInfo;
  /** The LiveCodeBench clone (ABLATE_LIVECODEBENCH). */
  livecodebench?: HarnessInfo;
  /** Problems found in the env (user-supplied envs especially). */
  warnings: string[];
}

/** Known-bad combinations, from package versions alone. */
export function envWarnings(packages: Record<string, string>): string[] {
  const out: string[] = [];
  if (!packages.llamafactory) out.push('llamafactory is not installed in this env: training stages will fail');
  const minor = (v: string | undefined) => v?.split('.').slice(0, 2).join('.');
  if (packages.torch && packages.torchaudio && minor(packages.torch) !== minor(packages.torchaudio)) {
    // torchaudio refuses to import next to a torch built for another CUDA version, and
    // LLaMA-Factory 0.9.5 imports it on the training path.
    out.push(`torch ${packages.torch} with torchaudio ${packages.torchaudio}: LLaMA-Factory training will fail importing torchaudio; use matching versions (ablate tools install pins them)`);
  }
  return out;
}

const versionCache = new Map<string, Promise<{ python: string; packages: Record<string, string> }>>();

/** Versions of the tracked packages in an env, read from package metadata (no heavy imports; ~0.1 s). */
export function packageVersions(envPath: string): Promise<{ python: string; packages: Record<string, string> }> {
  let job = versionCache.get(envPath);
  if (!job) {
    const code = [
      'import json, sys',
      'from importlib import metadata',
      'out = {}',
      `for name in ${JSON.stringify(TRACKED_PACKAGES)}:`,
      '    try: out[name] = metadata.version(name)',
      '    except metadata.PackageNotFoundError: pass',
      'print(json.dumps({"python": "%d.%d.%d" % sys.version_info[:3], "packages": out}))',
    ].join('\n');
    job = execa(pythonBin(envPath), ['-c', code]).then((r) => JSON.parse(String(r.stdout)) as { python: string; packages: Record<string, string> });
    versionCache.set(envPath, job);
    job.catch(() => versionCache.delete(envPath));
  }
  return job;
}

export async function harnessInfo(harnessPath: string, marker: readonly string[] = ['main.py', 'bigcode_eval']): Promise<HarnessInfo> {
  const p = path.resolve(harnessPath);
  const present = marker.every((m) => existsSync(path.join(p, m)));
  const prov = cloneProvenance(p, { fresh: true });
  return { path: p, present, ...(prov.commit ? { commit: prov.commit, dirty: prov.dirty === true, version: cloneVersion(prov) } : {}), ...(prov.diffSha256 ? { diffSha256: prov.diffSha256 } : {}) };
}

export async function toolsInfo(opts: { harness?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ToolsInfo> {
  const env = opts.env ?? process.env;
  const status = await toolEnvStatus(env);
  const info: ToolsInfo = { env: status, packages: {}, warnings: [] };
  if (status.present) {
    const v = await packageVersions(status.path).catch(() => undefined);
    if (v) {
      info.python = v.python;
      info.packages = v.packages;
      info.warnings = envWarnings(v.packages);
    }
  }
  const harness = opts.harness ?? env.ABLATE_BIGCODE_HARNESS;
  if (harness) info.bigcode = await harnessInfo(harness);
  if (env.ABLATE_LIVECODEBENCH) info.livecodebench = await harnessInfo(env.ABLATE_LIVECODEBENCH, ['lcb_runner']);
  return info;
}
