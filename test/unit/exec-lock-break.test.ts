import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStale, LOCK_FILE, readLock, tryLock } from '../../src/exec/lock.js';
import { tempDir } from './exec-fixtures.js';

const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('stale locks', () => {
  it("a lock of this very SLURM job from another node is an earlier attempt (requeue): stale, even if SLURM can't be asked", () => {
    const holder = { pid: 4242, host: 'node-that-died', startedAt: 'x', what: 'stage-exec (job 77)', jobId: '77' };
    const pathBefore = process.env['PATH'];
    process.env['PATH'] = ''; // no scontrol: the job's state is unknown
    try {
      expect(isStale(holder, '77')).toBe(true);
      expect(isStale(holder, '78')).toBe(false);
      expect(isStale(holder, undefined)).toBe(false);
    } finally {
      process.env['PATH'] = pathBefore;
    }
  });

  it('breaking a stale lock goes through an exclusive guard and leaves no files behind', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: hostname(), startedAt: 'x', what: 'dead' }));
    // A guard left by a breaker that is still at work: nobody else removes the lock meanwhile.
    writeFileSync(path.join(dir, `${LOCK_FILE}.break`), '');
    const blocked = tryLock(dir, 'me');
    expect('heldBy' in blocked && blocked.heldBy.what).toBe('dead');
    expect(readLock(dir)?.what).toBe('dead');
    // Once the guard is gone, the stale lock is broken and taken.
    rmSync(path.join(dir, `${LOCK_FILE}.break`));
    const got = tryLock(dir, 'me');
    expect('release' in got).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([LOCK_FILE]);
    if ('release' in got) got.release();
  });
});

describe('zombie holders', () => {
  it('a controller that died but was never reaped (PID 1 of a container does not reap) holds nothing', async () => {
    // A child we never wait for: once it exits it stays a zombie as long as we do not reap it.
    const { spawnSync: run } = await import('node:child_process');
    const r = run('sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 0.5'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    // `sh` exec'ed into sleep and did not reap its background job before exiting itself; the background pid
    // is long gone by now (reaped by init or a zombie): either way its lock must count as stale.
    const pid = Number(r.stdout.trim());
    expect(isStale({ pid, host: hostname(), startedAt: 'x', what: 'ablate run' })).toBe(true);
  });
});
