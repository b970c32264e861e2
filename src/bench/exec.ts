/**
 * Controller overhead of the local executor: a 200-run sweep (20 shared datasets, 200 trainings,
 * 400 evaluations = 620 stages) with no-op stages, so all measured time is the controller's own
 * (graph walk, locks, completion records, events); then the same sweep again, fully cached.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { executeLocal } from '../exec/local.js';
import type { StageRunners } from '../exec/types.js';
import type { Plan, Run, Stage, StageKind } from '../plan/types.js';
import type { BenchRow } from './types.js';

export function syntheticSweep(resultsRoot: string, runs: number, datasets: number, tasks: string[]): Plan {
  const stages = new Map<string, Stage>();
  const add = (kind: StageKind, id: string, deps: string[], gpus: number, run: string, task?: string): string => {
    const s = stages.get(id);
    if (s) s.runs.push(run);
    else stages.set(id, { kind, id, dir: path.join(resultsRoot, 'stages', kind, id), deps, inputs: { id }, gpus, runs: [run], ...(task ? { task } : {}) });
    return id;
  };
  const runList: Run[] = [];
  const order: Record<StageKind, number> = { materialize: 0, train: 1, eval: 2 };
  for (let i = 0; i < runs; i++) {
    const run = `r${i}`;
    const m = add('materialize', `m${i % datasets}`, [], 0, run);
    const t = add('train', `t${i}`, [m], 1, run);
    const ev = tasks.map((task) => add('eval', `e${i}-${task}`, [t], 1, run, task));
    runList.push({ id: run, name: `arm-${i}`, index: i, axes: {}, repeat: 1, samplingSeed: i, config: {} as Run['config'], stages: [m, t, ...ev] });
  }
  const ordered = new Map([...stages].sort(([, a], [, b]) => order[a.kind] - order[b.kind]));
  return { experiment: 'bench-exec', specFile: path.join(resultsRoot, 'spec.yaml'), specDir: resultsRoot, resultsRoot, runs: runList, stages: ordered };
}

export async function benchExec(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ablate-bench-exec-'));
  try {
    const plan = syntheticSweep(path.join(dir, 'results'), 200, 20, ['humaneval', 'mbpp']);
    const noop = async (): Promise<void> => {};
    const runners: StageRunners = { materialize: noop, train: noop, eval: noop };
    let events = 0;
    const opts = { gpus: [0, 1, 2, 3, 4, 5, 6, 7], cpuSlots: 4, onEvent: () => void events++ };
    const t0 = performance.now();
    const first = await executeLocal(plan, runners, opts);
    const cold = (performance.now() - t0) / 1000;
    if (first.ran !== plan.stages.size) throw new Error(`bench: expected ${plan.stages.size} stages to run, ran ${first.ran}`);
    const t1 = performance.now();
    const again = await executeLocal(plan, runners, opts);
    const cached = (performance.now() - t1) / 1000;
    if (again.cached !== plan.stages.size) throw new Error('bench: the re-run was not fully cached');
    return [
      { name: `local controller overhead, 200-run sweep (${plan.stages.size} no-op stages)`, value: cold, unit: 's', target: '< 2 s' },
      { name: 'fully cached re-run of the 200-run sweep', value: cached, unit: 's', target: '< 1 s' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median wall time of `ablate --help` and `ablate --version` as processes (5 runs each). */
export async function benchStartup(): Promise<BenchRow[]> {
  const bin = fileURLToPath(new URL('../../bin/ablate.js', import.meta.url));
  const median = async (args: string[]): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const r = await execa(process.execPath, [bin, ...args], { reject: false });
      times.push((performance.now() - t0) / 1000);
      if (r.exitCode !== 0) throw new Error(`bench: ablate ${args.join(' ')} failed: ${r.stderr}`);
    }
    return times.sort((a, b) => a - b)[2]!;
  };
  const t0 = performance.now();
  await execa(process.execPath, ['-e', '0']);
  const bare = (performance.now() - t0) / 1000;
  return [
    { name: '`ablate --help` (CLI process, median of 5)', value: await median(['--help']), unit: 's', target: '< 0.2 s' },
    { name: '`ablate --version` (CLI process, median of 5)', value: await median(['--version']), unit: 's', target: '< 0.2 s' },
    { name: 'bare `node -e 0` for comparison', value: bare, unit: 's' },
  ];
}

/**
 * The same from the user's side: `ablate run` of a 200-run spec (validate + plan + execute) as a CLI
 * process with no-op stages, then its fully cached re-run.
 */
export async function benchExecCli(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ablate-bench-exec-cli-'));
  try {
    writeFileSync(path.join(dir, 'code.jsonl'), '{"instruction":"write add","input":"","output":"def add(a,b): return a+b"}\n');
    writeFileSync(path.join(dir, 'problems.jsonl'), '{"task_id":"p/0","prompt":"def f():\\n","canonical_solution":"  return 1\\n","test":"def check(c):\\n  assert c()==1\\n","entry_point":"f"}\n');
    const rates = Array.from({ length: 200 }, (_, i) => (i + 1) / 1e5);
    writeFileSync(
      path.join(dir, 'spec.yaml'),
      JSON.stringify({
        name: 'bench-exec-cli',
        seed: 1,
        sources: { code: { path: 'code.jsonl', format: 'alpaca' } },
        data: { source: 'code' },
        sweep: { grid: { 'train.args.learning_rate': rates } },
        train: { model: 'builtin:tiny-llama', template: 'default', finetuning: 'lora', args: { max_steps: 1 }, gpus: 0 },
        eval: { tool: 'local', tasks: ['humaneval'], problems: 'problems.jsonl', gpus: 0 },
        execute: { cpu_slots: 4 },
      }),
    );
    writeFileSync(path.join(dir, 'noop.mjs'), 'const noop = async () => {};\nexport const runners = { materialize: noop, train: noop, eval: noop };\n');
    const bin = fileURLToPath(new URL('../../bin/ablate.js', import.meta.url));
    const args = [bin, 'run', path.join(dir, 'spec.yaml'), '--results', path.join(dir, 'results'), '--runners', path.join(dir, 'noop.mjs'), '--quiet'];
    const t0 = performance.now();
    const first = await execa(process.execPath, args, { reject: false });
    const cold = (performance.now() - t0) / 1000;
    if (first.exitCode !== 0) throw new Error(`bench: ablate run failed: ${first.stderr}`);
    const t1 = performance.now();
    const again = await execa(process.execPath, args, { reject: false });
    const cached = (performance.now() - t1) / 1000;
    if (!/0 stage\(s\) ran, 401 cached/.test(String(again.stdout))) throw new Error(`bench: the re-run was not fully cached: ${again.stdout}`);
    return [
      { name: '`ablate run` of a 200-run spec, 401 no-op stages (CLI process: validate + plan + execute)', value: cold, unit: 's' },
      { name: '`ablate run` fully cached re-run of it (CLI process)', value: cached, unit: 's', target: '< 0.5 s' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
