/**
 * A real LLaMA-Factory training killed (SIGKILL to its process group) the moment a checkpoint folder
 * appears, i.e. while the Trainer writes it: the next `ablate run` resumes from a complete
 * checkpoint or starts over, and finishes. Then the exact wedge (an empty newest
 * checkpoint-N/ that LLaMA-Factory would pick and fail on) and `--force train`, which retrains.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { ablateBin } from '../helpers/cli.js';
import { pythonToolsFor } from '../helpers/pythonEnv.js';
import { tempDir } from '../unit/exec-fixtures.js';

let ready = false;
let reason = '';
beforeAll(async () => {
  const probe = await pythonToolsFor(['llamafactory'], 'the training resume test');
  ready = Boolean(probe.python);
  reason = probe.reason;
});

function fixture(): { spec: string; results: string } {
  const dir = tempDir('ablate-resume-e2e-');
  const lines = Array.from({ length: 60 }, (_, i) => JSON.stringify({ instruction: `Write a Python function f${i} that returns ${i} times its argument${' and checks it'.repeat(i % 7)}.`, input: '', output: `def f${i}(x):\n${'    x = x + 0\n'.repeat(i % 5)}    return ${i} * x\n` }));
  writeFileSync(path.join(dir, 'code.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(path.join(dir, 'problems.jsonl'), '{"task_id":"p/0","prompt":"def f():\\n","canonical_solution":"  return 1\\n","test":"def check(c):\\n  assert c()==1\\n","entry_point":"f"}\n');
  writeFileSync(
    path.join(dir, 'spec.yaml'),
    [
      'name: resume-e2e',
      'seed: 5',
      'sources:',
      '  code: { path: code.jsonl, format: alpaca }',
      'annotate: { complexity: { method: heuristic } }',
      'data: { source: code }',
      'train:',
      '  model: builtin:tiny-llama',
      '  template: default',
      '  finetuning: lora',
      '  args: { max_steps: 12, per_device_train_batch_size: 2, learning_rate: 1.0e-3, cutoff_len: 128, logging_steps: 1, save_steps: 3, seed: 7, dataloader_num_workers: 0 }',
      '  gpus: 0',
      'eval: { tool: local, tasks: [humaneval], problems: problems.jsonl, gpus: 0 }',
      '',
    ].join('\n'),
  );
  return { spec: path.join(dir, 'spec.yaml'), results: path.join(dir, 'results') };
}

const run = (f: { spec: string; results: string }, extra: string[] = []) =>
  execa(process.execPath, [ablateBin, 'run', f.spec, '--results', f.results, '--until', 'train', '--quiet', ...extra], { reject: false, env: { ...process.env, CUDA_VISIBLE_DEVICES: '' } });

function trainDir(results: string): string {
  const root = path.join(results, 'stages', 'train');
  const ids = existsSync(root) ? readdirSync(root) : [];
  return ids.length === 1 ? path.join(root, ids[0]!) : '';
}

const stageLog = (dir: string): string => readFileSync(path.join(dir, 'ablate-stage.log'), 'utf8');
const trainerSteps = (dir: string): number[] =>
  readFileSync(path.join(dir, 'output', 'trainer_log.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { current_steps: number }).current_steps);

describe('training that cannot wedge (real LLaMA-Factory, CPU)', () => {
  it('killed while writing a checkpoint: the next run resumes or restarts and finishes; --force train retrains', async (ctx) => {
    if (!ready) ctx.skip(reason);
    const f = fixture();
    const first = run(f);
    let exited = false;
    void first.finally(() => (exited = true));
    // Wait for the first checkpoint folder to appear, then kill the trainer's whole process group at once.
    let killed = '';
    for (let i = 0; i < 24_000 && !killed && !exited; i++) {
      await sleep(25);
      const dir = trainDir(f.results);
      const out = dir && path.join(dir, 'output');
      if (!out || !existsSync(out) || !readdirSync(out).some((n) => n.startsWith('checkpoint-'))) continue;
      const children = readFileSync(path.join(dir, '.ablate-children'), 'utf8').trim().split('\n');
      const pid = (JSON.parse(children.at(-1)!) as { pid: number }).pid;
      process.kill(-pid, 'SIGKILL');
      killed = readdirSync(out).filter((n) => n.startsWith('checkpoint-')).join(',');
    }
    const r1 = await first;
    expect(killed, r1.stderr).not.toBe('');
    expect(r1.exitCode).toBe(1);
    // The summary line says what happened to the tool, not only an exit code.
    expect(r1.stderr + r1.stdout).toMatch(/llamafactory-cli was killed by SIGKILL/);
    const dir = trainDir(f.results);
    console.log(`killed with ${killed} present; contents: ${readdirSync(path.join(dir, 'output', killed.split(',')[0]!)).join(' ') || '(empty)'}`);

    const r2 = await run(f);
    expect(r2.exitCode, `${r2.stdout}\n${r2.stderr}\n${stageLog(dir)}`).toBe(0);
    const log2 = stageLog(dir);
    expect(log2).toMatch(/resuming from checkpoint-\d+ \(complete|starting over: no (complete )?checkpoint/);
    expect(trainerSteps(dir).at(-1)).toBe(12);
    const metrics = JSON.parse(readFileSync(path.join(dir, 'metrics.json'), 'utf8')) as { train: { train_loss: number } };
    expect(metrics.train.train_loss).toBeGreaterThan(0);

    // The wedge: a finished folder is not trusted blindly either; forget the record and leave an
    // empty newest checkpoint as a killed save does. LLaMA-Factory alone would fail with "Can't find a valid checkpoint".
    const { rmSync } = await import('node:fs');
    rmSync(path.join(dir, 'ablate-stage.json'));
    rmSync(path.join(dir, 'output', 'all_results.json'));
    rmSync(path.join(dir, 'output', 'checkpoint-12'), { recursive: true, force: true });
    mkdirSync(path.join(dir, 'output', 'checkpoint-12'));
    const r3 = await run(f);
    expect(r3.exitCode, `${r3.stdout}\n${r3.stderr}\n${stageLog(dir)}`).toBe(0);
    expect(stageLog(dir)).toMatch(/checkpoint-12 is incomplete \(no trainer_state\.json.*\): moved to .*ablate-incomplete-checkpoints/);
    expect(stageLog(dir)).toMatch(/resuming from checkpoint-9 \(complete/);
    expect(readFileSync(path.join(dir, 'train.log'), 'utf8')).toMatch(/Resuming training from .*checkpoint-9/);

    // --force train: the finished stage really trains again, from step 1, its old outputs moved aside.
    const before = readFileSync(path.join(dir, 'metrics.json'), 'utf8');
    const r4 = await run(f, ['--force', 'train']);
    expect(r4.exitCode, `${r4.stdout}\n${r4.stderr}`).toBe(0);
    const log4 = stageLog(dir);
    expect(log4).toMatch(/--force; the previous outputs were moved to .*ablate-previous/);
    expect(log4.split('--force;')[1]).not.toMatch(/training already finished/);
    expect(trainerSteps(dir)[0]).toBe(1);
    expect(trainerSteps(dir).at(-1)).toBe(12);
    expect(existsSync(path.join(dir, 'ablate-previous', 'output', 'adapter_model.safetensors'))).toBe(true);
    const after = JSON.parse(readFileSync(path.join(dir, 'metrics.json'), 'utf8')) as { resumed_from: string | null };
    expect(after.resumed_from).toBeNull();
    expect(readFileSync(path.join(dir, 'metrics.json'), 'utf8')).not.toBe(before);
  });
});
