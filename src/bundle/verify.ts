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
import type { ExperimentLock, LockedDataset } from './lock.js';
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

/** Source-level reasons two materializations of one arm can differ, from the lock and the new plan. */
function sourceReasons(locked: LockedDataset, stage: Stage): string[] {
  const now = (stage.inputs as { sources: Record<string, { sha256?: string; hf?: string; revision?: string }> }).sources;
  const reasons: string[] = [];
  for (const [name, was] of Object.entries(locked.sources)) {
    const is = now[name];
    if (!is) reasons.push(`source \`${name}\` is no longer read by this arm`);
    else if (was.sha256 && is.sha256 !== was.sha256) reasons.push(`source \`${name}\` content differs: locked sha256 ${was.sha256.slice(0, 12)}…, found ${is.sha256?.slice(0, 12) ?? 'none'}…`);
    else if (was.revision && is.revision !== was.revision) reasons.push(`source \`${name}\` revision differs: locked ${was.revision}, found ${is.revision}`);
  }
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
    process.env.ABLATE_CACHE = path.join(work, 'cache');
    const v = validateSpec(path.join(dir, index.spec));
    const plan: Plan = planFromValidated(v, { resultsRoot: path.join(work, 'results') });
    const byName = new Map(plan.runs.map((r) => [r.name, r]));
    const built = new Map<string, string | undefined>();
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
        const manifest = readJson<{ idsSha256: string }>(path.join(stage.dir, 'manifest.json'), 'materialized manifest');
        built.set(stage.id, manifest.idsSha256);
      }
      const actual = built.get(stage.id);
      const reasons = sourceReasons(locked, stage);
      if (!locked.idsSha256) {
        arms.push({ run: run.name, dataset: datasetId, status: 'missing', reasons: ['the lock has no record-id hash (the dataset was not materialized before export)'] });
      } else if (actual === locked.idsSha256) {
        arms.push({ run: run.name, dataset: datasetId, status: 'match', reasons });
      } else {
        if (!reasons.length) reasons.push('same sources, different selection: an annotator or ablate version changed');
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
