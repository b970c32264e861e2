import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AblateError, EXIT } from '../errors.js';
import { planFromValidated } from '../plan/build.js';
import type { Plan, Stage } from '../plan/types.js';
import { validateSpec } from '../spec/validate.js';
import { runStage } from '../exec/stage.js';
import type { StageRunner } from '../exec/types.js';
import type { BundleIndex } from './export.js';
import { canonicalJson } from '../util/hash.js';
import { ablateVersion, portableSelection, type ExperimentLock, type LockedDataset } from './lock.js';
import { unpackBundle } from './unpack.js';

export interface ArmVerdict {
  run: string;
  dataset: string;
  status: 'match' | 'differs' | 'missing';
  /** Why an arm differs: which source changed, which hash, which step count. */
  reasons: string[];
}

export interface VerifyReport {
  experiment: string;
  ok: boolean;
  datasets: { checked: number; matching: number };
  arms: ArmVerdict[];
}

function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    throw new AblateError(`${file}: cannot read the ${what}; is this an ablate bundle?`, EXIT.usage);
  }
}

const short = (h: string | undefined): string => (h ? `${h.slice(0, 12)}…` : 'none');

/**
 * Input-level reasons two materializations of one arm can differ, from the lock and the new plan:
 * a source's content or revision, a decontamination file, the data or annotate section.
 */
export function inputReasons(locked: LockedDataset, stage: Pick<Stage, 'inputs'>, specDir = '.'): string[] {
  const inputs = stage.inputs as {
    sources: Record<string, { sha256?: string; hf?: string; revision?: string; path?: string; file?: string }>;
    benchmarks?: Record<string, string>;
    data?: unknown;
    annotate?: unknown;
  };
  const now = inputs.sources;
  const reasons: string[] = [];
  for (const [name, was] of Object.entries(locked.sources)) {
    const is = now[name];
    const where = is?.path ? ` (${is.path})` : is?.hf ? ` (${is.hf}${is.file ? ` ${is.file}` : ''})` : '';
    if (!is) reasons.push(`source \`${name}\` is no longer read by this arm`);
    else if (was.revision && is.revision !== was.revision) reasons.push(`source \`${name}\`${where} revision differs: locked ${was.revision}, found ${is.revision ?? 'none'}`);
    else if (was.sha256 && is.sha256 !== undefined && is.sha256 !== was.sha256) reasons.push(`source \`${name}\` content differs: locked sha256 ${short(was.sha256)}, found ${short(is.sha256)}${where}`);
    else if (was.sha256 && is.sha256 === undefined && !is.hf) reasons.push(`source \`${name}\`${where}: no content hash to compare with the locked sha256 ${short(was.sha256)}`);
  }
  for (const name of Object.keys(now)) if (!(name in locked.sources)) reasons.push(`source \`${name}\` is read by this arm but not by the locked one`);
  for (const [name, was] of Object.entries(locked.benchmarks ?? {})) {
    const is = inputs.benchmarks?.[name];
    if (is !== was) reasons.push(`decontamination file of \`${name}\` differs: locked sha256 ${short(was)}, found ${short(is)}`);
  }
  // Compared as the lock keeps them: spec-relative, so a bundle unpacked elsewhere still matches.
  const found = portableSelection(inputs, specDir);
  if (locked.data !== undefined && canonicalJson(locked.data) !== canonicalJson(found.data ?? null)) reasons.push(`the data section differs from the locked one: locked ${canonicalJson(locked.data)}, found ${canonicalJson(found.data ?? null)}`);
  if (locked.annotate !== undefined && canonicalJson(locked.annotate) !== canonicalJson(found.annotate)) reasons.push(`the annotate section differs from the locked one: locked ${canonicalJson(locked.annotate)}, found ${canonicalJson(found.annotate)}`);
  return reasons;
}

interface Rematerialized {
  idsSha256?: string;
  sources?: Record<string, { sha256?: string }>;
  steps?: Array<{ step?: string; count?: number }>;
  annotators?: Record<string, { annotatorHash?: string }>;
}

/** Why the same inputs selected other records: an annotator whose identity changed, the first step whose count differs. */
export function selectionReasons(locked: LockedDataset, actual: Rematerialized, lockedAblate: string | undefined, runningAblate: string): string[] {
  const reasons: string[] = [];
  for (const [name, was] of Object.entries(locked.sources)) {
    const is = actual.sources?.[name]?.sha256;
    // A downloaded (Hugging Face) file is hashed only when read: the lock's hash comes from the manifest.
    if (was.hf && was.sha256 && is && is !== was.sha256) reasons.push(`source \`${name}\` (${was.hf}@${was.revision ?? '?'}) downloaded content differs: locked sha256 ${short(was.sha256)}, found ${short(is)}`);
  }
  const lockedAnnotators = (locked.annotators ?? {}) as Record<string, { annotatorHash?: string }>;
  for (const [name, was] of Object.entries(lockedAnnotators)) {
    const is = actual.annotators?.[name];
    if (was?.annotatorHash && is?.annotatorHash && was.annotatorHash !== is.annotatorHash) reasons.push(`annotator \`${name}\` differs: locked identity ${was.annotatorHash}, now ${is.annotatorHash} (another model, model revision or scorer version)`);
  }
  const now = actual.steps ?? [];
  for (const [i, was] of (locked.steps ?? []).entries()) {
    const is = now[i];
    if (!is || is.step !== was.step) {
      reasons.push(`selection step ${i + 1} was \`${was.step}\` in the lock, now ${is ? `\`${is.step}\`` : 'absent'}`);
      break;
    }
    if (is.count !== was.count) {
      reasons.push(`step \`${was.step}\` kept ${is.count} records, the lock says ${was.count}`);
      break;
    }
  }
  if (lockedAblate !== undefined && lockedAblate !== runningAblate) reasons.push(`the lock was written by ablate ${lockedAblate}, this is ${runningAblate}`);
  return reasons;
}

