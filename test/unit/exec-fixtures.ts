/**
 * Fixtures for the execution tests: hand-built plans, fast stand-in stage runners, and a compiled
 * copy of src/ for child processes (the controller under test runs as a real separate process).
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plan, Run, Stage, StageKind } from '../../src/plan/types.js';
import type { StageRunner, StageRunners } from '../../src/exec/types.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function tempDir(prefix = 'ablate-exec-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export interface PlanShape {
  runs: number;
  /** Runs i and j share a materialize stage when i % materializeShared === j % materializeShared. */
  materializeShared?: number;
  tasks?: string[];
  trainGpus?: number;
  evalGpus?: number;
  experiment?: string;
}

/** A plan of the real shape (materialize → train → eval per task), with ids derived from the shape. */
export function makePlan(resultsRoot: string, shape: PlanShape): Plan {
  const stages = new Map<string, Stage>();
  const tasks = shape.tasks ?? ['humaneval'];
  const shared = shape.materializeShared ?? shape.runs;
  const add = (kind: StageKind, id: string, deps: string[], gpus: number, run: string, task?: string): string => {
    const s = stages.get(id);
    if (s) {
      if (!s.runs.includes(run)) s.runs.push(run);
      return id;
    }
    stages.set(id, { kind, id, dir: path.join(resultsRoot, 'stages', kind, id), deps, inputs: { kind, id, deps }, gpus, runs: [run], ...(task ? { task } : {}) });
    return id;
  };
  const runs: Run[] = [];
  for (let i = 0; i < shape.runs; i++) {
    const runId = `run${String(i).padStart(4, '0')}`;
    const m = add('materialize', `mat${String(i % shared).padStart(4, '0')}`, [], 0, runId);
    const t = add('train', `trn${String(i).padStart(4, '0')}`, [m], shape.trainGpus ?? 0, runId);
    const evals = tasks.map((task) => add('eval', `evl${String(i).padStart(4, '0')}-${task}`, [t], shape.evalGpus ?? 0, runId, task));
    runs.push({ id: runId, name: `arm-${i}`, index: i, axes: {}, repeat: 1, samplingSeed: i, config: {} as Run['config'], stages: [m, t, ...evals] });
  }
  // Dependency order: all materialize, then train, then eval (what the planner guarantees).
  const ordered = new Map([...stages].sort(([, a], [, b]) => order(a.kind) - order(b.kind)));
  return { experiment: shape.experiment ?? 'exec-test', specFile: path.join(resultsRoot, 'spec.yaml'), specDir: resultsRoot, resultsRoot, runs, stages: ordered };
}

const order = (k: StageKind): number => ['materialize', 'train', 'eval'].indexOf(k);

export interface StandInOptions {
  /** Files each stage writes, one per step. */
  files?: number;
  stepMs?: number;
  /** Stage ids that throw. */
  fail?: Set<string>;
  /** Append "<id> <event>" lines here (start/end markers). */
  markers?: string;
}

/** Runners that write a few files over time, honour the abort signal, and leave start/end markers. */
export function standInRunners(o: StandInOptions = {}): StageRunners & { calls: Array<{ id: string; env: Record<string, string>; start: number; end: number }> } {
  const calls: Array<{ id: string; env: Record<string, string>; start: number; end: number }> = [];
  const runner: StageRunner = async (ctx) => {
    const start = Date.now();
    if (o.markers) appendFileSync(o.markers, `${ctx.stage.id} start\n`);
    for (const d of ctx.stage.deps) if (!existsSync(path.join(ctx.depDir(d), 'ablate-stage.json'))) throw new Error(`dependency ${d} not done`);
    const n = o.files ?? 2;
    for (let i = 0; i < n; i++) {
      ctx.signal.throwIfAborted();
      writeFileSync(path.join(ctx.workDir, `out-${i}.txt`), `${ctx.stage.id} part ${i}\n`);
      ctx.progress({ percent: ((i + 1) / n) * 100, loss: 1 / (i + 1) });
      if (o.stepMs) await new Promise((r) => setTimeout(r, o.stepMs));
    }
    if (o.fail?.has(ctx.stage.id)) throw new Error(`stand-in failure of ${ctx.stage.id}`);
    calls.push({ id: ctx.stage.id, env: { ...ctx.env }, start, end: Date.now() });
    if (o.markers) appendFileSync(o.markers, `${ctx.stage.id} end\n`);
    return { tools: { standin: '1' } };
  };
  return { materialize: runner, train: runner, eval: runner, calls };
}

/**
 * Compiles src/ into a private copy of the package layout under node_modules/.cache (so bare imports
 * resolve): <copy>/dist, <copy>/bin/ablate.js, and links to schemas/ and runners/. Returns the copy's
 * root. Type errors elsewhere in the tree (files others are writing) do not stop the emit.
 */
export function compileForChild(): string {
  const base = path.join(repoRoot, 'node_modules', '.cache', 'ablate-exec-test');
  mkdirSync(base, { recursive: true });
  const root = mkdtempSync(path.join(base, 'pkg-'));
  const out = path.join(root, 'dist');
  try {
    execFileSync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(repoRoot, 'tsconfig.build.json'), '--outDir', out, '--sourceMap', 'false'], { stdio: 'pipe', cwd: repoRoot });
  } catch {
    /* type errors in files being written by others: the emit still happened */
  }
  if (!existsSync(path.join(out, 'exec', 'local.js'))) throw new Error(`compiling src/ into ${out} failed`);
  writeFileSync(path.join(root, 'package.json'), '{"type":"module"}\n');
  mkdirSync(path.join(root, 'bin'));
  copyFileSync(path.join(repoRoot, 'bin', 'ablate.js'), path.join(root, 'bin', 'ablate.js'));
  for (const d of ['schemas', 'runners', 'experiments']) if (existsSync(path.join(repoRoot, d))) symlinkSync(path.join(repoRoot, d), path.join(root, d));
  return root;
}
