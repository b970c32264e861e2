import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

/** The quickstart materialized into a private results root and cache, then exported. */
let work: string;
let bundle: string;
const env = () => ({ ABLATE_CACHE: path.join(work, 'cache') });

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'ablate-bundle-'));
  const spec = path.join(repoRoot, 'experiments/quickstart.yaml');
  const run = await runCli(['run', spec, '--until', 'materialize', '--results', path.join(work, 'results'), '--quiet'], { env: env() });
  expect(run.stderr).not.toMatch(/FAILED/);
  expect(run.exitCode).toBe(0);
  bundle = path.join(work, 'quickstart.tar.gz');
  const exp = await runCli(['export', spec, '-o', bundle, '--results', path.join(work, 'results')], { env: env() });
  expect(exp.exitCode).toBe(0);
}, 120_000);

describe('sharing an experiment', () => {
  it('run writes the lock with every dataset identity', () => {
    const lock = JSON.parse(readFileSync(path.join(work, 'results/experiments/quickstart/ablate.lock.json'), 'utf8'));
    expect(lock.runs).toHaveLength(2);
    const datasets = Object.values(lock.datasets) as Array<{ idsSha256?: string; sources: Record<string, { sha256?: string }> }>;
    expect(datasets).toHaveLength(2);
    for (const d of datasets) {
      expect(d.idsSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(d.sources.code?.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(lock.ablate.version).toMatch(/^\d+\.\d+\.\d+/);
    for (const d of Object.values(lock.datasets) as Array<{ annotatorSetup?: unknown; steps?: Array<{ step: string; count: number }> }>) {
      expect(d.annotatorSetup).toEqual({ complexity: { method: 'heuristic' } });
      expect(d.steps?.map((s) => s.step)).toEqual(['load', 'decontaminate', 'complexity']);
    }
  });

  it('verify re-materializes an exported bundle on a clean cache and finds every arm identical', async () => {
    const r = await runCli(['verify', bundle, '--json'], { env: { ABLATE_CACHE: path.join(work, 'other-cache') } });
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(true);
    expect(report.arms.map((a: { status: string }) => a.status)).toEqual(['match', 'match']);
  });

  it('verify fails with a precise message when one source file is altered', async () => {
    const dir = path.join(work, 'imported');
    const imp = await runCli(['import', bundle, dir]);
    expect(imp.exitCode).toBe(0);
    const source = path.join(dir, 'spec/data/quickstart-code.jsonl');
    expect(existsSync(source)).toBe(true);
    appendFileSync(source, '{"instruction":"Reverse a string.","input":"","output":"def rev(s):\\n    return s[::-1]"}\n');
    const r = await runCli(['verify', dir]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/DIFFERS complexity=low/);
    expect(r.stdout).toMatch(/source `code` content differs: locked sha256 [0-9a-f]{12}…, found [0-9a-f]{12}…/);
    // …and names the file, as the bundled spec spells it.
    expect(r.stdout).toMatch(/source `code` content differs: locked sha256 [0-9a-f]{12}…, found [0-9a-f]{12}… \(data\/quickstart-code\.jsonl\)/);
    expect(r.stdout).toMatch(/verification FAILED/);
  });

  it('export ships spec, lock, data cards and manifests; --with-data adds the subsets, and results read them after import', async () => {
    const plain = await runCli(['import', bundle, path.join(work, 'plain'), '--json']);
    expect(plain.exitCode).toBe(0);
    const files = (JSON.parse(plain.stdout) as { files: string[] }).files;
    expect(files).toEqual(expect.arrayContaining(['ablate.lock.json', 'bundle.json', 'spec/quickstart.yaml', 'spec/data/quickstart-code.jsonl']));
    const mat = files.filter((f) => f.startsWith('stages/materialize/'));
    expect(mat.filter((f) => f.endsWith('/manifest.json'))).toHaveLength(2);
    expect(mat.filter((f) => f.endsWith('/datacard.json'))).toHaveLength(2);
    expect(mat.filter((f) => /\/(data\.jsonl|ablate-stage\.json)$/.test(f))).toEqual([]);

    const full = path.join(work, 'full.tar.gz');
    const spec = path.join(repoRoot, 'experiments/quickstart.yaml');
    expect((await runCli(['export', spec, '-o', full, '--with-data', '--results', path.join(work, 'results')], { env: env() })).exitCode).toBe(0);
    const dir = path.join(work, 'full');
    const imp = await runCli(['import', full, dir, '--json']);
    expect(imp.exitCode).toBe(0);
    const withData = (JSON.parse(imp.stdout) as { files: string[] }).files.filter((f) => f.startsWith('stages/materialize/'));
    expect(withData.filter((f) => f.endsWith('/data.jsonl'))).toHaveLength(2);
    expect(withData.filter((f) => f.endsWith('/ablate-stage.json'))).toHaveLength(2);
    const res = await runCli(['results', path.join(dir, 'spec/quickstart.yaml'), '--results', dir, '--format', 'json'], { env: env() });
    expect(res.exitCode).toBe(0);
    const sizes = (JSON.parse(res.stdout) as { arms: Array<{ cells: Record<string, { n: number }> }> }).arms.map((a) => a.cells['dataset.size']!.n);
    expect(sizes).toEqual([1, 1]);
  });

  it('import refuses to unpack over an existing folder with files', async () => {
    const r = await runCli(['import', bundle, repoRoot]);
    expect(r.exitCode).toBe(2);
  });
});
