/**
 * Stopping a stage stops everything its command started: tools spawn their own workers (torchrun, the
 * harness's Python subprocesses), and a SIGTERM to the direct child alone leaves those writing on.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { isDone } from '../../src/exec/cache.js';
import { recordChild, reapOrphans } from '../../src/exec/children.js';
import { runStageCommand } from '../../src/exec/command.js';
import { executeLocal } from '../../src/exec/local.js';
import type { StageRunners } from '../../src/exec/types.js';
import { makePlan, standInRunners, tempDir } from './exec-fixtures.js';

/** Running, that is: a killed worker may linger as a zombie when PID 1 does not reap (containers). */
const alive = (pid: number): boolean => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
};

/** A command that starts a grandchild (which ignores SIGTERM, as a busy worker may), records its pid, and waits. */
const parentOfWorker = (pidFile: string): string[] => [
  process.execPath,
  '-e',
  `const { spawn } = require('child_process');
   const w = spawn(process.execPath, ['-e', "process.on('SIGTERM',()=>{});setInterval(()=>{},1000)"], { stdio: 'ignore' });
   require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(w.pid));
   console.log('ready');
   setInterval(() => {}, 1000);`,
];

describe('stage commands run as a process group', () => {
  it('Ctrl-C stops the command and the workers it started (SIGTERM, then SIGKILL after the grace period)', async () => {
    const root = tempDir();
    const plan = makePlan(root, { runs: 1 });
    const mat = plan.stages.get('mat0000')!;
    const pidFile = path.join(root, 'worker.pid');
    const runners: StageRunners = { ...standInRunners(), materialize: (ctx) => runStageCommand(ctx, parentOfWorker(pidFile), { graceMs: 300 }) };
    const ac = new AbortController();
    const run = executeLocal(plan, runners, { signal: ac.signal, graceMs: 300 });
    for (let i = 0; i < 100 && !existsSync(pidFile); i++) await sleep(20);
    const worker = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(worker)).toBe(true);
    ac.abort(new Error('received SIGINT'));
    const s = await run;
    expect(s.interrupted).toBe(true);
    expect(isDone(mat)).toBe(false);
    // The worker is gone by the time the controller reports the stage stopped.
    expect(alive(worker)).toBe(false);
  });

  it('the workers of a killed controller are stopped before the stage is retried, even when their parent is gone', async () => {
    const root = tempDir();
    const dir = path.join(root, 'stage');
    mkdirSync(dir, { recursive: true });
    const pidFile = path.join(root, 'worker.pid');
    // The command a dead controller started, leading its own group, whose direct process has since exited.
    const leader = spawn(parentOfWorker(pidFile)[0]!, parentOfWorker(pidFile).slice(1), { detached: true, stdio: 'ignore' });
    leader.unref();
    for (let i = 0; i < 100 && !existsSync(pidFile); i++) await sleep(20);
    const worker = Number(readFileSync(pidFile, 'utf8'));
    recordChild(dir, leader.pid!);
    process.kill(leader.pid!, 'SIGKILL');
    await new Promise((r) => leader.on('exit', r));
    expect(alive(worker)).toBe(true);
    await reapOrphans(dir, 300);
    for (let i = 0; i < 40 && alive(worker); i++) await sleep(25);
    expect(alive(worker)).toBe(false);
  });
});
