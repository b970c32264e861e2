import { describe, expect, it } from 'vitest';
import { dependentsOf, globToRegExp, parseGpuList, selectStages, topoOrder } from '../../src/exec/graph.js';
import { GpuPool, Semaphore } from '../../src/exec/slots.js';
import { makePlan } from './exec-fixtures.js';

describe('stage selection', () => {
  const plan = makePlan('/r', { runs: 4, materializeShared: 2, tasks: ['humaneval', 'mbpp'] });

  it('deduplicates: 4 runs sharing 2 datasets → 2 + 4 + 8 stages', () => {
    const sel = selectStages(plan);
    expect(sel.stages.map((s) => s.kind).filter((k) => k === 'materialize')).toHaveLength(2);
    expect(sel.stages).toHaveLength(14);
    expect(plan.stages.get('mat0000')!.runs).toEqual(['run0000', 'run0002']);
  });

  it('--only picks runs by glob and keeps their upstream stages', () => {
    const sel = selectStages(plan, { only: 'arm-[13]' });
    expect(sel.runs.map((r) => r.name)).toEqual(['arm-1', 'arm-3']);
    expect(sel.stages.map((s) => s.id)).toEqual(['mat0001', 'trn0001', 'trn0003', 'evl0001-humaneval', 'evl0001-mbpp', 'evl0003-humaneval', 'evl0003-mbpp']);
  });

  it('--until stops after a kind; --force marks a kind and everything downstream of it', () => {
    expect(selectStages(plan, { until: 'materialize' }).stages.map((s) => s.kind)).toEqual(['materialize', 'materialize']);
    expect(selectStages(plan, { until: 'train' }).stages).toHaveLength(6);
    expect([...selectStages(plan, { force: ['train'] }).forced].sort()).toEqual(['evl0000-humaneval', 'evl0000-mbpp', 'evl0001-humaneval', 'evl0001-mbpp', 'evl0002-humaneval', 'evl0002-mbpp', 'evl0003-humaneval', 'evl0003-mbpp', 'trn0000', 'trn0001', 'trn0002', 'trn0003']);
    expect([...selectStages(plan, { force: ['train'], until: 'train' }).forced].sort()).toEqual(['trn0000', 'trn0001', 'trn0002', 'trn0003']);
  });

  it('dependents and topological order', () => {
    expect([...dependentsOf(plan.stages.values(), 'mat0001')].sort()).toEqual(['evl0001-humaneval', 'evl0001-mbpp', 'evl0003-humaneval', 'evl0003-mbpp', 'trn0001', 'trn0003']);
    const reversed = [...plan.stages.values()].reverse();
    const order = topoOrder(reversed).map((s) => s.id);
    for (const s of plan.stages.values()) for (const d of s.deps) expect(order.indexOf(d)).toBeLessThan(order.indexOf(s.id));
    const a = { ...plan.stages.get('mat0000')!, deps: ['trn0000'] };
    expect(() => topoOrder([a, plan.stages.get('trn0000')!])).toThrow(/cycle/);
  });

  it('globs and GPU lists', () => {
    expect(globToRegExp('arm-*').test('arm-12')).toBe(true);
    expect(globToRegExp('a.b?').test('a.bc')).toBe(true);
    expect(globToRegExp('a.b?').test('axbc')).toBe(false);
    expect(globToRegExp('x[!0-3]').test('x5')).toBe(true);
    expect(parseGpuList('0, 2,3')).toEqual([0, 2, 3]);
    expect(parseGpuList('')).toEqual([]);
    expect(() => parseGpuList('0,a')).toThrow(/not a GPU index/);
    expect(() => parseGpuList('1,1')).toThrow(/twice/);
  });
});

describe('GPU slots', () => {
  it('hands out distinct ids first come first served and refuses impossible requests', async () => {
    const pool = new GpuPool([0, 1, 2, 3]);
    const a = await pool.acquire(2);
    const b = await pool.acquire(1);
    expect(a).toEqual([0, 1]);
    expect(b).toEqual([2]);
    let wideGot: number[] | undefined;
    const wide = pool.acquire(3).then((ids) => (wideGot = ids));
    let narrowGot: number[] | undefined;
    const narrow = pool.acquire(1).then((ids) => (narrowGot = ids));
    await new Promise((r) => setTimeout(r, 10));
    // FIFO: the narrow request queued behind the wide one waits although one GPU is free.
    expect(wideGot).toBeUndefined();
    expect(narrowGot).toBeUndefined();
    pool.release(a);
    await wide;
    expect(wideGot!.sort()).toEqual([0, 1, 3]);
    pool.release(b);
    await narrow;
    expect(narrowGot).toEqual([2]);
    await expect(pool.acquire(5)).rejects.toThrow(/only 4/);
    await expect(new GpuPool([]).acquire(1)).rejects.toThrow(/none are configured/);
  });

  it('aborting a queued request frees its place', async () => {
    const pool = new GpuPool([7]);
    const held = await pool.acquire(1);
    const ac = new AbortController();
    const p = pool.acquire(1, ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    pool.release(held);
    expect(await pool.acquire(1)).toEqual([7]);
  });

  it('semaphore limits concurrency', async () => {
    const sem = new Semaphore(2);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 7 }, async () => {
        const release = await sem.acquire();
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        release();
      }),
    );
    expect(peak).toBe(2);
  });
});
