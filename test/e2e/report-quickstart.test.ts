/**
 * Tables and report on a finished quickstart run, for real: `ablate run experiments/quickstart.yaml`
 * on the CPU (tiny Llama, LoRA, local evaluator), then `ablate results` in every format and
 * `ablate report` opened in headless Chromium. Needs the Python tool env and Debian's chromium.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTALL_HINT, ensureToolEnv, toolEnvStatus } from '../../src/tools/pyenv.js';
import { repoRoot, runCli } from '../helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const spec = path.join(repoRoot, 'experiments/quickstart.yaml');

const status = await toolEnvStatus();
const envPath = status.present ? status.path : process.env.CI ? await ensureToolEnv() : undefined;
const skipReason = `no Python tool env at ${status.path}: ${INSTALL_HINT}`;

const work = mkdtempSync(path.join(tmpdir(), 'ablate-e2e-report-quickstart-'));
const results = path.join(work, 'results');
let runOutput = '';
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(async () => {
  if (!envPath) return;
  const r = await runCli(['run', spec, '--results', results, '--quiet'], { env: { ...(process.env as Record<string, string>), ABLATE_PYTHON_ENV: envPath } });
  runOutput = `${r.stdout}\n${r.stderr}`;
  if (r.exitCode !== 0) throw new Error(`ablate run failed (${r.exitCode}):\n${runOutput}`);
}, 1_800_000);

describe('results and report on a finished quickstart run', () => {
  it('every table format', async (t) => {
    if (!envPath) return t.skip(skipReason);
    const base = ['results', spec, '--results', results];
    const table = await runCli(base);
    expect(table.exitCode, table.stderr).toBe(0);
    expect(table.stdout).toContain('quickstart: results by arm');
    // A pending stage here means the run did not finish what it reported; show its output.
    expect(table.stdout, `ablate run output:\n${runOutput}`).not.toMatch(/stage pending/);
    expect(table.stdout).toMatch(/│ low\s+│\s+1 │/);
    expect(table.stdout).toMatch(/│ high\s+│\s+1 │/);
    expect(table.stdout).toContain('baseline: complexity=low');
    expect(table.stdout).toMatch(/humaneval evaluation setup: [0-9a-f]{12} \(local/);
    expect(table.stdout).toMatch(/Paired statistics/);

    const md = await runCli([...base, '--format', 'md']);
    expect(md.stdout).toMatch(/^### quickstart: results by arm/);
    expect(md.stdout).toMatch(/\| complexity \| runs \| size \| train loss \| humaneval\.pass@1 % \| Δ humaneval\.pass@1 pp \|/);

    const csv = parse((await runCli([...base, '--format', 'csv'])).stdout, { columns: true }) as Record<string, string>[];
    expect(csv.map((r) => r['data.filter.complexity.keep'])).toEqual(['low', 'high']);
    for (const r of csv) {
      expect(Number(r['dataset.size'])).toBeGreaterThan(0);
      expect(Number(r['train.loss'])).toBeGreaterThan(0);
      expect(Number(r['humaneval.pass@1'])).toBeGreaterThanOrEqual(0);
      expect(r['humaneval.setup']).toMatch(/^[0-9a-f]+$/);
    }
    expect(csv[0]!['humaneval.pass@1.delta']).toBe('0');

    const json = JSON.parse((await runCli([...base, '--format', 'json'])).stdout) as {
      arms: Array<{ cells: Record<string, { n: number; sources: Array<{ stage: string; file: string }> }> }>;
      stats: Array<{ arm: string; task: string; configs: unknown[]; ci: [number, number] | null }>;
    };
    expect(json.arms).toHaveLength(2);
    for (const a of json.arms) {
      expect(a.cells['humaneval.pass@1']!.n).toBe(1);
      expect(existsSync(a.cells['humaneval.pass@1']!.sources[0]!.file)).toBe(true);
    }
    expect(json.stats).toHaveLength(1);
    expect(json.stats[0]).toMatchObject({ arm: 'complexity=high', task: 'humaneval' });
    expect(json.stats[0]!.configs).toHaveLength(1);
    expect(json.stats[0]!.ci).not.toBeNull();

    const pivot = await runCli([...base, '--pivot', 'complexity']);
    expect(pivot.stdout).toContain('humaneval.pass@1 % complexity=low');
  });

  it('the HTML report renders in Chromium without errors or requests', async (t) => {
    if (!envPath) return t.skip(skipReason);
    if (!existsSync(CHROMIUM)) {
      const reason = `${CHROMIUM} not found; install it with scripts/install-chromium.sh`;
      if (process.env.CI) throw new Error(reason);
      return t.skip(reason);
    }
    const r = await runCli(['report', spec, '--results', results]);
    expect(r.exitCode, r.stderr).toBe(0);
    const file = r.stdout.trim();
    expect(file).toBe(path.join(results, 'experiments', 'quickstart', 'report.html'));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      const url = pathToFileURL(file).href;
      page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (q) => q.url() !== url && problems.push(`request ${q.url()}`));
      await page.goto(url, { waitUntil: 'load' });
      expect(problems).toEqual([]);
      expect(await page.locator('figure svg').count()).toBeGreaterThanOrEqual(3);
      expect(await page.locator('#chart-training-curves svg .mark-line path').count()).toBeGreaterThan(0);
      const shot = path.join(mkdtempSync(path.join(tmpdir(), 'ablate-report-quickstart-shot-')), 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
      console.log(`quickstart report screenshot: ${shot}`);
    } finally {
      await browser.close();
    }
  });
});
