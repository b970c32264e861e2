/**
 * The experiment and stage locks between hosts sharing a filesystem (login node, compute nodes): a pid
 * means nothing on another host, so only the holder's heartbeat decides.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_MS, HEARTBEAT_STALE_MS, isStale, LOCK_FILE, lockStage, readLock, tryLock, type LockHolder } from '../../src/exec/lock.js';
import { tempDir } from './exec-fixtures.js';

const otherHost = (heartbeatAt: Date | undefined, pid = 999_999): LockHolder => ({
  pid,
  host: 'login-node-7.cluster',
  startedAt: new Date(Date.now() - 3_600_000).toISOString(),
  what: 'ablate run',
  ...(heartbeatAt ? { heartbeatAt: heartbeatAt.toISOString() } : {}),
});

const write = (dir: string, h: LockHolder): void => writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(h));

afterEach(() => void vi.useRealTimers());

describe('locks across hosts', () => {
  it('a lock of another host with a live heartbeat blocks, although its pid does not exist here', async () => {
    const dir = tempDir();
    const holder = otherHost(new Date());
    write(dir, holder);
    // The other host keeps beating while we try for two seconds.
    const beat = setInterval(() => write(dir, { ...holder, heartbeatAt: new Date().toISOString() }), 300);
    try {
      const got = tryLock(dir, 'ablate run');
      expect('heldBy' in got && got.heldBy.host).toBe('login-node-7.cluster');
      const ac = new AbortController();
      const waited = lockStage(dir, 'ablate run', { signal: ac.signal, pollMs: 100 });
      await new Promise((r) => setTimeout(r, 2000));
      ac.abort();
      await expect(waited).rejects.toThrow();
      expect(readLock(dir)?.host).toBe('login-node-7.cluster');
    } finally {
      clearInterval(beat);
    }
  });

  it('a lock of another host whose heartbeat stopped is taken, and the new holder is this process', () => {
    const dir = tempDir();
    write(dir, otherHost(new Date(Date.now() - HEARTBEAT_STALE_MS - 5_000)));
    const got = tryLock(dir, 'ablate run');
    expect('release' in got).toBe(true);
    const now = readLock(dir)!;
    expect(now.pid).toBe(process.pid);
    expect(now.heartbeatAt).toBeDefined();
    if ('release' in got) got.release();
  });

  it('staleness is judged by the heartbeat age alone (just inside the limit: live; just past: stale)', () => {
    const t = Date.now();
    expect(isStale(otherHost(new Date(t - HEARTBEAT_STALE_MS + 1_000)), undefined, t)).toBe(false);
    expect(isStale(otherHost(new Date(t - HEARTBEAT_STALE_MS - 1_000)), undefined, t)).toBe(true);
    // Without a heartbeat or a job (an old lock format), another host's lock is never guessed stale.
    expect(isStale(otherHost(undefined), undefined, t)).toBe(false);
    // An earlier attempt of this very job (requeued onto another node) is dead whatever its heartbeat.
    expect(isStale({ ...otherHost(new Date(t)), jobId: '77' }, '77', t)).toBe(true);
  });

  it('the holder renews its heartbeat while it holds the lock, and stops when it releases it', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const dir = tempDir();
    const got = tryLock(dir, 'ablate run');
    if (!('release' in got)) throw new Error('not taken');
    const first = readLock(dir)!.heartbeatAt!;
    vi.advanceTimersByTime(HEARTBEAT_MS + 10);
    const second = readLock(dir)!.heartbeatAt!;
    expect(Date.parse(second) - Date.parse(first)).toBeGreaterThanOrEqual(HEARTBEAT_MS);
    got.release();
    vi.advanceTimersByTime(HEARTBEAT_MS * 2);
    expect(() => readFileSync(path.join(dir, LOCK_FILE))).toThrow(/ENOENT/);
  });
});
