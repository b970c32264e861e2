/**
 * Nothing on disk is trusted unchecked. The tampering cases, each on a finished results
 * folder: a plain `ablate run` (or `ablate verify` / `export`) detects it, names the file, and the run
 * redoes exactly the damaged stage. The real materialize stage; stand-in train and eval stages that
 * write through ablate's own writer (the unit tier has no Python tools).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { ablateBin, repoRoot } from '../helpers/cli.js';
import { tempDir } from './exec-fixtures.js';

const problems = Array.from({ length: 4 }, (_, i) => ({ id: `HumanEval/${i}`, passed: i < 2 }));
const RUNNERS = `
import path from 'node:path';
import { materializeDataset } from ${JSON.stringify(path.join(repoRoot, 'dist/data/materialize.js'))};
import { writeFileAtomic } from ${JSON.stringify(path.join(repoRoot, 'dist/util/atomicFile.js'))};
const w = (ctx, f, v) => writeFileAtomic(path.join(ctx.workDir, f), JSON.stringify(v, null, 2) + '\\n');
const train = async (ctx) => {
  w(ctx, 'metrics.json', { tool: 'llamafactory', train: { train_loss: 1.25 }, curve: [], resumed_from: null });
  w(ctx, 'model.json', { base: 'x', adapter: 'output' });
};
const evaluate = async (ctx) => {
  w(ctx, 'result.json', { tool: 'local', task: ctx.stage.task, metrics: { 'pass@1': 0.5 }, problems: ${JSON.stringify(problems)}, n_samples: 1, setup_hash: 'fixed' });
};
export const runners = { materialize: materializeDataset, train, eval: evaluate };
`;

let dir: string;
let spec: string;
let results: string;
let runners: string;
let env: Record<string, string>;
const cli = (args: string[], cwd = dir) => execa(process.execPath, [ablateBin, ...args], { reject: false, env, cwd });

/** `ablate run --json`: the ids of the stages that really ran, the invalid ones it named, the exit code. */
async function run(extra: string[] = [], root = results): Promise<{ exitCode: number; ran: string[]; invalid: Array<{ id: string; reason: string }>; cached: number; stderr: string }> {
  const r = await cli(['run', spec, '--results', root, '--runners', runners, '--json', ...extra]);
  const events = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; id?: string; reason?: string; cached?: number });
  return {
    exitCode: r.exitCode ?? -1,
    ran: events.filter((e) => e.type === 'stage-start').map((e) => e.id!).sort(),
    invalid: events.filter((e) => e.type === 'stage-invalid').map((e) => ({ id: e.id!, reason: e.reason! })),
    cached: events.find((e) => e.type === 'plan')!.cached!,
    stderr: r.stderr,
  };
}

const stageDirs = (kind: string, root = results): string[] => readdirSync(path.join(root, 'stages', kind)).map((id) => path.join(root, 'stages', kind, id)).sort();
const idOf = (d: string): string => path.basename(d);

