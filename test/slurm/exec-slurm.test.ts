/**
 * The SLURM executor against a real cluster (scripts/slurm-up.sh starts a single-node one).
 * Skips with a message when SLURM is absent locally; fails when CI is set.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const hasSlurm = spawnSync('sinfo', ['-h'], { stdio: 'ignore' }).status === 0;
if (!hasSlurm && !process.env['CI']) console.warn('SLURM tests skipped: `sinfo` is not available (run scripts/slurm-up.sh as root to start a local cluster)');

const STANDIN = `
import { writeFileSync } from 'node:fs';
import path from 'node:path';
const runner = async (ctx) => {
  const steps = 3;
  for (let i = 0; i < steps; i++) {
    ctx.signal.throwIfAborted();
    writeFileSync(path.join(ctx.workDir, 'out-' + i + '.txt'), ctx.stage.id + ' ' + i + ' setup=' + (process.env.ABLATE_SETUP_RAN ?? '') + '\\n');
    ctx.progress({ percent: ((i + 1) / steps) * 100 });
    await new Promise((r) => setTimeout(r, Number(process.env.STANDIN_STEP_MS ?? 100)));
  }
  if (process.env.STANDIN_FAIL_KIND === ctx.stage.kind && ctx.stage.runs.some((r) => (process.env.STANDIN_FAIL_RUNS ?? '').split(',').includes(r)))
    throw new Error('stand-in ' + ctx.stage.kind + ' failed on purpose');
  return { tools: { standin: '1' } };
};
export const runners = { materialize: runner, train: runner, eval: runner };
`;

interface Fixture {
  dir: string;
  spec: string;
  results: string;
  runners: string;
  name: string;
}

function fixture(tag: string, resultsName = 'results'): Fixture {
  const dir = mkdtempSync(path.join(tmpdir(), `ablate-slurm-${tag}-`));
  const name = `slurm-${tag}-${path.basename(dir).slice(-6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  writeFileSync(path.join(dir, 'code.jsonl'), '{"instruction":"write add","input":"","output":"def add(a,b): return a+b"}\n{"instruction":"write sub","input":"","output":"def sub(a,b): return a-b"}\n');
  writeFileSync(path.join(dir, 'problems.jsonl'), '{"task_id":"p/0","prompt":"def f():\\n","canonical_solution":"  return 1\\n","test":"def check(c):\\n  assert c()==1\\n","entry_point":"f"}\n');
  writeFileSync(
    path.join(dir, 'spec.yaml'),
    `name: ${name}
seed: 1
sources:
  code: { path: code.jsonl, format: alpaca }
data:
  source: code
sweep:
  grid:
    train.args.learning_rate: [0.001, 0.002]
train:
  model: builtin:tiny-llama
  template: default
  finetuning: lora
  args: { max_steps: 1 }
  gpus: 0
eval:
  tool: local
  tasks: [humaneval, mbpp]
  problems: problems.jsonl
  gpus: 0
execute:
  executor: slurm
  slurm:
    partition: debug
    time: "10:00"
    cpus_per_task: 1
    mem: 200M
    directives: ["--nice=0"]
    setup: ["export ABLATE_SETUP_RAN=yes"]
`,
  );
  writeFileSync(path.join(dir, 'runners.mjs'), STANDIN);
  return { dir, spec: path.join(dir, 'spec.yaml'), results: path.join(dir, resultsName), runners: path.join(dir, 'runners.mjs'), name };
}

const run = (f: Fixture, extra: string[], env: Record<string, string> = {}) =>
  runCli(['run', f.spec, '--results', f.results, '--runners', f.runners, '--poll-ms', '300', '--quiet', ...extra], { env: { ...process.env, ...env } as Record<string, string> });

interface StatusJson {
  runs: Array<{ name: string; state: string; stages: Array<{ id: string; kind: string; state: string; reason?: string; log?: string; jobId?: string }> }>;
  counts: Record<string, number>;
}
const status = async (f: Fixture): Promise<StatusJson> => {
  const r = await runCli(['status', f.spec, '--results', f.results, '--json']);
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as StatusJson;
};

async function until<T>(what: string, f: () => Promise<T>, ok: (v: T) => boolean, ms = 180_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const submissions = (f: Fixture): { jobName: string; jobs: Record<string, Array<{ jobId: string; dependsOn: string[]; kind: string }>> } =>
  JSON.parse(readFileSync(path.join(f.results, 'slurm', `${f.name}.json`), 'utf8'));

const activeJobs = (jobName: string): string[] =>
  spawnSync('squeue', ['--noheader', `--name=${jobName}`, '--format=%i'], { encoding: 'utf8' }).stdout.split('\n').map((s) => s.trim()).filter(Boolean);

describe.skipIf(!hasSlurm && !process.env['CI'])('SLURM executor (real cluster)', () => {
  it('the cluster is there (required in CI)', () => {
    expect(hasSlurm, 'sinfo must work in CI: scripts/slurm-up.sh starts a single-node cluster').toBe(true);
  });

  it('submits one job per stage chained with afterok dependencies, follows them to the end, and never resubmits', async () => {
    const f = fixture('deps');
    const r = await run(f, []);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/7 submitted/);
    const subs = submissions(f);
    expect(subs.jobName).toBe(`ablate-${f.name}`);
    const st = await status(f);
    expect(st.counts).toMatchObject({ done: 7 });
    const jobOf = new Map(Object.entries(subs.jobs).map(([id, s]) => [id, s.at(-1)!]));
    for (const runStatus of st.runs) {
      const [mat, trn, ...evals] = runStatus.stages;
      expect(jobOf.get(trn!.id)!.dependsOn).toEqual([jobOf.get(mat!.id)!.jobId]);
      for (const e of evals) expect(jobOf.get(e.id)!.dependsOn).toEqual([jobOf.get(trn!.id)!.jobId]);
    }
    const trnStage = st.runs[0]!.stages[1]!;
    const stageDir = path.join(f.results, 'stages', 'train', trnStage.id);
    const script = readFileSync(path.join(stageDir, 'ablate-slurm.sh'), 'utf8');
    expect(script).toContain(`#SBATCH --job-name=ablate-${f.name}`);
    expect(script).toContain(`#SBATCH --comment=train/${trnStage.id}/`);
    for (const d of ['--partition=debug', '--time=10:00', '--cpus-per-task=1', '--mem=200M', '--nice=0']) expect(script).toContain(`#SBATCH ${d}`);
    expect(script).toMatch(/stage-exec --spec .* --stage [0-9a-f]+ --results /);
    // The job wrote its own completion record, after the setup lines ran.
    const rec = JSON.parse(readFileSync(path.join(stageDir, 'ablate-stage.json'), 'utf8'));
    expect(rec).toMatchObject({ executor: 'slurm', jobId: jobOf.get(trnStage.id)!.jobId, tools: { standin: '1' } });
    expect(readFileSync(path.join(stageDir, 'out-0.txt'), 'utf8')).toContain('setup=yes');
    const again = await run(f, []);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toMatch(/7 cached/);
    expect(Object.values(submissions(f).jobs).flat()).toHaveLength(7);
  });

  it('a failing job cancels its dependents, and status says why', async () => {
    const f = fixture('fail');
    const plan = await runCli(['plan', f.spec, '--results', f.results, '--json']);
    const failingRun = (JSON.parse(plan.stdout) as { runs: Array<{ id: string; name: string }> }).runs.find((x) => x.name.includes('0.002'))!;
    const r = await run(f, [], { STANDIN_FAIL_KIND: 'train', STANDIN_FAIL_RUNS: failingRun.id });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/failed train [0-9a-f]+: job \d+(_\d+)? FAILED/);
    const st = await status(f);
    const bad = st.runs.find((x) => x.name.includes('0.002'))!;
    expect(bad.state).toBe('failed');
    const [mat, trn, ...evals] = bad.stages;
    expect(mat!.state).toBe('done');
    expect(trn!.state).toBe('failed');
    expect(trn!.reason).toMatch(/FAILED.*stand-in train failed on purpose/);
    expect(trn!.log && existsSync(trn!.log)).toBeTruthy();
    for (const e of evals) {
      expect(e.state).toBe('skipped');
      expect(e.reason).toMatch(new RegExp(`dependency never succeeded: train ${trn!.id} \\(job ${trn!.jobId}\\)`));
    }
    expect(st.runs.find((x) => x.name.includes('0.001'))!.state).toBe('done');
    const text = await runCli(['status', f.spec, '--results', f.results]);
    expect(text.stdout).toMatch(/cancelled by SLURM: its dependency never succeeded/);
    // Fixed: a later run resubmits exactly the failed branch.
    const fixed = await run(f, []);
    expect(fixed.exitCode, fixed.stdout + fixed.stderr).toBe(0);
    expect(fixed.stdout).toMatch(/3 submitted/);
  });

  it('--detach submits and returns; status follows the jobs to completion; a second run does not resubmit', async () => {
    const f = fixture('detach');
    const t0 = Date.now();
    const r = await run(f, ['--detach'], { STANDIN_STEP_MS: '700' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.stdout).toMatch(/Submitted 7 job\(s\)/);
    const first = await status(f);
    expect((first.counts['submitted'] ?? 0) + (first.counts['running'] ?? 0)).toBeGreaterThan(0);
    const again = await run(f, ['--detach']);
    expect(again.exitCode).toBe(0);
    expect(Object.values(submissions(f).jobs).flat()).toHaveLength(7);
    // A controller killed after sbatch but before recording the job: the jobs still queued are adopted
    // (squeue names their scripts), never submitted a second time.
    const allJobs = (): string[] => spawnSync('squeue', ['--noheader', '--states=all', `--name=ablate-${f.name}`, '--format=%i'], { encoding: 'utf8' }).stdout.split('\n').map((x) => x.trim()).filter(Boolean).sort();
    const before = allJobs();
    rmSync(path.join(f.results, 'slurm', `${f.name}.json`));
    const adopt = await run(f, ['--detach']);
    expect(adopt.exitCode, adopt.stderr).toBe(0);
    expect(adopt.stdout).toMatch(/Submitted 0 job\(s\)/);
    expect(allJobs()).toEqual(before);
    const done = await until('all stages done', () => status(f), (s) => s.counts['done'] === 7);
    expect(done.runs.every((x) => x.state === 'done')).toBe(true);
  });

  it('a results path with spaces, quotes, # and $(...) reaches sbatch whole and runs nothing as shell', async () => {
    const f = fixture('quote', `my "results" $(touch PWNED) #1`);
    const r = await run(f, ['--only', '*0.001*']);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/4 submitted/);
    const st = await status(f);
    expect(st.counts).toMatchObject({ done: 4 });
    const trn = st.runs.find((x) => x.name.includes('0.001'))!.stages[1]!;
    // sbatch wrote the job's output where the quoted --output said, inside the stage folder.
    expect(existsSync(path.join(f.results, 'stages', 'train', trn.id, `ablate-slurm-${trn.jobId}.out`))).toBe(true);
    expect(existsSync(path.join(f.dir, 'PWNED'))).toBe(false);
  });

  it('cancel scancels the queued and running jobs; nothing is marked done', async () => {
    const f = fixture('cancel');
    const r = await run(f, ['--detach'], { STANDIN_STEP_MS: '5000' });
    expect(r.exitCode, r.stderr).toBe(0);
    await until('a running job', () => status(f), (s) => (s.counts['running'] ?? 0) > 0, 60_000);
    const c = await runCli(['cancel', f.spec, '--results', f.results, '--json']);
    expect(c.exitCode, c.stderr).toBe(0);
    expect((JSON.parse(c.stdout) as { slurmJobs: string[] }).slurmJobs.length).toBeGreaterThan(0);
    await until('no active jobs', async () => activeJobs(`ablate-${f.name}`), (ids) => ids.length === 0, 60_000);
    const st = await until('stopped stages', () => status(f), (s) => (s.counts['running'] ?? 0) === 0 && (s.counts['submitted'] ?? 0) === 0, 60_000);
    expect(st.counts['done'] ?? 0).toBe(0);
    const c2 = await runCli(['cancel', f.spec, '--results', f.results]);
    expect(c2.stdout).toMatch(/no queued or running SLURM jobs/);
  });
});
