import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { COMPLETION_RECORD, type Stage, type StageKind } from '../plan/types.js';
import { fileXxh3 } from '../util/fileHash.js';
import { canonicalJson, sha256 } from '../util/hash.js';
import { isTempName, readJsonIfExists, tailOfFile, writeFileAtomic, writeFileAtomicAsync } from './fsutil.js';
import { outputsProblem, type CheckDepth } from './reuse.js';

/** Written when an attempt fails or is interrupted; shown by `ablate status`, removed by the next success. */
export const FAILURE_RECORD = 'ablate-failed.json';
/** The stage's own log (runner `ctx.log` lines and the output of its commands). */
export const STAGE_LOG = 'ablate-stage.log';
/** Version of the completion record's layout. */
export const RECORD_FORMAT = 1;

export interface OutputEntry {
  /** POSIX path relative to the stage folder. */
  path: string;
  bytes: number;
  /** XXH3-64 of the bytes (records written since the fast hash; `xxhsum -H3` prints the same). */
  xxh3?: string;
  /** sha256 of the bytes (records written before). */
  sha256?: string;
  /** Modification time when recorded: an unchanged one spares the re-hash on every run (reuse.ts). */
  mtimeMs?: number;
}

/** The proof a stage is done. Written last, atomically; its presence alone means "done". */
export interface CompletionRecord {
  format: number;
  id: string;
  kind: StageKind;
  /** Hash over the per-input hashes (Merkle style: upstream stages enter through their ids). */
  inputsHash: string;
  /** Input name → hash of its canonical JSON, so a later mismatch can be explained input by input. */
  inputHashes: Record<string, string>;
  deps: string[];
  outputs: OutputEntry[];
  tools: Record<string, string>;
  summary?: Record<string, unknown>;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  exitCode: number;
  host: string;
  executor: string;
  /** SLURM job id when the stage ran inside a job. */
  jobId?: string;
}

export interface FailureRecord {
  id: string;
  kind: StageKind;
  error: string;
  /** True when the attempt was stopped (Ctrl-C, SIGTERM, scancel) rather than failing on its own. */
  interrupted: boolean;
  exitCode?: number;
  signal?: string;
  /** The log to read first. */
  log: string;
  logTail: string;
  at: string;
  host: string;
  jobId?: string;
}

export function recordPath(stage: Pick<Stage, 'dir'>): string {
  return path.join(stage.dir, COMPLETION_RECORD);
}

export type CompletionCheck =
  | { ok: true; record: CompletionRecord }
  /** No record: never finished (an interrupted attempt may have left files to resume from). */
  | { ok: false; absent: true }
  /** A record whose outputs do not match it (or that cannot be read): never reused. */
  | { ok: false; absent: false; problem: string };

/** Whether a stage's completion record exists and its outputs match it (reuse.ts says how deeply). */
export function checkCompletion(stage: Pick<Stage, 'dir'>, depth?: CheckDepth): CompletionCheck {
  const file = recordPath(stage);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { ok: false, absent: true };
  }
  let record: CompletionRecord;
  try {
    record = JSON.parse(text) as CompletionRecord;
  } catch {
    return { ok: false, absent: false, problem: `${COMPLETION_RECORD} is not valid JSON` };
  }
  const problem = outputsProblem(stage.dir, record, depth);
  return problem ? { ok: false, absent: false, problem } : { ok: true, record };
}

/** Done = a completion record whose outputs are still what it recorded. */
export function isDone(stage: Pick<Stage, 'dir'>): boolean {
  return checkCompletion(stage).ok;
}

export function readCompletion(stage: Pick<Stage, 'dir'>): CompletionRecord | undefined {
  return readJsonIfExists<CompletionRecord>(recordPath(stage));
}

export function readFailure(stage: Pick<Stage, 'dir'>): FailureRecord | undefined {
  return readJsonIfExists<FailureRecord>(path.join(stage.dir, FAILURE_RECORD));
}

