/**
 * The SLURM executor's latency on the real cluster (scripts/slurm-up.sh): a chain materialize → train →
 * eval of stand-in stages that finish at once, run by `ablate run` with the default 40 s squeue poll.
 * Measured from the completion records (written by the jobs) and the controller's NDJSON events:
 * how soon after a job ends the next stage of the chain runs, and how soon the controller knows.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { BenchRow } from './types.js';

const RUNNERS = `const runner = async () => ({ tools: { standin: '1' } });
export const runners = { materialize: runner, train: runner, eval: runner };
`;

export async function benchSlurmLatency(): Promise<BenchRow[]> {
  if (spawnSync('sinfo', ['-h'], { stdio: 'ignore' }).status !== 0) {
    if (process.env['CI']) throw new Error('bench slurm: sinfo does not answer; CI starts the cluster with scripts/slurm-up.sh');
    console.error('bench slurm: skipped, no SLURM cluster here (scripts/slurm-up.sh starts one)');
    return [];
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'ablate-bench-slurm-'));
  try {
    writeFileSync(path.join(dir, 'code.jsonl'), '{"instruction":"write add","input":"","output":"def add(a,b): return a+b"}\n');
    writeFileSync(path.join(dir, 'problems.jsonl'), '{"task_id":"p/0","prompt":"def f():\\n","canonical_solution":"  return 1\\n","test":"def check(c):\\n  assert c()==1\\n","entry_point":"f"}\n');
    writeFileSync(path.join(dir, 'runners.mjs'), RUNNERS);
    const name = `bench-slurm-${path.basename(dir).slice(-6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
    writeFileSync(
      path.join(dir, 'spec.yaml'),
      JSON.stringify({
        name,
        seed: 1,
        sources: { code: { path: 'code.jsonl', format: 'alpaca' } },
        data: { source: 'code' },
        train: { model: 'builtin:tiny-llama', template: 'default', args: { max_steps: 1 }, gpus: 0 },
        eval: { tool: 'local', tasks: ['humaneval'], problems: 'problems.jsonl', gpus: 0 },
        execute: { executor: 'slurm', slurm: { time: '10:00', cpus_per_task: 1, mem: '200M' } },
      }),
    );
    const bin = fileURLToPath(new URL('../../bin/ablate.js', import.meta.url));
    const results = path.join(dir, 'results');
    const r = await execa(process.execPath, [bin, 'run', path.join(dir, 'spec.yaml'), '--results', results, '--runners', path.join(dir, 'runners.mjs'), '--json'], { reject: false });
    if (r.exitCode !== 0) throw new Error(`bench slurm: ablate run failed (${r.exitCode}): ${r.stderr}`);
    const events = String(r.stdout).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; id?: string; time: string; cached?: boolean });
    const plan = JSON.parse((await execa(process.execPath, [bin, 'plan', path.join(dir, 'spec.yaml'), '--results', results, '--json'])).stdout) as { runs: Array<{ stages: Array<{ id: string; kind: string }> }> };
    const chain = plan.runs[0]!.stages;
    const record = (s: { id: string; kind: string }): { startedAt: string; finishedAt: string } => JSON.parse(readFileSync(path.join(results, 'stages', s.kind, s.id, 'ablate-stage.json'), 'utf8'));
    const t = (iso: string): number => Date.parse(iso);
    const nextStarts = chain.slice(1).map((s, i) => (t(record(s).startedAt) - t(record(chain[i]!).finishedAt)) / 1000);
    const notices = chain.map((s) => {
      const done = events.find((e) => e.type === 'stage-done' && e.id === s.id && !e.cached);
      if (!done) throw new Error(`bench slurm: no stage-done event for ${s.kind} ${s.id}`);
      return (t(done.time) - t(record(s).finishedAt)) / 1000;
    });
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    // SLURM's own part: the upstream job's EndTime to the dependent job's StartTime (scontrol, whole seconds).
    const subs = JSON.parse(readFileSync(path.join(results, 'slurm', `${name}.json`), 'utf8')) as { jobs: Record<string, Array<{ jobId: string }>> };
    const times = (s: { id: string }): { start: number; end: number } => {
      const out = spawnSync('scontrol', ['show', 'job', subs.jobs[s.id]!.at(-1)!.jobId], { encoding: 'utf8' }).stdout;
      const at = (k: string): number => Date.parse(new RegExp(`(?:^|\\s)${k}=(\\S+)`).exec(out)?.[1] ?? '');
      return { start: at('StartTime'), end: at('EndTime') };
    };
    const jobStarts = chain.slice(1).map((s, i) => (times(s).start - times(chain[i]!).end) / 1000);
    return [
      { name: 'SLURM: a job ends → the next job of its chain starts (scontrol EndTime → StartTime, whole seconds), mean of 2 links', value: mean(jobStarts), unit: 's', target: '< 3 s' },
      { name: 'SLURM: a job ends → the next stage of its chain runs (records: includes ablate starting in the job), mean of 2 links', value: mean(nextStarts), unit: 's' },
      { name: 'SLURM: a job ends → the controller reports it done (40 s squeue poll, records watched), worst of 3', value: Math.max(...notices), unit: 's', target: '< 3 s' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
