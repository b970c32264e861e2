import { AblateError, EXIT } from '../errors.js';
import { setMaxListeners } from 'node:events';
import type { Plan, Stage } from '../plan/types.js';
import { checkCompletion, isDone } from './cache.js';
import { describeHolder } from './lock.js';
import { selectStages, type Selection } from './graph.js';
import { GpuPool, Semaphore } from './slots.js';
import { runStage } from './stage.js';
import type { ExecEvent, ExecSummary, StageProgress, StageRunners, StageState } from './types.js';

export interface LocalOptions extends Selection {
  /** GPU ids to schedule onto (`--gpus` over `execute.gpus`). */
  gpus?: number[];
  /** CPU stages at once (`execute.cpu_slots`, default 2). */
  cpuSlots?: number;
  signal?: AbortSignal;
  onEvent?: (e: ExecEvent) => void;
  dryRun?: boolean;
  /** After an abort, how long to wait for stages to stop before returning anyway. */
  graceMs?: number;
  /** Minimum time between two progress events of one stage. */
  progressEveryMs?: number;
}

type Outcome = 'done' | 'cached' | 'failed' | 'skipped' | 'interrupted' | 'dry-run';

const now = (): string => new Date().toISOString();

/**
 * Runs the selected part of a plan on this machine. Each unique stage runs at most once (a map from
 * id to its promise), after its dependencies; a failure skips its dependents while other runs go on.
 */
