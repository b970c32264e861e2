import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { tailOfFile } from './fsutil.js';
import { STAGE_LOG } from './cache.js';
import { StageCommandError } from './stage.js';
import { recordChild } from './children.js';
import type { StageRunContext, StageRunner } from './types.js';

import { DEFAULT_GRACE_MS } from './defaults.js';

export { DEFAULT_GRACE_MS };

export interface StageCommandOptions {
  cwd?: string;
  /** Variables on top of the inherited environment and ctx.env. */
  env?: Record<string, string>;
  /** Log file for the child's stdout and stderr (default: the stage log). */
  logFile?: string;
  /** Every output line, e.g. to parse progress from it. */
  onLine?: (line: string) => void;
  graceMs?: number;
}

/**
 * Runs an external command for a stage: argument array, the stage's environment (CUDA_VISIBLE_DEVICES),
 * output appended line by line to the log, SIGTERM on ctx.signal then SIGKILL after the grace period.
 * A failure becomes one StageCommandError with exit code, signal and the log's tail.
 */
export async function runStageCommand(ctx: StageRunContext, argv: string[], opts: StageCommandOptions = {}): Promise<void> {
  const [file, ...args] = argv;
  if (!file) throw new Error(`stage ${ctx.stage.id}: empty command`);
  const logFile = opts.logFile ?? path.join(ctx.workDir, STAGE_LOG);
  if (ctx.dryRun) {
    ctx.log(`would run: ${JSON.stringify(argv)}`);
    return;
  }
  const child = execa(file, args, {
    cwd: opts.cwd ?? ctx.workDir,
    env: { ...ctx.env, ...opts.env },
    all: true,
    reject: false,
    stdin: 'ignore',
    cancelSignal: ctx.signal,
    forceKillAfterDelay: opts.graceMs ?? DEFAULT_GRACE_MS,
  });
  if (child.pid !== undefined) recordChild(ctx.workDir, child.pid);
  for await (const line of child.iterable({ from: 'all' })) {
    appendFileSync(logFile, `${line}\n`);
    opts.onLine?.(line);
  }
  const r = await child;
  if (r.failed) {
    const why = r.isCanceled ? 'was cancelled' : r.signal ? `was killed by ${r.signal}` : `exited with code ${r.exitCode}`;
    throw new StageCommandError(
      `${path.basename(file)} ${why} (stage ${ctx.stage.kind} ${ctx.stage.id}); log: ${logFile}\n${tailOfFile(logFile, 20)}`,
      r.exitCode,
      r.signal,
      logFile,
    );
  }
}

/** A runner for stages that carry their exact command (`stage.command`). */
export const commandRunner: StageRunner = async (ctx) => {
  const cmd = ctx.stage.command;
  if (!cmd || cmd.argv.length === 0) throw new Error(`stage ${ctx.stage.kind} ${ctx.stage.id} has no command to run`);
  await runStageCommand(ctx, cmd.argv, { cwd: cmd.cwd, env: cmd.env });
};
