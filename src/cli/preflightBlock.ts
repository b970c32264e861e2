/**
 * The short block that `validate`, `plan` and `run --dry-run` end with: what the pending stages
 * need on this machine — GPUs, the Python tools and tool clones, the models and datasets that will
 * be downloaded (cached or not, with sizes when known) and the disk they take — and, for each gap,
 * the one command or setting that fixes it. Reads only local state (fetch/artifacts.ts): no network.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { formatBytes, planArtifacts, type Artifact } from '../fetch/artifacts.js';
import { isStageDone } from '../plan/build.js';
import type { Plan, Stage } from '../plan/types.js';
import { toolEnvStatus } from '../tools/pyenv.js';

export interface PreflightItem {
  /** What it is about: gpus, python, harness, livecodebench, students, embedding, annotators, datasets, benchmarks, disk. */
  topic: string;
  ok: boolean;
  /** Names as the spec wrote them, or the state. */
  detail: string;
  /** The command or setting that closes the gap. */
  fix?: string;
}

export interface Preflight {
  pending: { materialize: number; train: number; eval: number };
  items: PreflightItem[];
  /** Bytes already on this machine, and bytes still to download when known. */
  disk: { cachedBytes: number; missing: number; missingKnownBytes: number; missingUnknown: number };
}

export interface PreflightOptions {
  /** The spec file as the user gave it (quoted in the commands). */
  spec: string;
  executor: 'local' | 'slurm';
  /** GPU ids the local executor may use. */
  gpus: readonly number[];
  /** Stages to consider (default: every stage not done yet). */
  stages?: readonly Stage[];
  env?: NodeJS.ProcessEnv;
}

const names = (as: readonly Artifact[], strip: RegExp): string => as.map((a) => a.key.replace(strip, '')).join(', ');

export async function preflight(plan: Plan, o: PreflightOptions): Promise<Preflight> {
  const env = o.env ?? process.env;
  const stages = o.stages ?? [...plan.stages.values()].filter((s) => !isStageDone(s));
  const count = (kind: string) => stages.filter((s) => s.kind === kind).length;
  const items: PreflightItem[] = [];
  const fetchCmd = `ablate fetch ${o.spec}`;

  // GPUs: the largest stage decides whether the local executor can run at all.
  const gpuStages = stages.filter((s) => s.gpus > 0);
  if (gpuStages.length > 0) {
    const need = Math.max(...gpuStages.map((s) => s.gpus));
    const per = (['train', 'eval'] as const)
      .map((k) => [k, gpuStages.filter((s) => s.kind === k)] as const)
      .filter(([, ss]) => ss.length > 0)
      .map(([k, ss]) => `${ss.length} ${k} × ${Math.max(...ss.map((s) => s.gpus))}`)
      .join(', ');
    if (o.executor === 'slurm') items.push({ topic: 'GPUs', ok: true, detail: `${per}; SLURM allocates them` });
    else {
      const ok = o.gpus.length >= need;
      items.push({
        topic: 'GPUs',
        ok,
        detail: `${per} needed; ${o.gpus.length ? `configured ${o.gpus.join(',')}` : 'none configured'}`,
        ...(ok ? {} : { fix: `--gpus ${Array.from({ length: need }, (_, i) => i).join(',')} (or execute.gpus), or --executor slurm` }),
      });
    }
  }

  const artifacts = planArtifacts(plan, { env, stages, pythonEnv: await toolEnvStatus(env) });
  const py = artifacts.find((a) => a.kind === 'python-env');
  if (py) items.push({ topic: 'Python tools', ok: py.cached, detail: py.cached ? `installed (${py.location})` : 'not installed (~3-7 GB)', ...(py.cached ? {} : { fix: 'ablate tools install' }) });

  // Tool clones that are not on PyPI: the harness path comes from the spec or the environment.
  for (const tool of ['bigcode', 'livecodebench'] as const) {
    const a = artifacts.find((x) => x.source.type === 'tool' && x.source.tool === tool);
    if (!a || a.source.type !== 'tool') continue;
    const clone = a.source.clone;
    const label = tool === 'bigcode' ? 'BigCode harness' : 'LiveCodeBench';
    const marker = tool === 'bigcode' ? 'main.py' : 'lcb_runner';
    const setting = tool === 'bigcode' ? 'eval.harness: /path/to/bigcode-evaluation-harness (or ABLATE_BIGCODE_HARNESS)' : 'ABLATE_LIVECODEBENCH=/path/to/LiveCodeBench';
    if (!clone) items.push({ topic: label, ok: false, detail: 'not configured (a git clone; not on PyPI)', fix: setting });
    else if (!existsSync(path.join(clone, marker))) items.push({ topic: label, ok: false, detail: `${clone} is not a clone (no ${marker})`, fix: setting });
    else items.push({ topic: label, ok: true, detail: clone });
  }

  const groups: Array<[string, (a: Artifact) => boolean, RegExp]> = [
    ['students', (a) => a.kind === 'base-model', /^base model /],
    ['embedding', (a) => a.kind === 'annotator-model' && isEmbeddingModel(plan, a), /^annotator model /],
    ['annotators', (a) => a.kind === 'annotator-model' && !isEmbeddingModel(plan, a), /^annotator model /],
    ['datasets', (a) => a.kind === 'dataset', /^dataset /],
    ['benchmarks', (a) => a.kind === 'problems', /^(BigCode harness datasets of task |EvalPlus problems |LiveCodeBench problems )/],
  ];
  for (const [topic, pick, strip] of groups) {
    const group = artifacts.filter(pick);
    if (group.length === 0) continue;
    const missing = group.filter((a) => !a.cached);
    const cached = group.filter((a) => a.cached);
    const parts = [
      ...(missing.length ? [`${names(missing, strip)}: not cached`] : []),
      ...(cached.length ? [`${names(cached, strip)}: cached${sizeOf(cached)}`] : []),
    ];
    items.push({ topic, ok: missing.length === 0, detail: parts.join('; '), ...(missing.length ? { fix: fetchCmd } : {}) });
  }

  const data = artifacts.filter((a) => a.kind !== 'python-env');
  const missing = data.filter((a) => !a.cached);
  const disk = {
    cachedBytes: data.filter((a) => a.cached).reduce((s, a) => s + (a.bytes ?? 0), 0),
    missing: missing.length,
    missingKnownBytes: missing.reduce((s, a) => s + (a.bytes ?? 0), 0),
    missingUnknown: missing.filter((a) => a.bytes === undefined).length,
  };
  return { pending: { materialize: count('materialize'), train: count('train'), eval: count('eval') }, items, disk };
}

