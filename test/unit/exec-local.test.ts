import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDone, readFailure } from '../../src/exec/cache.js';
import { commandRunner } from '../../src/exec/command.js';
import { recordChild } from '../../src/exec/children.js';
import { executeLocal } from '../../src/exec/local.js';
import { collectStatus, formatStatus } from '../../src/exec/status.js';
import type { ExecEvent, StageRunners } from '../../src/exec/types.js';
import { makePlan, standInRunners, tempDir } from './exec-fixtures.js';

describe('local executor', () => {
  it('runs each shared stage once, after its dependencies; a re-run is fully cached', async () => {
    const root = tempDir();
    const plan = makePlan(root, { runs: 6, materializeShared: 2, tasks: ['humaneval', 'mbpp'] });
    const runners = standInRunners({ stepMs: 5 });
    const events: ExecEvent[] = [];
    const s = await executeLocal(plan, runners, { cpuSlots: 3, onEvent: (e) => events.push(e) });
    expect(s.failed).toBe(0);
    expect(s.ran).toBe(plan.stages.size);
    const ids = runners.calls.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(2 + 6 + 12);
    const endOf = new Map(runners.calls.map((c) => [c.id, c]));
    for (const c of runners.calls) for (const d of plan.stages.get(c.id)!.deps) expect(endOf.get(d)!.end).toBeLessThanOrEqual(c.start);
    expect(events[0]?.type).toBe('plan');
    expect(events.at(-1)?.type).toBe('summary');
    expect(events.some((e) => e.type === 'progress')).toBe(true);

    const again = standInRunners();
    const s2 = await executeLocal(plan, again);
    expect(again.calls).toHaveLength(0);
    expect(s2.cached).toBe(plan.stages.size);
    expect(s2.runs.every((r) => r.state === 'done')).toBe(true);
  });

  it('a failure skips its dependents, other runs finish, and status shows the failure with its log', async () => {
    const root = tempDir();
    const plan = makePlan(root, { runs: 3, tasks: ['humaneval'] });
    const runners = standInRunners({ fail: new Set(['trn0001']) });
    const s = await executeLocal(plan, runners);
    expect(s.failed).toBe(1);
    expect(s.skipped).toBe(1);
    expect(s.failures[0]?.id).toBe('trn0001');
    expect(s.runs.map((r) => r.state)).toEqual(['done', 'failed', 'done']);
    expect(isDone(plan.stages.get('trn0001')!)).toBe(false);
    expect(readFailure(plan.stages.get('trn0001')!)?.error).toMatch(/stand-in failure/);
    const st = await collectStatus(plan);
    const run1 = st.runs[1]!;
    expect(run1.stages.map((x) => x.state)).toEqual(['done', 'failed', 'skipped']);
    expect(run1.stages[1]!.log).toBe(path.join(plan.stages.get('trn0001')!.dir, 'ablate-stage.log'));
    expect(formatStatus(st)).toMatch(/failed.*stand-in failure[\s\S]*log: /);
    // Fixing the cause and re-running resumes only the failed branch.
    const fixed = standInRunners();
    const s2 = await executeLocal(plan, fixed);
    expect(fixed.calls.map((c) => c.id)).toEqual(['trn0001', 'evl0001-humaneval']);
    expect(s2.failed).toBe(0);
    expect(readFailure(plan.stages.get('trn0001')!)).toBeUndefined();
  });

  it('--until, --only and --force', async () => {
    const root = tempDir();
    const plan = makePlan(root, { runs: 3 });
    const r1 = standInRunners();
    await executeLocal(plan, r1, { until: 'materialize' });
    expect(r1.calls.map((c) => c.id)).toEqual(['mat0000', 'mat0001', 'mat0002']);
    const r2 = standInRunners();
    await executeLocal(plan, r2, { only: 'arm-2' });
    expect(r2.calls.map((c) => c.id)).toEqual(['trn0002', 'evl0002-humaneval']);
    const r3 = standInRunners();
    await executeLocal(plan, r3, { only: 'arm-2', force: ['train'] });
    // A retrained model is evaluated again.
    expect(r3.calls.map((c) => c.id)).toEqual(['trn0002', 'evl0002-humaneval']);
  });

  it('GPU stages get only their slots in CUDA_VISIBLE_DEVICES, CPU stages an empty one, and no slot is shared', async () => {
    const root = tempDir();
    const plan = makePlan(root, { runs: 5, trainGpus: 2, evalGpus: 1 });
    const runners = standInRunners({ stepMs: 10 });
    await executeLocal(plan, runners, { gpus: [0, 1, 2] });
    for (const c of runners.calls) {
      const s = plan.stages.get(c.id)!;
      const ids = c.env['CUDA_VISIBLE_DEVICES']!.split(',').filter(Boolean);
      expect(ids).toHaveLength(s.gpus);
      if (s.gpus === 0) expect(c.env['CUDA_VISIBLE_DEVICES']).toBe('');
    }
    const gpuCalls = runners.calls.filter((c) => plan.stages.get(c.id)!.gpus > 0);
    for (const a of gpuCalls) {
      for (const b of gpuCalls) {
        if (a === b || a.end <= b.start || b.end <= a.start) continue;
        const overlap = a.env['CUDA_VISIBLE_DEVICES']!.split(',').filter((g) => b.env['CUDA_VISIBLE_DEVICES']!.split(',').includes(g));
        expect(overlap).toEqual([]);
      }
    }
    const tooWide = makePlan(tempDir(), { runs: 1, trainGpus: 4 });
    const s = await executeLocal(tooWide, standInRunners(), { gpus: [0, 1] });
    expect(s.failures[0]?.error).toMatch(/needs 4 GPU\(s\) but only 2/);
  });

  it('two controllers on the same plan never run a stage twice', async () => {
    const root = tempDir();
    const plan = makePlan(root, { runs: 4, materializeShared: 1 });
    const a = standInRunners({ stepMs: 20 });
    const b = standInRunners({ stepMs: 20 });
    const events: ExecEvent[] = [];
    await Promise.all([executeLocal(plan, a, { cpuSlots: 2 }), executeLocal(plan, b, { cpuSlots: 2, onEvent: (e) => events.push(e) })]);
    const all = [...a.calls, ...b.calls].map((c) => c.id).sort();
    expect(all).toEqual([...plan.stages.keys()].sort());
    expect(events.some((e) => e.type === 'stage-waiting')).toBe(true);
  });

  it('abort: children get SIGTERM then SIGKILL, nothing is marked done, the next run resumes', async () => {
    const root = tempDir();
    const plan = makePlan(root, { runs: 1 });
    const mat = plan.stages.get('mat0000')!;
    // A child that ignores SIGTERM: only the SIGKILL after the grace period ends it.
    mat.command = { argv: [process.execPath, '-e', "process.on('SIGTERM',()=>console.log('got TERM'));console.log('ready');setInterval(()=>{},1000)"], env: {}, cwd: root };
    const runners: StageRunners = { ...standInRunners(), materialize: (ctx) => import('../../src/exec/command.js').then((m) => m.runStageCommand(ctx, mat.command!.argv, { graceMs: 300 })) };
    const ac = new AbortController();
    const t0 = Date.now();
    // Interrupt once the child is up (its "ready" is in the stage log), not after a fixed delay that a loaded machine can outrun.
    const poll = setInterval(() => {
      const text = existsSync(path.join(mat.dir, 'ablate-stage.log')) ? readFileSync(path.join(mat.dir, 'ablate-stage.log'), 'utf8') : '';
      if (text.includes('ready')) {
        clearInterval(poll);
        ac.abort(new Error('received SIGINT'));
      }
    }, 20);
    const s = await executeLocal(plan, runners, { signal: ac.signal, graceMs: 300 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(s.interrupted).toBe(true);
    expect(s.failed).toBe(0);
    expect(isDone(mat)).toBe(false);
    const f = readFailure(mat)!;
    expect(f.interrupted).toBe(true);
    const log = readFileSync(path.join(mat.dir, 'ablate-stage.log'), 'utf8');
    expect(log).toMatch(/ready[\s\S]*got TERM/);
    const s2 = await executeLocal(plan, standInRunners());
    expect(s2.failed).toBe(0);
    expect(isDone(mat)).toBe(true);
  });

  it('commandRunner runs stage.command with its env, and a failing command leaves a failure record', async () => {
    const root = tempDir();
    const plan = makePlan(root, { runs: 1 });
    const mat = plan.stages.get('mat0000')!;
    mat.command = { argv: [process.execPath, '-e', "require('fs').writeFileSync('data.jsonl', process.env.X + '|' + process.env.CUDA_VISIBLE_DEVICES)"], env: { X: 'x1' }, cwd: mat.dir };
    const trn = plan.stages.get('trn0000')!;
    trn.command = { argv: [process.execPath, '-e', "console.error('oom here'); process.exit(3)"], env: {}, cwd: root };
    const runners: StageRunners = { materialize: commandRunner, train: commandRunner, eval: commandRunner };
    const s = await executeLocal(plan, runners);
    expect(readFileSync(path.join(mat.dir, 'data.jsonl'), 'utf8')).toBe('x1|');
    expect(s.failures[0]?.error).toMatch(/exited with code 3[\s\S]*oom here/);
    expect(readFailure(trn)?.exitCode).toBe(3);
    expect(existsSync(path.join(trn.dir, 'ablate-stage.json'))).toBe(false);
  });

  it('children left by a killed controller are stopped before the stage is retried', async () => {
    const root = tempDir();
    const plan = makePlan(root, { runs: 1 });
    const mat = plan.stages.get('mat0000')!;
    mkdirSync(mat.dir, { recursive: true });
    const orphan = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
    orphan.unref();
    const gone = new Promise((r) => orphan.on('exit', r));
    recordChild(mat.dir, orphan.pid!);
    const r = standInRunners();
    await executeLocal(plan, r, { until: 'materialize' });
    await gone;
    expect(orphan.exitCode !== null || orphan.signalCode !== null).toBe(true);
    expect(r.calls.map((c) => c.id)).toEqual(['mat0000']);
    expect(existsSync(path.join(mat.dir, '.ablate-children'))).toBe(false);
  });

  it('dry run calls runners with dryRun and marks nothing done', async () => {
    const root = tempDir();
    const plan = makePlan(root, { runs: 2 });
    const seen: boolean[] = [];
    const r: StageRunners = { materialize: async (c) => void seen.push(c.dryRun), train: async (c) => void seen.push(c.dryRun), eval: async (c) => void seen.push(c.dryRun) };
    await executeLocal(plan, r, { dryRun: true });
    expect(seen).toHaveLength(plan.stages.size);
    expect(seen.every(Boolean)).toBe(true);
    expect([...plan.stages.values()].some((s) => isDone(s))).toBe(false);
    writeFileSync(path.join(root, 'x'), '');
  });
});