export function inputHashes(stage: Pick<Stage, 'inputs' | 'deps'>): { inputsHash: string; inputHashes: Record<string, string> } {
  const per: Record<string, string> = {};
  for (const key of Object.keys(stage.inputs).sort()) per[key] = sha256(canonicalJson(stage.inputs[key] ?? null)).slice(0, 16);
  per['deps'] = sha256(canonicalJson([...stage.deps].sort())).slice(0, 16);
  return { inputsHash: sha256(canonicalJson({ format: RECORD_FORMAT, per })).slice(0, 16), inputHashes: per };
}

/** Files the executor itself keeps in a stage folder: never outputs. */
export function isInternalFile(name: string): boolean {
  return name.startsWith('ablate-') || name.startsWith('.ablate-') || isTempName(name);
}

/** Output files hashed at once: reading one while hashing another keeps disk and CPU busy. */
const HASH_PARALLEL = 4;

/** Every output file under the stage folder (POSIX relative paths), in a stable order. */
export function listOutputs(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const entries = readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (rel === '' && isInternalFile(e.name)) continue;
      if (isTempName(e.name)) continue;
      const relPath = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(relPath);
      else if (e.isFile()) out.push(relPath);
    }
  };
  walk('');
  return out;
}

/** Runs `f` over `items`, at most `n` at once, keeping the order of the results. */
async function pool<T, R>(items: T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  }));
  return out;
}

/** Every output file under the stage folder with its size and XXH3-64, in a stable order; files hashed in parallel. */
export async function hashOutputs(dir: string): Promise<OutputEntry[]> {
  return pool(listOutputs(dir), HASH_PARALLEL, async (rel) => {
    const abs = path.join(dir, rel);
    const { size, mtimeMs } = statSync(abs);
    return { path: rel, bytes: size, xxh3: await fileXxh3(abs), mtimeMs };
  });
}

async function fileSha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** What `ablate status --verify` finds wrong with a done stage's outputs: missing, resized, changed, extra files. */
export async function verifyOutputs(stage: Pick<Stage, 'dir'>): Promise<string[]> {
  const record = readCompletion(stage);
  if (!record) return [];
  const problems: string[] = [];
  await pool(record.outputs, HASH_PARALLEL, async (o) => {
    const abs = path.join(stage.dir, o.path);
    if (!existsSync(abs)) return void problems.push(`${o.path}: missing`);
    const size = statSync(abs).size;
    if (size !== o.bytes) return void problems.push(`${o.path}: ${size} bytes, the record says ${o.bytes}`);
    const [algo, want] = o.xxh3 !== undefined ? ['xxh3', o.xxh3] : ['sha256', o.sha256];
    const got = algo === 'xxh3' ? await fileXxh3(abs) : await fileSha256(abs);
    if (got !== want) problems.push(`${o.path}: content changed (${algo} ${got}, the record says ${want})`);
  });
  const recorded = new Set(record.outputs.map((o) => o.path));
  for (const extra of listOutputs(stage.dir).filter((p) => !recorded.has(p))) problems.push(`${extra}: not in the completion record`);
  return problems.sort();
}

export interface RecordFacts {
  startedAt: Date;
  finishedAt: Date;
  tools?: Record<string, string>;
  summary?: Record<string, unknown>;
  executor: string;
  jobId?: string;
}

