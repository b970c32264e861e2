import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { lastErrorLine, tailOfFile } from './fsutil.js';
import { STAGE_LOG } from './cache.js';
import { StageCommandError } from './stage.js';
import { recordChild, signalGroup, waitGroupGone } from './children.js';
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
  // Its own process group: a stop reaches the tools' own children too (torchrun workers, the harness's
  // Python subprocesses), not only the direct child, and a killed controller's orphans can be found as a group.
  const child = execa(file, args, {
    cwd: opts.cwd ?? ctx.workDir,
    env: { ...ctx.env, ...opts.env },
    all: true,
    reject: false,
    stdin: 'ignore',
    detached: true,
  });
  const pid = child.pid;
  if (pid !== undefined) recordChild(ctx.workDir, pid);
  const graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
  let killTimer: NodeJS.Timeout | undefined;
  let abortedAt = 0;
  const onAbort = (): void => {
    if (pid === undefined) return;
    abortedAt = Date.now();
    signalGroup(pid, 'SIGTERM');
    killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
  };
  if (ctx.signal.aborted) onAbort();
  else ctx.signal.addEventListener('abort', onAbort, { once: true });
  let r;
  try {
    for await (const line of child.iterable({ from: 'all' })) {
      appendFileSync(logFile, `${line}\n`);
      opts.onLine?.(line);
    }
    r = await child;
    // The direct child is gone; after a stop, whatever it left in its group gets the rest of the grace period.
    if (ctx.signal.aborted && pid !== undefined) await waitGroupGone(pid, Math.max(0, graceMs - (Date.now() - abortedAt)));
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    clearTimeout(killTimer);
  }
  if (r.failed) {
    const why = ctx.signal.aborted ? `was stopped${r.signal ? ` (${r.signal})` : ''}` : r.signal ? `was killed by ${r.signal}` : `exited with code ${r.exitCode}`;
    // The summary line carries what the tool said last, not only its exit code.
    // (After a kill the last line is whatever the tool was printing: only a real error line is worth quoting.)
    const said = ctx.signal.aborted ? undefined : lastErrorLine(tailOfFile(logFile, 200), { orLastLine: !r.signal });
    throw new StageCommandError(
      `${path.basename(file)} ${why}${said ? `: ${said}` : ''} (stage ${ctx.stage.kind} ${ctx.stage.id}); log: ${logFile}\n${tailOfFile(logFile, 20)}`,
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
