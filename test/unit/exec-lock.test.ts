import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStale, LOCK_FILE, liveHolder, lockStage, readLock, tryLock } from '../../src/exec/lock.js';
import { tempDir } from './exec-fixtures.js';

const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('stage locks', () => {
  it('one holder at a time; the second learns who holds it', () => {
    const dir = tempDir();
    const a = tryLock(dir, 'ablate run');
    expect('release' in a).toBe(true);
    const b = tryLock(dir, 'ablate run');
    expect('heldBy' in b && b.heldBy.pid).toBe(process.pid);
    expect(liveHolder(dir)?.what).toBe('ablate run');
    if ('release' in a) a.release();
    expect(readLock(dir)).toBeUndefined();
    const c = tryLock(dir, 'again');
    expect('release' in c).toBe(true);
  });

  it('breaks a stale lock of a dead process on this host, not one of another host', () => {
    const dir = tempDir();
    const pid = deadPid();
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), startedAt: 'x', what: 'ablate run' }));
    expect(isStale(readLock(dir)!)).toBe(true);
    expect(liveHolder(dir)).toBeUndefined();
    const got = tryLock(dir, 'me');
    expect('release' in got && got.holder.pid).toBe(process.pid);

    const other = tempDir();
    writeFileSync(path.join(other, LOCK_FILE), JSON.stringify({ pid, host: 'some-other-node', startedAt: 'x', what: 'stage-exec (job 4)' }));
    const res = tryLock(other, 'me');
    expect('heldBy' in res && res.heldBy.host).toBe('some-other-node');
  });

  it('a reused pid (same pid, other process start time) counts as stale', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), startedAt: 'x', procStart: '1', what: 'ablate run' }));
    expect(isStale(readLock(dir)!)).toBe(true);
  });

  it('lockStage waits for the holder, reports it once, and honours abort', async () => {
    const dir = tempDir();
    const first = await lockStage(dir, 'first');
    const waits: string[] = [];
    const second = lockStage(dir, 'second', { pollMs: 10, onWait: (h) => waits.push(h.what) });
    await new Promise((r) => setTimeout(r, 50));
    first.release();
    const got = await second;
    expect(got.holder.what).toBe('second');
    expect(waits).toEqual(['first']);
    const ac = new AbortController();
    const third = lockStage(dir, 'third', { pollMs: 10, signal: ac.signal });
    ac.abort(new Error('stop'));
    await expect(third).rejects.toThrow();
    got.release();
  });

  it('after a stale lock is broken, later takers see the new live holder', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: hostname(), startedAt: 'x', what: 'dead' }));
    const results = Array.from({ length: 8 }, () => tryLock(dir, 'racer'));
    expect(results.filter((r) => 'release' in r)).toHaveLength(1);
  });
});
