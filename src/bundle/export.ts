import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ValidatedSpec } from '../spec/validate.js';
import type { Plan } from '../plan/types.js';
import { isLocalPath } from '../spec/rules.js';
import { canonicalJson } from '../util/hash.js';
import { AblateError, EXIT } from '../errors.js';
import { checkCompletion } from '../exec/cache.js';
import { buildLock } from './lock.js';
import { packBundle, type BundleMember } from './pack.js';

/** The bundle's own index, at `bundle.json`. */
export interface BundleIndex {
  format: 'ablate-bundle';
  formatVersion: 1;
  experiment: string;
  /** The top spec file inside the bundle (under `spec/`). */
  spec: string;
  /** Local inputs shipped with the spec (sources, problem files), inside the bundle. */
  inputs: string[];
  withData: boolean;
  /** Every other member's size in bytes: unpacking refuses a member that is undeclared or of another size. */
  files?: Record<string, number>;
}

/** Files a stage contributes to a bundle: its evidence, never model weights. */
const STAGE_FILES: Record<string, string[]> = {
  materialize: ['manifest.json', 'datacard.json', 'datacard.md'],
  train: ['metrics.json', 'ablate-stage.json'],
  eval: ['result.json', 'ablate-stage.json'],
};
/**
 * With the data, a materialize stage is complete, so its completion record goes too: `ablate
 * results` on the imported bundle then reads the sizes instead of calling the stage pending.
 */
const DATA_FILES = ['data.jsonl', 'dataset_info.json', 'ablate-stage.json'];

function commonDir(files: string[]): string {
  const parts = files.map((f) => path.dirname(f).split(path.sep));
  const first = parts[0]!;
  let n = first.length;
  for (const p of parts) {
    let i = 0;
    while (i < n && p[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n).join(path.sep) || path.sep;
}

/** Every local path the spec names (spec layers, then data inputs), absolute, whether or not it exists. */
export function specPaths(v: ValidatedSpec): { layers: string[]; inputs: string[] } {
  const inputs = new Set<string>();
  for (const run of v.runs) {
    const c = run.config;
    for (const s of Object.values(c.sources)) if (s.path) inputs.add(path.resolve(v.loaded.dir, s.path));
    if (c.eval?.problems) inputs.add(path.resolve(v.loaded.dir, c.eval.problems));
    for (const p of Object.values(c.data.decontaminate?.paths ?? {})) inputs.add(path.resolve(v.loaded.dir, p));
    if (c.annotate?.embedding?.path) inputs.add(path.resolve(v.loaded.dir, c.annotate.embedding.path));
    if (c.train?.model && isLocalPath(c.train.model)) {
      // A local model folder is not shipped (weights are large); the lock names it.
    }
  }
  return { layers: v.loaded.layers.map((l) => l.absFile), inputs: [...inputs].sort() };
}

/** Local files the spec reads, by absolute path: spec layers first, then the data inputs that exist. */
export function specInputs(v: ValidatedSpec): { layers: string[]; inputs: string[] } {
  const { layers, inputs } = specPaths(v);
  return { layers, inputs: inputs.filter((f) => existsSync(f) && statSync(f).isFile()) };
}

/**
 * Everything a colleague needs to re-run and check an experiment: the spec and its bases, the
 * local inputs it reads (at the same relative places, so the spec's paths still resolve), the lock,
 * data cards, metrics and per-problem outcomes; with `withData`, the materialized subsets too.
 */
export function bundleMembers(v: ValidatedSpec, plan: Plan, opts: { withData?: boolean; withSources?: boolean } = {}): BundleMember[] {
  const { layers, inputs } = specInputs(v);
  const shipped = opts.withSources === false ? layers : [...layers, ...inputs];
  const root = commonDir(shipped);
  const rel = (abs: string) => `spec/${path.relative(root, abs).split(path.sep).join('/')}`;
  const members: BundleMember[] = shipped.map((abs) => ({ path: rel(abs), source: abs }));
  const lock = buildLock(plan);
  members.push({ path: 'ablate.lock.json', content: `${JSON.stringify(lock, null, 2)}\n` });
  for (const stage of plan.stages.values()) {
    const files = [...(STAGE_FILES[stage.kind] ?? []), ...(opts.withData && stage.kind === 'materialize' ? DATA_FILES : [])];
    if (!existsSync(stage.dir)) continue;
    // What is shipped is what the stage recorded: every output re-hashed, a mismatch refuses the export.
    const check = checkCompletion(stage, 'full');
    if (!check.ok && !check.absent) throw new AblateError(`cannot export ${stage.kind} stage ${stage.id}: ${check.problem} (${stage.dir}); run \`ablate run\` to redo it`, EXIT.failed);
    if (opts.withData && stage.kind === 'materialize' && !check.ok) {
      throw new AblateError(`cannot export --with-data: materialize stage ${stage.id} is not done (${stage.dir}); run \`ablate run --until materialize\` first`, EXIT.failed);
    }
    const present = new Set(readdirSync(stage.dir));
    for (const f of files) if (present.has(f)) members.push({ path: `stages/${stage.kind}/${stage.id}/${f}`, source: path.join(stage.dir, f) });
  }
  const index: BundleIndex = {
    format: 'ablate-bundle',
    formatVersion: 1,
    experiment: plan.experiment,
    spec: rel(v.loaded.absFile),
    inputs: opts.withSources === false ? [] : inputs.map(rel),
    withData: Boolean(opts.withData),
    files: Object.fromEntries(members.map((m) => [m.path, 'source' in m ? statSync(m.source).size : Buffer.byteLength(m.content)]).sort((x, y) => (x[0]! < y[0]! ? -1 : 1))),
  };
  members.push({ path: 'bundle.json', content: `${canonicalJson(index)}\n` });
  return members;
}

export async function exportBundle(v: ValidatedSpec, plan: Plan, out: string, opts: { withData?: boolean; withSources?: boolean } = {}): Promise<{ members: number }> {
  const members = bundleMembers(v, plan, opts);
  await packBundle(members, out);
  return { members: members.length };
}