function sizeOf(as: readonly Artifact[]): string {
  const known = as.filter((a) => a.bytes !== undefined);
  return known.length ? `, ${formatBytes(known.reduce((s, a) => s + a.bytes!, 0))}` : '';
}

/** Whether an annotator model is the spec's embedding model (diversity, task types) rather than a scorer. */
function isEmbeddingModel(plan: Plan, a: Artifact): boolean {
  const repo = a.source.type === 'hub' ? a.source.repo : '';
  return plan.runs.some((r) => {
    const ann = (r.config as { annotate?: { embedding?: { model?: string }; task_type?: { model?: string } } }).annotate;
    return ann?.embedding?.model === repo || ann?.task_type?.model === repo || (a.source.type === 'hub' && a.source.layout === 'transformers-js');
  });
}

/** At most 15 lines: a header, one line per topic, the disk line, and a verdict. */
export function renderPreflight(p: Preflight, spec: string): string {
  const { materialize, train, eval: ev } = p.pending;
  const lines = [`Preflight (${materialize} materialize, ${train} train, ${ev} eval stage(s) to run):`];
  const width = Math.max(...p.items.map((i) => i.topic.length), 4);
  for (const i of p.items) lines.push(`  ${i.ok ? 'ok ' : 'GAP'} ${i.topic.padEnd(width)}  ${i.detail}${i.fix ? `  → ${i.fix}` : ''}`);
  const d = p.disk;
  if (d.cachedBytes > 0 || d.missing > 0) {
    const download = d.missing === 0 ? 'nothing to download' : `${d.missing} to download${d.missingKnownBytes ? `, ${formatBytes(d.missingKnownBytes)} known` : ''}${d.missingUnknown ? ` (sizes: ablate fetch --dry-run ${spec} asks the hub)` : ''}`;
    lines.push(`  ${'   '} ${'disk'.padEnd(width)}  ${formatBytes(d.cachedBytes)} cached; ${download}`);
  }
  const gaps = p.items.filter((i) => !i.ok).length;
  lines.push(gaps ? `${gaps} gap(s): fix them with the commands after →, then run again.` : 'Nothing missing: ready to run.');
  return `${lines.join('\n')}\n`;
}
