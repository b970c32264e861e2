/** `ablate run / status / cancel / stage-exec` as a user runs them, on a tiny spec with stand-in stage runners. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileForChild, tempDir } from './exec-fixtures.js';

const STANDIN = `
import { writeFileSync } from 'node:fs';
import path from 'node:path';
const runner = async (ctx) => {
  for (let i = 0; i < 3; i++) {
    ctx.signal.throwIfAborted();
    writeFileSync(path.join(ctx.workDir, 'out-' + i + '.txt'), ctx.stage.id + ' ' + i + '\\n');
    ctx.progress({ percent: (i + 1) * 33, loss: 1 / (i + 1) });
    await new Promise((r, j) => { const t = setTimeout(r, Number(process.env.STANDIN_STEP_MS ?? 20)); ctx.signal.addEventListener('abort', () => { clearTimeout(t); j(ctx.signal.reason); }, { once: true }); });
  }
  if (process.env.STANDIN_FAIL_KIND === ctx.stage.kind) throw new Error('stand-in ' + ctx.stage.kind + ' failed on purpose');
};
export const runners = { materialize: runner, train: runner, eval: runner };
`;

let pkg: string;
let main: string;
beforeAll(() => {
  pkg = compileForChild();
  main = path.join(pkg, 'bin', 'ablate.js');
});
afterAll(() => rmSync(pkg, { recursive: true, force: true }));

function tinySpec(): { spec: string; results: string; runners: string } {
  const dir = tempDir('ablate-cli-');
  writeFileSync(path.join(dir, 'code.jsonl'), '{"instruction":"write add","input":"","output":"def add(a,b): return a+b"}\n');
  writeFileSync(path.join(dir, 'problems.jsonl'), '{"task_id":"p/0","prompt":"def f():\\n","canonical_solution":"  return 1\\n","test":"def check(c):\\n  assert c()==1\\n","entry_point":"f"}\n');
  writeFileSync(
    path.join(dir, 'spec.yaml'),
    'name: cli-tiny\nseed: 1\nsources:\n  code: { path: code.jsonl, format: alpaca }\ndata:\n  source: code\nsweep:\n  grid:\n    train.args.learning_rate: [0.001, 0.002]\n' +
      'train:\n  model: builtin:tiny-llama\n  template: default\n  finetuning: lora\n  args: { max_steps: 1 }\n  gpus: 0\neval:\n  tool: local\n  tasks: [humaneval]\n  problems: problems.jsonl\n  gpus: 0\n',
  );
  writeFileSync(path.join(dir, 'runners.mjs'), STANDIN);
  return { spec: path.join(dir, 'spec.yaml'), results: path.join(dir, 'results'), runners: path.join(dir, 'runners.mjs') };
}

const cli = (args: string[], env: Record<string, string> = {}) => execa(process.execPath, [main, ...args], { reject: false, env });

describe('ablate run / status / stage-exec', () => {
  it('runs a spec, writes an NDJSON event log, reports status, and exits 1 with the log path on failure', async () => {
    const t = tinySpec();
    const r = await cli(['run', t.spec, '--results', t.results, '--runners', t.runners, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; summary?: { ran: number } });
    expect(events[0]!.type).toBe('plan');
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['plan', 'stage-start', 'progress', 'stage-done', 'summary']));
    expect(events.at(-1)!.summary!.ran).toBe(5);
    const st = await cli(['status', t.spec, '--results', t.results, '--json']);
    expect(JSON.parse(st.stdout).counts).toMatchObject({ done: 5 });

    const bad = await cli(['run', t.spec, '--results', t.results, '--runners', t.runners, '--quiet', '--force', 'eval'], { STANDIN_FAIL_KIND: 'eval' });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(/2 failed/);
    expect(bad.stdout).toMatch(/log: .*ablate-stage\.log/);
    expect(bad.stderr).toMatch(/2 stage\(s\) failed/);
    const st2 = await cli(['status', t.spec, '--results', t.results]);
    expect(st2.stdout).toMatch(/eval:humaneval .* failed .*stand-in eval failed on purpose/);
    expect(st2.stdout).toMatch(/log: .*ablate-stage\.log/);
    const ex = await cli(['status', t.spec, '--results', t.results, '--explain']);
    expect(ex.stdout).toMatch(/not cached: last attempt failed/);
  });

  it('bad flags are usage errors (exit 2)', async () => {
    const t = tinySpec();
    expect((await cli(['run', t.spec, '--until', 'nope'])).exitCode).toBe(2);
    expect((await cli(['run', t.spec, '--gpus', '0,x'])).exitCode).toBe(2);
  });

  it('stage-exec runs exactly one stage and refuses when its upstream is not done', async () => {
    const t = tinySpec();
    const plan = await execa(process.execPath, [main, 'plan', t.spec, '--results', t.results, '--json'], { reject: false });
    const stages = (JSON.parse(plan.stdout) as { runs: Array<{ stages: Array<{ id: string; kind: string }> | string[] }> }).runs[0]!.stages;
    const ids = stages.map((s) => (typeof s === 'string' ? s : s.id));
    const early = await cli(['stage-exec', '--spec', t.spec, '--stage', ids[1]!, '--results', t.results, '--runners', t.runners]);
    expect(early.exitCode).toBe(1);
    expect(early.stderr).toMatch(/upstream stage\(s\) not done/);
    const ok = await cli(['stage-exec', '--spec', t.spec, '--stage', ids[0]!, '--results', t.results, '--runners', t.runners]);
    expect(ok.exitCode, ok.stderr).toBe(0);
    const st = JSON.parse((await cli(['status', t.spec, '--results', t.results, '--json'])).stdout);
    expect(st.counts.done).toBe(1);
  });

  it('Ctrl-C stops cleanly (exit 130, nothing unfinished marked done); `ablate cancel` stops a local controller', async () => {
    const t = tinySpec();
    for (const how of ['SIGINT', 'cancel'] as const) {
      const child = spawn(process.execPath, [main, 'run', t.spec, '--results', t.results, '--runners', t.runners, '--json'], { env: { ...process.env, STANDIN_STEP_MS: '2000' } });
      let out = '';
      const started = new Promise<string>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /"type":"stage-start"[^\n]*"id":"([0-9a-f]+)"/.exec(out);
          if (m) resolve(m[1]!);
        });
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const id = await started;
      if (how === 'SIGINT') child.kill('SIGINT');
      else {
        const c = await cli(['cancel', t.spec, '--results', t.results]);
        expect(c.stdout).toMatch(/asked local controller\(s\) \d+ to stop/);
      }
      expect(await exited).toBe(130);
      const dir = path.join(t.results, 'stages', 'materialize', id);
      expect(existsSync(path.join(dir, 'ablate-stage.json'))).toBe(false);
      expect(JSON.parse(readFileSync(path.join(dir, 'ablate-failed.json'), 'utf8')).interrupted).toBe(true);
      expect(out).toMatch(/"interrupted":true/);
    }
    const resumed = await cli(['run', t.spec, '--results', t.results, '--runners', t.runners, '--quiet']);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
  });
});
