/**
 * What `ablate fetch` does for a list of specs: plan each, collect the artifacts their stages need,
 * ask the hub for commits and sizes, download, and write each experiment's lock with the commits.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildLock, lockPath } from '../bundle/lock.js';
import { writeFileAtomic } from '../exec/fsutil.js';
import { buildPlan } from '../plan/build.js';
import type { Plan } from '../plan/types.js';
import { toolRules } from '../tools/rules.js';
import { ensureToolEnv, pythonBin, toolEnvPath, toolEnvStatus } from '../tools/pyenv.js';
import { formatBytes, planArtifacts, type Artifact } from './artifacts.js';
import { planFetch, runFetch, type FetchPlanItem } from './fetch.js';
import { loadToolData } from './toolData.js';

export interface FetchReport {
  dryRun: boolean;
  items: Array<{ key: string; kind: Artifact['kind']; cached: boolean; location: string; commit?: string; files: number; bytes?: number; note?: string }>;
  /** Bytes to download (dry run) or downloaded. */
  bytes: number;
  unknownSizes: number;
  locks: string[];
}

/** Plans and artifacts of the specs, deduplicated by artifact key (neededBy merged). */
export async function specArtifacts(specs: readonly string[], opts: { results?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ plans: Plan[]; artifacts: Artifact[] }> {
  const env = opts.env ?? process.env;
  const status = await toolEnvStatus(env);
  const plans: Plan[] = [];
  const byKey = new Map<string, Artifact>();
  for (const spec of specs) {
    const plan = await buildPlan(spec, { rules: toolRules, ...(opts.results ? { resultsRoot: opts.results } : {}) });
    plans.push(plan);
    for (const a of planArtifacts(plan, { env, pythonEnv: status })) {
      const known = byKey.get(a.key);
      if (known) known.neededBy.push(...a.neededBy.filter((id) => !known.neededBy.includes(id)));
      else byKey.set(a.key, a);
    }
  }
  return { plans, artifacts: [...byKey.values()] };
}

/** Throttled progress lines for one file at a time (a line per second at most, and one at the end). */
function progressPrinter(write: (line: string) => void): (what: string, done: number, total: number | undefined) => void {
  let last = 0;
  let current = '';
  return (what, done, total) => {
    const t = Date.now();
    const finished = total !== undefined && done >= total;
    if (what === current && !finished && t - last < 1000) return;
    if (what !== current && done === 0 && total === undefined) return;
    current = what;
    last = t;
    write(`  ${what}: ${formatBytes(done)}${total !== undefined ? ` / ${formatBytes(total)} (${total ? Math.floor((100 * done) / total) : 100}%)` : ''}`);
  };
}

export async function fetchSpecs(specs: readonly string[], opts: { dryRun?: boolean; results?: string; env?: NodeJS.ProcessEnv; fetch?: typeof fetch; log?: (line: string) => void } = {}): Promise<FetchReport> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { artifacts } = await specArtifacts(specs, opts);
  const items: FetchPlanItem[] = await planFetch(artifacts, { env, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const report = (): FetchReport['items'] =>
    items.map((i) => ({
      key: i.artifact.key,
      kind: i.artifact.kind,
      cached: i.artifact.cached && i.files.length === 0,
      location: i.artifact.location,
      ...(i.commit ? { commit: i.commit } : {}),
      files: i.files.length,
      ...(i.bytes !== undefined ? { bytes: i.bytes } : {}),
      ...(i.note ? { note: i.note } : {}),
    }));
  const bytes = items.reduce((s, i) => s + (i.bytes ?? 0), 0);
  const unknownSizes = items.filter((i) => i.bytes === undefined).length;
  if (opts.dryRun) return { dryRun: true, items: report(), bytes, unknownSizes, locks: [] };
  const managedPython = pythonBin(await toolEnvPath(env));
  const downloaded = await runFetch(items, {
    env,
    onLine: log,
    onBytes: progressPrinter(log),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    effects: {
      installPythonEnv: async (onLine) => {
        await ensureToolEnv({ onProgress: onLine, env });
      },
      loadToolData: (src, onLine) => loadToolData(src, onLine, { env, managedPython }),
    },
  });
  // Plans again: the commits just resolved are now part of the dataset ids, and the lock names them.
  const locks: string[] = [];
  for (const spec of specs) {
    const plan = await buildPlan(spec, { rules: toolRules, ...(opts.results ? { resultsRoot: opts.results } : {}) });
    const file = lockPath(plan);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, `${JSON.stringify(buildLock(plan), null, 2)}\n`);
    locks.push(file);
  }
  return { dryRun: false, items: report(), bytes: downloaded, unknownSizes, locks };
}

export function renderFetchPlan(r: FetchReport): string {
  const lines = r.items.map((i) => {
    const state = i.cached ? 'cached' : r.dryRun ? `to fetch: ${i.files ? `${i.files} file(s), ` : ''}${formatBytes(i.bytes)}` : 'fetched';
    return `${i.key}${i.commit ? ` → ${i.commit.slice(0, 12)}` : ''}: ${state}${i.note ? ` (${i.note})` : ''}`;
  });
  const size = `${formatBytes(r.bytes)}${r.unknownSizes ? ` + ${r.unknownSizes} item(s) of unknown size (the Python env is ~3-7 GB; tool loaders download what they need)` : ''}`;
  lines.push(r.dryRun ? `would download ${size}; run without --dry-run to fetch` : `downloaded ${formatBytes(r.bytes)}; locks: ${r.locks.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
