import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { COMPLETION_RECORD, type Stage, type StageKind } from '../plan/types.js';
import { fileXxh3 } from '../util/fileHash.js';
import { canonicalJson, sha256 } from '../util/hash.js';
import { isTempName, readJsonIfExists, tailOfFile, writeFileAtomic, writeFileAtomicAsync } from './fsutil.js';

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

export function isDone(stage: Pick<Stage, 'dir'>): boolean {
  return existsSync(recordPath(stage));
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
    return { path: rel, bytes: statSync(abs).size, xxh3: await fileXxh3(abs) };
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

/** Forgets a completion (for `--force`): the folder stays, so tools can resume from what is there. */
export function removeCompletion(stage: Pick<Stage, 'dir'>): void {
  rmSync(recordPath(stage), { force: true });
}

/** Why a stage is or is not cached, input by input: for `ablate status --explain`. */
export function explainCache(stage: Stage, doneDeps: (id: string) => boolean): string[] {
  const record = readCompletion(stage);
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
