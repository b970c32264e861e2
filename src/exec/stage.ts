import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Plan, Stage } from '../plan/types.js';
import { checkCompletion, isDone, setAsideCompletion, STAGE_LOG, writeCompletion, writeFailure, type CompletionRecord } from './cache.js';
import { lockStage, type LockHolder } from './lock.js';
import { reapOrphans } from './children.js';
import type { StageProgress, StageRunContext, StageRunner } from './types.js';

export interface RunStageOptions {
  plan: Plan;
  stage: Stage;
  runner: StageRunner;
  /** Variables the stage's children get on top of the inherited environment. */
  env: Record<string, string>;
  signal: AbortSignal;
  dryRun?: boolean;
  /** Redo even if done: the old record is removed under the lock, the folder kept. */
  force?: boolean;
  /** Recorded as the record's executor ("local", "slurm"). */
  executor: string;
  jobId?: string;
  /** Lock description ("ablate run", "stage-exec (job 12)"). */
  what: string;
  onWaiting?: (holder: LockHolder) => void;
  onProgress?: (p: StageProgress) => void;
  /** Called once the lock is held and the stage really starts. */
  onStart?: () => void;
  /** Awaited after the runner succeeded, before the completion record (a multi-node stage: every rank succeeded). */
  beforeRecord?: () => Promise<void>;
}

export type StageOutcome =
  | { status: 'cached' }
  | { status: 'dry-run' }
  | { status: 'done'; durationMs: number; record: CompletionRecord }
  | { status: 'failed'; error: string; log: string; interrupted: boolean };

/** A failed external command: stage, exit code or signal, and the log to read. */
export class StageCommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | undefined,
    readonly signal: string | undefined,
    readonly logFile: string | undefined,
  ) {
    super(message);
    this.name = 'StageCommandError';
  }
}

/**
 * Runs one stage under its lock: skips it when another controller finished it meanwhile, otherwise
 * calls its runner and writes the completion record last (or a failure record). Never throws for
 * stage failures; returns the outcome.
 */
export async function runStage(o: RunStageOptions): Promise<StageOutcome> {
  const { stage } = o;
  if (!o.force && isDone(stage)) return { status: 'cached' };
  let lock;
  try {
    lock = await lockStage(stage.dir, o.what, { signal: o.signal, ...(o.onWaiting ? { onWait: o.onWaiting } : {}), ...(o.jobId ? { jobId: o.jobId } : {}) });
  } catch (err) {
    if (o.signal.aborted) return { status: 'failed', error: 'interrupted while waiting for the stage lock', log: path.join(stage.dir, STAGE_LOG), interrupted: true };
    throw err;
  }
  const logFile = path.join(stage.dir, STAGE_LOG);
  try {
    const check = checkCompletion(stage);
    if (check.ok && !o.force) return { status: 'cached' };
    if (check.ok || !check.absent) {
      // Forced, or a record its files no longer match: nothing of the old outputs is trusted or resumed from.
      const why = check.ok ? '--force' : `not reusing: ${check.problem}`;
      const aside = o.dryRun ? undefined : setAsideCompletion(stage);
      if (!o.dryRun) appendFileSync(path.join(stage.dir, STAGE_LOG), `[${new Date().toISOString()}] ${why}${aside ? `; the previous outputs were moved to ${aside}` : ''}\n`);
    }
    const missing = o.dryRun ? [] : stage.deps.filter((d) => {
      const dep = o.plan.stages.get(d);
      return !dep || !isDone(dep);
    });
    if (missing.length) {
      const error = `upstream stage(s) not done: ${missing.join(', ')}`;
      if (!o.dryRun) writeFailure(stage, { error, interrupted: false });
      return { status: 'failed', error, log: logFile, interrupted: false };
    }
    mkdirSync(stage.dir, { recursive: true });
    // Children of a controller that died (SIGKILL, OOM) may still be writing here: stop them first.
    if (!o.dryRun) await reapOrphans(stage.dir);
    o.onStart?.();
    const startedAt = new Date();
    const log = (line: string): void => appendFileSync(logFile, line.endsWith('\n') ? line : `${line}\n`);
    log(`[${startedAt.toISOString()}] ${o.dryRun ? 'dry run of' : 'start'} ${stage.kind} ${stage.id} (${o.what})`);
    const ctx: StageRunContext = {
      stage,
      plan: o.plan,
      workDir: stage.dir,
      env: o.env,
      signal: o.signal,
      log,
      progress: (p) => o.onProgress?.(p),
      depDir: (id) => {
        const dep = o.plan.stages.get(id);
        if (!dep) throw new Error(`stage ${stage.id} asked for unknown dependency ${id}`);
        return dep.dir;
      },
      dryRun: o.dryRun === true,
    };
    try {
      const result = (await o.runner(ctx)) ?? {};
      if (o.dryRun) return { status: 'dry-run' };
      // A runner that returns after an abort may have been cut short: never mark that done.
      o.signal.throwIfAborted();
      await o.beforeRecord?.();
      const finishedAt = new Date();
      const record = await writeCompletion(stage, {
        startedAt,
        finishedAt,
        executor: o.executor,
        ...(result.tools ? { tools: result.tools } : {}),
        ...(result.summary ? { summary: result.summary } : {}),
        ...(o.jobId ? { jobId: o.jobId } : {}),
      });
      log(`[${finishedAt.toISOString()}] done in ${record.durationMs} ms`);
      return { status: 'done', durationMs: record.durationMs, record };
    } catch (err) {
      const interrupted = o.signal.aborted;
      const e = err as Partial<StageCommandError> & Error;
      const error = interrupted ? `interrupted (${String((o.signal.reason as Error)?.message ?? o.signal.reason ?? 'aborted')})` : (e?.message ?? String(err));
      try {
        log(`[${new Date().toISOString()}] ${interrupted ? 'interrupted' : 'failed'}: ${error}`);
      } catch {
        /* the folder may be gone */
      }
      const failure = o.dryRun
        ? undefined
        : writeFailure(stage, {
            error,
            interrupted,
            ...(typeof e?.exitCode === 'number' ? { exitCode: e.exitCode } : {}),
            ...(typeof e?.signal === 'string' ? { signal: e.signal } : {}),
            ...(typeof e?.logFile === 'string' ? { log: e.logFile } : {}),
            ...(o.jobId ? { jobId: o.jobId } : {}),
          });
      return { status: 'failed', error, log: failure?.log ?? logFile, interrupted };
    }
  } finally {
    lock.release();
  }
}
