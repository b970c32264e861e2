/** `ablate plan`'s cost block: GPU-hours from tokens to train over a throughput, measured where possible. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCompletion } from '../../src/exec/cache.js';
import { executeSettingsOf } from '../../src/exec/controller.js';
import { BYTES_PER_TOKEN, estimateCost, renderCost } from '../../src/exec/cost.js';
import { buildPlan } from '../../src/plan/build.js';
import { runCli } from '../helpers/cli.js';

// 40 records of 100 text bytes each (instruction 60 + output 40): 25 tokens per record at 4 bytes per token.
const record = (i: number): string => JSON.stringify({ instruction: `${'i'.repeat(57)}${String(i).padStart(3, '0')}`, input: '', output: 'o'.repeat(40) });
const DATA = Array.from({ length: 40 }, (_, i) => record(i)).join('\n') + '\n';

function spec(extra = ''): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ablate-cost-'));
  writeFileSync(path.join(dir, 'code.jsonl'), DATA);
  writeFileSync(
    path.join(dir, 'spec.yaml'),
    `name: cost
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
  args: { num_train_epochs: 2 }
  gpus: 2
eval:
  tool: local
  tasks: [humaneval, mbpp]
  problems: code.jsonl
  gpus: 1
execute:
  executor: slurm
  slurm: { max_running: 1 }
  cost: { train_tokens_per_gpu_second: 0.01, eval_gpu_hours: 0.5 }
${extra}`,
  );
  return path.join(dir, 'spec.yaml');
}

describe('plan cost', () => {
  it('trains records × mean tokens × epochs over the throughput; evaluations at their configured GPU-hours', async () => {
    const plan = await buildPlan(spec(), { resultsRoot: mkdtempSync(path.join(tmpdir(), 'ablate-cost-res-')) });
    const c = estimateCost(plan, executeSettingsOf(plan));
    // Each training: 40 records × 25 tokens × 2 epochs = 2000 tokens; at 0.01 tokens/GPU-s: 200,000 GPU-s.
    expect(100 / BYTES_PER_TOKEN).toBe(25);
    expect(c.train.stages).toBe(2);
    expect(c.train.tokens).toBe(4000);
    expect(c.train.gpuHours).toBeCloseTo((2 * 200_000) / 3600, 6);
    expect(c.eval).toMatchObject({ stages: 4, gpuHours: 2 });
    expect(c.totalGpuHours).toBeCloseTo(400_000 / 3600 + 2, 6);
    // One job at a time: two trainings one after the other, each on 2 GPUs (wall = GPU-h / 2), then 4 evaluations.
    expect(c.wallHours).toBeCloseTo((2 * 200_000) / 3600 / 2 + 4 * 0.5, 6);
    expect(renderCost(c)).toMatch(/train +2 stages +111 GPU-h .*\n {2}eval +4 stages +2\.00 GPU-h.*\n {2}total +113 GPU-h; wall ≈ 57\.6 h at 1 job\(s\) at once/);
  });

  it('data.size and cutoff_len bound the tokens; a finished training replaces the configured throughput by the measured one', async () => {
    const plan = await buildPlan(spec(), { resultsRoot: mkdtempSync(path.join(tmpdir(), 'ablate-cost-res-')) });
    const [first, second] = [...plan.stages.values()].filter((s) => s.kind === 'train');
    // The first training finished in 10 s on its 2 GPUs, having trained its 2000 tokens: 100 tokens/GPU-s.
    const mat = plan.stages.get(first!.deps[0]!)!;
    mkdirSync(mat.dir, { recursive: true });
    writeFileSync(path.join(mat.dir, 'data.jsonl'), DATA);
    await writeCompletion(mat, { startedAt: new Date(), finishedAt: new Date(), executor: 'local' });
    await writeCompletion(first!, { startedAt: new Date(), finishedAt: new Date(), executor: 'local', summary: { train_runtime: 10 } });
    const c = estimateCost(plan, executeSettingsOf(plan));
    expect(c.train.stages).toBe(1);
    expect(c.train.basis).toMatch(/^100 tokens\/GPU-s measured on finished trainings$/);
    expect(c.train.gpuHours).toBeCloseTo(2000 / 100 / 3600, 9);
    expect(second!.deps[0]).toBe(first!.deps[0]);
    const sizedSpec = spec();
    writeFileSync(sizedSpec, readFileSync(sizedSpec, 'utf8').replace('  source: code\n', '  source: code\n  size: 10\n').replace('num_train_epochs: 2', 'num_train_epochs: 2, cutoff_len: 5'));
    const sized = await buildPlan(sizedSpec, { resultsRoot: mkdtempSync(path.join(tmpdir(), 'ablate-cost-res-')) });
    // 10 records × min(25, 5) tokens × 2 epochs = 100 tokens per training.
    expect(estimateCost(sized, executeSettingsOf(sized)).train.tokens).toBe(200);
  });

  it('ablate plan prints the block; a hub source without a size is named instead of guessed', async () => {
    const f = spec();
    writeFileSync(f, readFileSync(f, 'utf8').replace(/sources:\n {2}code: \{ path: code.jsonl, format: alpaca \}/, 'sources:\n  code: { hf: org/data, revision: main, format: alpaca }'));
    const r = await runCli(['plan', f, '--results', mkdtempSync(path.join(tmpdir(), 'ablate-cost-res-'))]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cost of the 6 pending GPU stages/);
    expect(r.stdout).toMatch(/2 training\(s\) left out: their dataset size is unknown .*execute\.cost\.source_records\.<source>/);
    const j = await runCli(['plan', f, '--json', '--results', mkdtempSync(path.join(tmpdir(), 'ablate-cost-res-'))]);
    expect(JSON.parse(j.stdout).cost).toMatchObject({ eval: { stages: 4, gpuHours: 2 }, concurrency: 1 });
  });
});