/**
 * Re-materializes every dataset of a bundle from its sources, in a fresh results root and a clean
 * annotation cache, and checks each arm's record-id hash against the lock.
 */
export async function verifyBundle(bundle: string, materialize: StageRunner, opts: { keep?: boolean; log?: (line: string) => void } = {}): Promise<VerifyReport> {
  const work = mkdtempSync(path.join(tmpdir(), 'ablate-verify-'));
  const log = opts.log ?? (() => {});
  const savedCache = process.env.ABLATE_CACHE;
  try {
    let dir = bundle;
    if (!statSync(bundle, { throwIfNoEntry: false })?.isDirectory()) {
      if (!existsSync(bundle)) throw new AblateError(`${bundle}: bundle not found`, EXIT.usage);
      dir = path.join(work, 'bundle');
      await unpackBundle(bundle, dir);
    }
    const index = readJson<BundleIndex>(path.join(dir, 'bundle.json'), 'bundle index (bundle.json)');
    const lock = readJson<ExperimentLock>(path.join(dir, 'ablate.lock.json'), 'lock file (ablate.lock.json)');
    // bundle.json comes from whoever made the bundle: its spec must be a file inside it.
    if (typeof index.spec !== 'string' || index.spec === '' || path.isAbsolute(index.spec) || index.spec.split(/[\\/]/).includes('..')) {
      throw new AblateError(`${path.join(dir, 'bundle.json')}: "spec" must be a relative path inside the bundle, found ${JSON.stringify(index.spec)}`, EXIT.usage);
    }
    process.env.ABLATE_CACHE = path.join(work, 'cache');
    const v = validateSpec(path.join(dir, index.spec));
    const plan: Plan = planFromValidated(v, { resultsRoot: path.join(work, 'results') });
    const byName = new Map(plan.runs.map((r) => [r.name, r]));
    const built = new Map<string, Rematerialized>();
    const arms: ArmVerdict[] = [];
    for (const lockedRun of lock.runs) {
      const datasetId = lockedRun.stages[0]!;
      const locked = lock.datasets[datasetId];
      const run = byName.get(lockedRun.name);
      if (!run || !locked) {
        arms.push({ run: lockedRun.name, dataset: datasetId, status: 'missing', reasons: [run ? 'the lock has no dataset entry for this arm' : 'the bundled spec no longer has this arm'] });
        continue;
      }
      const stage = plan.stages.get(run.stages[0]!)!;
      if (!built.has(stage.id)) {
        log(`materializing ${run.name} (${stage.id})`);
        const outcome = await runStage({ plan, stage, runner: materialize, env: {}, signal: new AbortController().signal, executor: 'verify', what: 'ablate verify' });
        if (outcome.status === 'failed') throw new AblateError(`re-materializing ${run.name} failed: ${outcome.error}`, EXIT.failed);
        built.set(stage.id, readJson<Rematerialized>(path.join(stage.dir, 'manifest.json'), 'materialized manifest'));
      }
      const manifest = built.get(stage.id)!;
      const actual = manifest.idsSha256;
      const reasons = inputReasons(locked, stage, plan.specDir);
      if (!locked.idsSha256) {
        arms.push({ run: run.name, dataset: datasetId, status: 'missing', reasons: ['the lock has no record-id hash (the dataset was not materialized before export)'] });
      } else if (actual === locked.idsSha256) {
        arms.push({ run: run.name, dataset: datasetId, status: 'match', reasons });
      } else {
        if (!reasons.length) reasons.push(...selectionReasons(locked, manifest, lock.ablate?.version, ablateVersion()));
        if (!reasons.length) reasons.push('same inputs, different selection: an annotator or ablate version changed');
        arms.push({ run: run.name, dataset: datasetId, status: 'differs', reasons: [`record ids differ: locked ${locked.idsSha256.slice(0, 12)}…, re-materialized ${actual?.slice(0, 12)}…`, ...reasons] });
      }
    }
    const matching = arms.filter((a) => a.status === 'match').length;
    return { experiment: lock.experiment, ok: matching === arms.length && arms.length > 0, datasets: { checked: built.size, matching: new Set(arms.filter((a) => a.status === 'match').map((a) => a.dataset)).size }, arms };
  } finally {
    if (savedCache === undefined) delete process.env.ABLATE_CACHE;
    else process.env.ABLATE_CACHE = savedCache;
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  }
}
