/**
 * `validate`, `plan` and `run --dry-run` end with one short preflight block: GPUs, tools and
 * clones, models and datasets (cached or not), disk, and the command that fixes each gap.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

const spec = 'experiments/rq2-composition.yaml';
let tmp: string;
let env: Record<string, string>;

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'ablate-preflight-'));
  // A machine where nothing was fetched or installed: empty caches, no harness, no GPUs.
  env = { ABLATE_CACHE: path.join(tmp, 'cache'), HF_HOME: path.join(tmp, 'hf'), ABLATE_BIGCODE_HARNESS: '', ABLATE_PYTHON_ENV: '', ABLATE_MODELS: '', ABLATE_LIVECODEBENCH: '' };
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The block: from its header to the verdict line. */
function block(stdout: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Preflight ('));
  expect(start, stdout.slice(-2000)).toBeGreaterThanOrEqual(0);
  const rest = lines.slice(start);
  const end = rest.findIndex((l) => /gap\(s\)|Nothing missing/.test(l));
  return rest.slice(0, end + 1);
}

describe('preflight block', () => {
  it('the dry run of rq2-composition without GPUs ends with at most 15 lines naming every gap and its fix', async () => {
    const r = await runCli(['run', spec, '--dry-run', '--results', path.join(tmp, 'results')], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    const b = block(r.stdout);
    expect(b.length).toBeLessThanOrEqual(15);
    // It ends the output: nothing after the verdict.
    expect(r.stdout.trimEnd().endsWith(b.at(-1)!)).toBe(true);
    const text = b.join('\n');
    expect(text).toMatch(/^ {2}GAP GPUs +60 train × 1, 240 eval × 1 needed; none configured +→ --gpus 0 \(or execute.gpus\), or --executor slurm$/m);
    expect(text).toMatch(/^ {2}GAP BigCode harness .*not configured.*→ eval.harness: .*ABLATE_BIGCODE_HARNESS/m);
    expect(text).toMatch(/^ {2}GAP Python tools .*not installed.*→ ablate tools install$/m);
    expect(text).toMatch(/^ {2}GAP students +deepseek-ai\/deepseek-coder-6.7b-base@main, Qwen\/CodeQwen1.5-7B@main: not cached +→ ablate fetch experiments\/rq2-composition.yaml$/m);
    expect(text).toMatch(/^ {2}GAP embedding +hkunlp\/instructor-base@main: not cached +→ ablate fetch /m);
    expect(text).toMatch(/^ {2}GAP datasets +ise-uiuc\/Magicoder-Evol-Instruct-110K@main \(train\), ise-uiuc\/Magicoder-OSS-Instruct-75K@main \(train\): not cached/m);
    expect(text).toMatch(/^ {2}GAP benchmarks +humaneval, humanevalplus, mbpp, mbppplus: not cached/m);
    expect(text).toMatch(/^ {6}disk +0 B cached; 9 to download/m);
    expect(b.at(-1)).toBe('7 gap(s): fix them with the commands after →, then run again.');
  });

  it('what is there is shown as ok: GPUs given, a harness clone, an embedding model in the cache (with its size)', async () => {
    const harness = path.join(tmp, 'harness');
    mkdirSync(harness, { recursive: true });
    writeFileSync(path.join(harness, 'main.py'), '');
    // The Hugging Face cache layout LLaMA-Factory and sentence-transformers read: refs/main → snapshot.
    const repo = path.join(tmp, 'hf', 'hub', 'models--hkunlp--instructor-base');
    const sha = 'a'.repeat(40);
    mkdirSync(path.join(repo, 'refs'), { recursive: true });
    mkdirSync(path.join(repo, 'snapshots', sha), { recursive: true });
    writeFileSync(path.join(repo, 'refs', 'main'), sha);
    writeFileSync(path.join(repo, 'snapshots', sha, 'config.json'), '{"x": 1}'.padEnd(1500, ' '));
    const r = await runCli(['run', spec, '--dry-run', '--gpus', '0', '--results', path.join(tmp, 'results')], { env: { ...env, ABLATE_BIGCODE_HARNESS: harness } });
    expect(r.exitCode, r.stderr).toBe(0);
    const text = block(r.stdout).join('\n');
    expect(text).toMatch(/^ {2}ok {2}GPUs +60 train × 1, 240 eval × 1 needed; configured 0$/m);
    expect(text).toContain(`ok  BigCode harness  ${harness}`);
    expect(text).toMatch(/^ {2}ok {2}embedding +hkunlp\/instructor-base@main: cached, 1.5 kB$/m);
    expect(text).toMatch(/disk +1.5 kB cached; 8 to download/);
    expect(text).toContain('4 gap(s)');
  });

  it('plan and validate end with the same block; plan --json carries it as data', async () => {
    const results = path.join(tmp, 'results');
    const plan = await runCli(['plan', spec, '--results', results], { env });
    const validate = await runCli(['validate', spec], { env, cwd: repoRoot });
    expect(plan.exitCode).toBe(0);
    expect(validate.exitCode).toBe(0);
    expect(block(plan.stdout)).toEqual(block(validate.stdout));
    const json = await runCli(['plan', spec, '--results', results, '--json'], { env });
    const data = JSON.parse(json.stdout) as { preflight: { items: Array<{ topic: string; ok: boolean; fix?: string }> } };
    expect(data.preflight.items.find((i) => i.topic === 'GPUs')).toMatchObject({ ok: false, fix: expect.stringContaining('--gpus') });
  });

  it('a spec that needs nothing says so in one line', async () => {
    const r = await runCli(['validate', 'experiments/quickstart.yaml'], { env });
    expect(r.exitCode).toBe(0);
    expect(block(r.stdout).at(-1)).toMatch(/gap\(s\)|Nothing missing: ready to run\./);
  });
});