beforeAll(async () => {
  dir = tempDir('ablate-tamper-');
  env = { ...process.env, ABLATE_CACHE: path.join(dir, 'cache') } as Record<string, string>;
  const lines = Array.from({ length: 90 }, (_, i) => JSON.stringify({ instruction: `Write function number ${i}${' carefully'.repeat(i % 6)}`, input: '', output: `def f${i}(x):\n${'    x += 1\n'.repeat(i % 4)}    return x * ${i}\n` }));
  writeFileSync(path.join(dir, 'code.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(path.join(dir, 'problems.jsonl'), '{"task_id":"HumanEval/0","prompt":"def f():\\n","canonical_solution":"  return 1\\n","test":"def check(c):\\n  assert c()==1\\n","entry_point":"f"}\n');
  writeFileSync(
    path.join(dir, 'spec.yaml'),
    'name: tamper\nseed: 4\nsources:\n  code: { path: code.jsonl, format: alpaca }\nannotate: { complexity: { method: heuristic } }\n' +
      'data:\n  source: code\n  filter: { complexity: { bins: 2, keep: lowest } }\nsweep:\n  grid:\n    data.filter.complexity.keep: [lowest, highest]\n' +
      'train:\n  model: builtin:tiny-llama\n  template: default\n  gpus: 0\neval:\n  tool: local\n  tasks: [humaneval]\n  problems: problems.jsonl\n  gpus: 0\n',
  );
  writeFileSync(path.join(dir, 'runners.mjs'), RUNNERS);
  spec = path.join(dir, 'spec.yaml');
  results = path.join(dir, 'results');
  runners = path.join(dir, 'runners.mjs');
  const first = await run();
  expect(first.exitCode, first.stderr).toBe(0);
  expect(first.ran).toHaveLength(6);
});

describe('checked reuse: each tampering is detected and redoes exactly the damaged stage', () => {
  it('an untouched folder is fully cached, even when every output is re-hashed (run --check; data cards are not rewritten after completion)', async () => {
    expect(await run()).toMatchObject({ exitCode: 0, ran: [], invalid: [], cached: 6 });
    expect(await run(['--check'])).toMatchObject({ exitCode: 0, ran: [], invalid: [], cached: 6 });
  });

  it('1. a truncated data.jsonl', async () => {
    const mat = stageDirs('materialize')[0]!;
    const data = path.join(mat, 'data.jsonl');
    truncateSync(data, Math.floor(readFileSync(data).length / 2));
    const r = await run();
    expect(r.invalid).toEqual([{ id: idOf(mat), reason: expect.stringMatching(/^data\.jsonl has \d+ bytes, its completion record says \d+$/) }]);
    expect(r.ran).toEqual([idOf(mat)]);
    expect(r.exitCode).toBe(0);
    expect(readFileSync(path.join(mat, 'ablate-stage.log'), 'utf8')).toMatch(/not reusing: data\.jsonl has .*moved to .*ablate-previous/);
  });

  it('2. pass@1 edited in an evaluation result (same size): `results` refuses the value, the run redoes that evaluation', async () => {
    const ev = stageDirs('eval')[0]!;
    const file = path.join(ev, 'result.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"pass@1": 0.5', '"pass@1": 0.9'));
    const res = await cli(['results', spec, '--results', results]);
    expect(res.stdout).not.toMatch(/90\.0/);
    expect(res.stderr).toMatch(/WARNING: eval stage \w+: result\.json changed since the stage finished/);
    const r = await run();
    expect(r.invalid).toEqual([{ id: idOf(ev), reason: 'result.json changed since the stage finished (its xxh3 differs from the completion record)' }]);
    expect(r.ran).toEqual([idOf(ev)]);
    expect(readFileSync(file, 'utf8')).toMatch(/"pass@1": 0\.5/);
  });

  it('3. a deleted dataset file', async () => {
    const mat = stageDirs('materialize')[1]!;
    rmSync(path.join(mat, 'dataset_info.json'));
    const r = await run();
    expect(r.invalid).toEqual([{ id: idOf(mat), reason: 'dataset_info.json is missing' }]);
    expect(r.ran).toEqual([idOf(mat)]);
    expect(existsSync(path.join(mat, 'dataset_info.json'))).toBe(true);
  });

  it('4. an invalid metrics.json: `results` flags it, the run redoes that training only', async () => {
    const trn = stageDirs('train')[0]!;
    writeFileSync(path.join(trn, 'metrics.json'), '{"train": {"train_loss": 1.2');
    const res = await cli(['results', spec, '--results', results]);
    expect(res.stderr).toMatch(/WARNING: train stage \w+: metrics\.json has \d+ bytes, its completion record says \d+/);
    const r = await run();
    expect(r.invalid.map((i) => i.id)).toEqual([idOf(trn)]);
    expect(r.ran).toEqual([idOf(trn)]);
  });

  it('5. export --with-data refuses a damaged or deleted data file, naming it, and writes nothing', async () => {
    const mat = stageDirs('materialize')[0]!;
    const data = path.join(mat, 'data.jsonl');
    const saved = readFileSync(data);
    writeFileSync(data, Buffer.concat([saved.subarray(0, saved.length - 20), Buffer.from('X'.repeat(20))])); // same size
    const out = path.join(dir, 'damaged.tar.gz');
    const e = await cli(['export', spec, '--results', results, '--with-data', '-o', out]);
    expect(e.exitCode).toBe(1);
    expect(e.stderr).toMatch(/cannot export materialize stage \w+: data\.jsonl changed since the stage finished/);
    expect(existsSync(out)).toBe(false);
    rmSync(data);
    const e2 = await cli(['export', spec, '--results', results, '--with-data', '-o', out]);
    expect(e2.stderr).toMatch(/data\.jsonl is missing/);
    expect(existsSync(out)).toBe(false);
    const r = await run();
    expect(r.ran).toEqual([idOf(mat)]);
  });

  describe('verify of a bundle', () => {
    let bundleDir: string;
    beforeAll(async () => {
      const out = path.join(dir, 'good.tar.gz');
      const e = await cli(['export', spec, '--results', results, '--with-data', '-o', out]);
      expect(e.exitCode, e.stderr).toBe(0);
      bundleDir = path.join(dir, 'imported');
      expect((await cli(['import', out, bundleDir])).exitCode).toBe(0);
      const ok = await cli(['verify', bundleDir]);
      expect(ok.exitCode, ok.stdout + ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(/verified: every arm/);
    });
    const copy = (name: string): string => {
      const d = path.join(dir, name);
      cpSync(bundleDir, d, { recursive: true });
      return d;
    };

    it('6. a damaged data file shipped in the bundle', async () => {
      const d = copy('b-data');
      const mat = readdirSync(path.join(d, 'stages', 'materialize'))[0]!;
      const data = path.join(d, 'stages', 'materialize', mat, 'data.jsonl');
      writeFileSync(data, readFileSync(data, 'utf8').replace(/Write/, 'Wrote'));
      const r = await cli(['verify', d]);
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`DAMAGED stages/materialize/${mat}/data\\.jsonl changed since the stage finished`));
      expect(r.stdout).toMatch(/verification FAILED/);
    });

    it("7. an edited dataSha256 in the bundle's lock", async () => {
      const d = copy('b-lock');
      const lockFile = path.join(d, 'ablate.lock.json');
      const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as { datasets: Record<string, { dataSha256: string }> };
      const first = Object.values(lock.datasets)[0]!;
      first.dataSha256 = first.dataSha256.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
      writeFileSync(lockFile, JSON.stringify(lock, null, 2));
      const r = await cli(['verify', d]);
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/DIFFERS[\s\S]*data\.jsonl sha256 differs: locked/);
    });

    it('8. a source whose content differs from the locked hash', async () => {
      const d = copy('b-source');
      const src = path.join(d, 'spec', 'code.jsonl');
      const lines = readFileSync(src, 'utf8').split('\n');
      // Only a record that no arm selects changes: the selected ids stay the same, the source hash does not.
      lines.push(JSON.stringify({ instruction: 'an extra record nobody selects', input: '', output: 'x' }));
      writeFileSync(src, `${lines.filter(Boolean).join('\n')}\n`);
      const r = await cli(['verify', d]);
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/source `code` content differs: locked sha256/);
      expect(r.stdout).not.toMatch(/^verified/m);
    });
  });

  it('verify of a results folder re-hashes every finished stage and checks the lock\'s own hashes', async () => {
    const root = path.join(dir, 'verify-results');
    mkdirSync(root);
    cpSync(results, root, { recursive: true });
    const ok = await cli(['verify', root]);
    expect(ok.exitCode, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/verified: 6 finished stage\(s\) re-hashed and 1 lock\(s\) checked/);
    const lockFile = path.join(root, 'experiments', 'tamper', 'ablate.lock.json');
    const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as { datasets: Record<string, { dataSha256: string }> };
    const [id, first] = Object.entries(lock.datasets)[0]!;
    first.dataSha256 = first.dataSha256.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    writeFileSync(lockFile, JSON.stringify(lock, null, 2));
    const ev = stageDirs('eval', root)[1]!;
    writeFileSync(path.join(ev, 'result.json'), readFileSync(path.join(ev, 'result.json'), 'utf8').replace('"pass@1": 0.5', '"pass@1": 0.7'));
    const bad = await cli(['verify', root]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toContain(`DAMAGED experiments/tamper/ablate.lock.json: dataset ${id}: dataSha256 ${first.dataSha256} differs from the manifest's`);
    expect(bad.stdout).toMatch(/DAMAGED stages\/eval\/\w+\/: result\.json changed since the stage finished/);
    expect(bad.stdout).toMatch(/verification FAILED: [23] mismatch/);
  });

  it('a copied results folder re-runs fully cached, and its evaluations read its own adapters', async () => {
    const copyRoot = path.join(dir, 'copied-results');
    mkdirSync(copyRoot);
    cpSync(results, copyRoot, { recursive: true }); // new modification times: every output is re-hashed, none trusted blindly
    const r = await run([], copyRoot);
    expect(r).toMatchObject({ exitCode: 0, ran: [], invalid: [], cached: 6 });
    for (const trn of stageDirs('train', copyRoot)) expect(JSON.parse(readFileSync(path.join(trn, 'model.json'), 'utf8')).adapter).toBe('output');
    const { resolveTrainedModel } = await import('../../src/tools/llamafactory/stage.js');
    const trn = stageDirs('train', copyRoot)[0]!;
    expect(resolveTrainedModel(JSON.parse(readFileSync(path.join(trn, 'model.json'), 'utf8')), trn).adapter).toBe(path.join(trn, 'output'));
    // Every recorded path in the copy is relative: no file in it names the original folder.
    const named: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.json$/.test(e.name) && !e.name.startsWith('ablate-') && readFileSync(p, 'utf8').includes(results)) named.push(p);
      }
    };
    walk(copyRoot);
    expect(named).toEqual([]);
  });
});
