import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AblateError, EXIT } from '../errors.js';
import { planFromValidated } from '../plan/build.js';
import { COMPLETION_RECORD, type Plan, type Stage } from '../plan/types.js';
import type { CompletionRecord } from '../exec/cache.js';
import { outputsProblem } from '../exec/reuse.js';
import { fileSha256Sync } from '../util/fileHash.js';
import { validateSpec } from '../spec/validate.js';
import { runStage } from '../exec/stage.js';
import type { StageRunner } from '../exec/types.js';
import { specPaths, type BundleIndex } from './export.js';
import { canonicalJson } from '../util/hash.js';
import { ablateVersion, portableSelection, type ExperimentLock, type LockedDataset } from './lock.js';
import { unpackBundle } from './unpack.js';
import { toolRules } from '../tools/rules.js';

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
  /** Bundled files that do not match the hashes recorded for them (completion records, the lock). */
  files: string[];
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
  dataSha256?: string;
  records?: number;
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
 * Every stage file shipped in the bundle checked against what was recorded for it: its completion
 * record's size and sha256 (a shipped file the record does not list is refused too), the lock's
 * dataSha256 / idsSha256 / record count for manifests and data; with data, every data file present.
 */
export function bundledFileProblems(dir: string, lock: ExperimentLock, index: Pick<BundleIndex, 'withData'>): string[] {
  const problems: string[] = [];
  const stagesDir = path.join(dir, 'stages');
  for (const kind of existsSync(stagesDir) ? readdirSync(stagesDir) : []) {
    for (const id of readdirSync(path.join(stagesDir, kind))) {
      const sdir = path.join(stagesDir, kind, id);
      const rel = (f: string): string => `stages/${kind}/${id}/${f}`;
      const shipped = readdirSync(sdir).filter((f) => f !== COMPLETION_RECORD);
      let record: CompletionRecord | undefined;
      if (existsSync(path.join(sdir, COMPLETION_RECORD))) {
        try {
          record = JSON.parse(readFileSync(path.join(sdir, COMPLETION_RECORD), 'utf8')) as CompletionRecord;
        } catch {
          problems.push(`${rel(COMPLETION_RECORD)} is not valid JSON`);
        }
      }
      if (record) {
        const listed = new Map((Array.isArray(record.outputs) ? record.outputs : []).map((o) => [o.path, o]));
        for (const f of shipped) {
          const entry = listed.get(f);
          if (!entry) problems.push(`${rel(f)} is not listed in its stage's completion record`);
          else {
            const p = outputsProblem(sdir, { ...record, outputs: [entry] }, 'full');
            if (p) problems.push(`stages/${kind}/${id}/${p}`);
          }
        }
      }
      const locked = kind === 'materialize' ? lock.datasets[id] : undefined;
      if (kind === 'materialize' && !locked) problems.push(`stages/${kind}/${id}/ is not a dataset of the lock`);
      if (locked && shipped.includes('manifest.json')) {
        let m: Rematerialized | undefined;
        try {
          m = JSON.parse(readFileSync(path.join(sdir, 'manifest.json'), 'utf8')) as Rematerialized;
        } catch {
          problems.push(`${rel('manifest.json')} is not valid JSON`);
        }
        if (m && locked.idsSha256 && m.idsSha256 !== locked.idsSha256) problems.push(`${rel('manifest.json')}: idsSha256 ${short(m.idsSha256)} differs from the lock's ${short(locked.idsSha256)}`);
        if (m && locked.dataSha256 && m.dataSha256 !== locked.dataSha256) problems.push(`${rel('manifest.json')}: dataSha256 ${short(m.dataSha256)} differs from the lock's ${short(locked.dataSha256)}`);
      }
      if (locked && index.withData) {
        for (const f of ['data.jsonl', 'dataset_info.json', COMPLETION_RECORD]) if (!existsSync(path.join(sdir, f))) problems.push(`${rel(f)} is missing from a bundle exported --with-data`);
        if (locked.dataSha256 && existsSync(path.join(sdir, 'data.jsonl')) && fileSha256Sync(path.join(sdir, 'data.jsonl')) !== locked.dataSha256) problems.push(`${rel('data.jsonl')}: its sha256 differs from the lock's dataSha256 ${short(locked.dataSha256)}`);
      }
    }
  }
  if (index.withData) {
    for (const id of Object.keys(lock.datasets)) if (!existsSync(path.join(stagesDir, 'materialize', id))) problems.push(`stages/materialize/${id}/ is missing from a bundle exported --with-data`);
  }
  return problems;
}

/** The paths that resolve (symbolic links followed) outside every one of `roots`. */
export function pathsOutside(paths: { layers: string[]; inputs: string[] }, roots: string[]): string[] {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return path.resolve(p); // absent: where it would be
    }
  };
  const bases = roots.map(real);
  const inside = (p: string): boolean => bases.some((b) => p === b || p.startsWith(b.endsWith(path.sep) ? b : b + path.sep));
  return [...paths.layers, ...paths.inputs].filter((p) => !inside(real(p)));
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
    const v = validateSpec(path.join(dir, index.spec), { rules: toolRules });
    // Before anything is hashed or materialized: a bundled spec reads only the bundle (and the cache).
    const outside = pathsOutside(specPaths(v), [dir, process.env.ABLATE_CACHE]);
    if (outside.length) {
      throw new AblateError(
        `${path.join(dir, index.spec)}: the bundled spec reads ${outside.map((p) => JSON.stringify(p)).join(', ')}, outside the bundle ${dir}; ` +
          'a bundle may only read its own files (re-export it with its sources). Nothing was verified.',
        EXIT.usage,
      );
    }
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
      // The lock's own fields are claims too: each one is compared, none is trusted.
      if (locked.dataSha256 && manifest.dataSha256 !== locked.dataSha256) reasons.push(`data.jsonl sha256 differs: locked ${short(locked.dataSha256)}, re-materialized ${short(manifest.dataSha256)}`);
      if (locked.records !== undefined && manifest.records !== locked.records) reasons.push(`record count differs: locked ${locked.records}, re-materialized ${manifest.records ?? 'none'}`);
      if (!locked.idsSha256) {
        arms.push({ run: run.name, dataset: datasetId, status: 'missing', reasons: ['the lock has no record-id hash (the dataset was not materialized before export)'] });
      } else if (actual === locked.idsSha256) {
        // Same records, but a differing hash (a source's content, the data file) is still a failed check.
        arms.push({ run: run.name, dataset: datasetId, status: reasons.length ? 'differs' : 'match', reasons });
      } else {
        if (!reasons.length) reasons.push(...selectionReasons(locked, manifest, lock.ablate?.version, ablateVersion()));
        if (!reasons.length) reasons.push('same inputs, different selection: an annotator or ablate version changed');
        arms.push({ run: run.name, dataset: datasetId, status: 'differs', reasons: [`record ids differ: locked ${locked.idsSha256.slice(0, 12)}…, re-materialized ${actual?.slice(0, 12)}…`, ...reasons] });
      }
    }
    const matching = arms.filter((a) => a.status === 'match').length;
    const files = bundledFileProblems(dir, lock, index);
    return { experiment: lock.experiment, ok: matching === arms.length && arms.length > 0 && files.length === 0, files, datasets: { checked: built.size, matching: new Set(arms.filter((a) => a.status === 'match').map((a) => a.dataset)).size }, arms };
  } finally {
    if (savedCache === undefined) delete process.env.ABLATE_CACHE;
    else process.env.ABLATE_CACHE = savedCache;
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  }
}