export async function executeLocal(plan: Plan, runners: StageRunners, opts: LocalOptions = {}): Promise<ExecSummary> {
  const t0 = Date.now();
  const emit = (e: ExecEvent): void => opts.onEvent?.(e);
  const signal = opts.signal ?? new AbortController().signal;
  // Every waiting stage listens for the abort: hundreds of listeners on one signal are expected here.
  setMaxListeners(0, signal);
  const sel = selectStages(plan, opts);
  // One host cannot run a multi-node training; several GPUs on it are torchrun's --nproc_per_node.
  const multiNode = sel.stages.find((s) => (s.nodes ?? 1) > 1);
  if (multiNode) throw new AblateError(`${multiNode.kind} ${multiNode.id} runs on ${multiNode.nodes} nodes (train.nodes): the local executor runs on one host; use --executor slurm, or set train.nodes: 1 and train.gpus to the GPUs of this host`, EXIT.usage);
  const byId = new Map(sel.stages.map((s) => [s.id, s]));
  const gpuPool = new GpuPool(opts.gpus ?? []);
  const cpu = new Semaphore(Math.max(1, opts.cpuSlots ?? 2));
  const outcomes = new Map<string, Promise<Outcome>>();
  const failures: ExecSummary['failures'] = [];
  const progressEvery = opts.progressEveryMs ?? 200;

  const checks = new Map(sel.stages.filter((s) => !sel.forced.has(s.id)).map((s) => [s.id, checkCompletion(s)]));
  const initiallyDone = new Set([...checks].filter(([, c]) => c.ok).map(([id]) => id));
  emit({ type: 'plan', time: now(), executor: 'local', runs: sel.runs.length, stages: sel.stages.length, cached: initiallyDone.size, toRun: sel.stages.length - initiallyDone.size });

  // Never a silent reuse: each record that no longer matches its files is named before anything runs.
  for (const [id, c] of checks) if (!c.ok && !c.absent) emit({ type: 'stage-invalid', time: now(), id, kind: byId.get(id)!.kind, reason: c.problem });

  const execute = async (s: Stage): Promise<Outcome> => {
    const deps = await Promise.all(s.deps.map((d) => ensure(d)));
    const bad = s.deps.filter((_, i) => !['done', 'cached', 'dry-run'].includes(deps[i]!));
    if (bad.length) {
      const first = bad[0]!;
      const reason = deps[s.deps.indexOf(first)] === 'interrupted' ? 'interrupted' : `upstream ${byId.get(first)?.kind ?? 'stage'} ${first} ${deps[s.deps.indexOf(first)]}`;
      if (reason !== 'interrupted') emit({ type: 'stage-skipped', time: now(), id: s.id, kind: s.kind, reason });
      return reason === 'interrupted' ? 'interrupted' : 'skipped';
    }
    const forced = sel.forced.has(s.id);
    if (!forced && isDone(s)) {
      if (!opts.dryRun) emit({ type: 'stage-done', time: now(), id: s.id, kind: s.kind, cached: true, durationMs: 0 });
      return 'cached';
    }
    if (signal.aborted) return 'interrupted';
    let gpuIds: number[] = [];
    let releaseCpu: (() => void) | undefined;
    try {
      // A dry run starts nothing, so it needs no GPUs: a laptop or a login node shows the whole plan.
      if (opts.dryRun) releaseCpu = await cpu.acquire(signal);
      else if (s.gpus > 0) gpuIds = await gpuPool.acquire(s.gpus, signal);
      else releaseCpu = await cpu.acquire(signal);
    } catch (err) {
      if (signal.aborted) return 'interrupted';
      const error = `${s.kind} ${s.id} ${(err as Error).message}`;
      failures.push({ id: s.id, kind: s.kind, error });
      emit({ type: 'stage-failed', time: now(), id: s.id, kind: s.kind, error });
      return 'failed';
    }
    const started = Date.now();
    let lastProgress = 0;
    let lastPercent = -1;
    try {
      const out = await runStage({
        plan,
        stage: s,
        runner: runners[s.kind],
        env: { CUDA_VISIBLE_DEVICES: gpuIds.join(',') },
        signal,
        force: forced,
        executor: 'local',
        what: 'ablate run',
        ...(opts.dryRun ? { dryRun: true } : {}),
        onWaiting: (h) => emit({ type: 'stage-waiting', time: now(), id: s.id, kind: s.kind, holder: describeHolder(h) }),
        // A dry run does no work: no start/done lines for it (the commands are printed instead).
        ...(opts.dryRun ? {} : { onStart: () => emit({ type: 'stage-start', time: now(), id: s.id, kind: s.kind, runs: s.runs, gpus: gpuIds }) }),
        onProgress: (p: StageProgress) => {
          const t = Date.now();
          const jumped = p.percent !== undefined && Math.floor(p.percent) !== lastPercent;
          if (t - lastProgress < progressEvery && !jumped) return;
          lastProgress = t;
          if (p.percent !== undefined) lastPercent = Math.floor(p.percent);
          emit({ type: 'progress', time: now(), id: s.id, kind: s.kind, elapsedMs: t - started, ...p });
        },
      });
      switch (out.status) {
        case 'cached':
          emit({ type: 'stage-done', time: now(), id: s.id, kind: s.kind, cached: true, durationMs: 0 });
          return 'cached';
        case 'dry-run':
          return 'dry-run';
        case 'done':
          emit({ type: 'stage-done', time: now(), id: s.id, kind: s.kind, cached: false, durationMs: out.durationMs });
          return 'done';
        case 'failed':
          if (!out.interrupted) failures.push({ id: s.id, kind: s.kind, error: out.error, log: out.log });
          emit({ type: 'stage-failed', time: now(), id: s.id, kind: s.kind, error: out.error, log: out.log, ...(out.interrupted ? { interrupted: true } : {}) });
          return out.interrupted ? 'interrupted' : 'failed';
      }
    } finally {
      gpuPool.release(gpuIds);
      releaseCpu?.();
    }
  };

  const ensure = (id: string): Promise<Outcome> => {
    let p = outcomes.get(id);
    if (!p) {
      const s = byId.get(id);
      if (!s) throw new Error(`plan: stage ${id} is not in the selection`);
      p = execute(s).catch((err: unknown) => {
        const error = `${s.kind} ${s.id}: ${(err as Error)?.message ?? String(err)}`;
        failures.push({ id: s.id, kind: s.kind, error });
        emit({ type: 'stage-failed', time: now(), id: s.id, kind: s.kind, error });
        return 'failed' as Outcome;
      });
      outcomes.set(id, p);
    }
    return p;
  };

  const all = Promise.all(sel.stages.map((s) => ensure(s.id)));
  if (!signal.aborted) {
    await new Promise<void>((resolve) => {
      const onAbort = (): void => {
        // Stages get the grace period to stop their children; then the controller returns regardless.
        setTimeout(resolve, (opts.graceMs ?? 10_000) + 2_000).unref();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      void all.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }
  const settled = new Map<string, Outcome>();
  await Promise.race([Promise.all(sel.stages.map(async (s) => settled.set(s.id, await outcomes.get(s.id)!))), new Promise((r) => setTimeout(r, 0))]);

  const stateOf = (o: Outcome | undefined): StageState =>
    o === 'done' || o === 'cached' || o === 'dry-run' ? 'done' : o === 'failed' ? 'failed' : o === 'skipped' ? 'skipped' : 'pending';
  const rank: Record<StageState, number> = { failed: 5, skipped: 4, running: 3, submitted: 2, pending: 1, done: 0 };
  const runs = sel.runs.map((r) => {
    let worst: StageState = 'done';
    for (const id of r.stages) {
      if (!byId.has(id)) continue;
      const st = stateOf(settled.get(id));
      if (rank[st] > rank[worst]) worst = st;
    }
    return { id: r.id, name: r.name, state: worst };
  });
  const count = (o: Outcome): number => [...settled.values()].filter((v) => v === o).length;
  const summary: ExecSummary = {
    executor: 'local',
    durationMs: Date.now() - t0,
    ran: count('done') + count('dry-run'),
    cached: count('cached'),
    failed: failures.length,
    skipped: count('skipped'),
    submitted: 0,
    interrupted: signal.aborted,
    runs,
    failures,
  };
  emit({ type: 'summary', time: now(), summary });
  return summary;
}