/** Hashes the outputs and writes the completion record: the last write of a successful stage. */
export async function writeCompletion(stage: Stage, facts: RecordFacts): Promise<CompletionRecord> {
  mkdirSync(stage.dir, { recursive: true });
  const record: CompletionRecord = {
    format: RECORD_FORMAT,
    id: stage.id,
    kind: stage.kind,
    ...inputHashes(stage),
    deps: stage.deps,
    outputs: await hashOutputs(stage.dir),
    tools: facts.tools ?? {},
    ...(facts.summary ? { summary: facts.summary } : {}),
    startedAt: facts.startedAt.toISOString(),
    finishedAt: facts.finishedAt.toISOString(),
    durationMs: facts.finishedAt.getTime() - facts.startedAt.getTime(),
    exitCode: 0,
    host: hostname(),
    executor: facts.executor,
    ...(facts.jobId ? { jobId: facts.jobId } : {}),
  };
  // The failure record of an earlier attempt goes first: a crash in between leaves neither, i.e. "pending".
  rmSync(path.join(stage.dir, FAILURE_RECORD), { force: true });
  await writeFileAtomicAsync(recordPath(stage), `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

export function writeFailure(stage: Stage, f: Omit<FailureRecord, 'id' | 'kind' | 'at' | 'host' | 'logTail' | 'log'> & { log?: string }): FailureRecord {
  const log = f.log ?? path.join(stage.dir, STAGE_LOG);
  const record: FailureRecord = {
    id: stage.id,
    kind: stage.kind,
    ...f,
    log,
    logTail: tailOfFile(log, 40),
    at: new Date().toISOString(),
    host: hostname(),
  };
  writeFileAtomic(path.join(stage.dir, FAILURE_RECORD), `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/** Where `--force` moves a finished stage's old outputs: only the latest set is kept (disk is finite). */
export const PREVIOUS_DIR = 'ablate-previous';

/**
 * Forgets a completion for `--force`: the record goes first (so a crash part-way leaves a pending
 * stage, never a "done" one with missing files), then every output moves into ablate-previous/,
 * so the redo starts from nothing (a finished training is not "resumed") and nothing old is trusted.
 * Returns the folder the old outputs went to, if there were any.
 */
export function setAsideCompletion(stage: Pick<Stage, 'dir'>): string | undefined {
  rmSync(recordPath(stage), { force: true });
  const names = existsSync(stage.dir) ? readdirSync(stage.dir).filter((n) => !isInternalFile(n)) : [];
  if (names.length === 0) return undefined;
  const aside = path.join(stage.dir, PREVIOUS_DIR);
  rmSync(aside, { recursive: true, force: true });
  mkdirSync(aside);
  for (const n of names) renameSync(path.join(stage.dir, n), path.join(aside, n));
  return aside;
}

/** Why a stage is or is not cached, input by input: for `ablate status --explain`. */
export function explainCache(stage: Stage, doneDeps: (id: string) => boolean): string[] {
  const check = checkCompletion(stage);
  if (!check.ok && !check.absent) return [`not cached: ${check.problem}; the next run moves its outputs to ${PREVIOUS_DIR}/ and redoes it`];
  const record = check.ok ? check.record : undefined;
  const now = inputHashes(stage);
  if (record) {
    if (record.inputsHash === now.inputsHash) return [`cached: completion record of ${record.finishedAt} (${record.outputs.length} outputs, inputs ${record.inputsHash})`];
    const changed = Object.keys({ ...now.inputHashes, ...record.inputHashes })
      .sort()
      .filter((k) => now.inputHashes[k] !== record.inputHashes[k]);
    return [`cached, but the record's inputs differ from the plan's (${changed.join(', ')}); the folder is content-addressed, so this means the hashing changed`];
  }
  const lines: string[] = [];
  const failed = readFailure(stage);
  if (failed) lines.push(`not cached: last attempt ${failed.interrupted ? 'was interrupted' : 'failed'} at ${failed.at}: ${failed.error}`);
  else if (existsSync(stage.dir)) lines.push('not cached: the folder exists without a completion record (an interrupted attempt; the next run resumes in it)');
  else lines.push(`not cached: never run (inputs ${now.inputsHash}: ${Object.entries(now.inputHashes).map(([k, v]) => `${k}=${v}`).join(' ')})`);
  const waiting = stage.deps.filter((d) => !doneDeps(d));
  if (waiting.length) lines.push(`waits for ${waiting.length} upstream stage(s): ${waiting.join(', ')}`);
  return lines;
}
