/**
 * Experiment tracking for real: a real MLflow tracking server from PyPI (SQLite store, started here
 * on 127.0.0.1) and W&B in offline mode receive the quickstart's two arms, trained for real by
 * LLaMA-Factory on the CPU. First `--until train` (the loss curves arrive through LLaMA-Factory's
 * own report_to), then the whole run (the same tracker runs continue: pass@1, data card, lock),
 * then a cached re-run that must send nothing. Every value is compared with `ablate results
 * --format json`. W&B never reaches a network: its server URL points at a closed local port.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackerMetricName } from '../../src/track/content.js';
import { pythonToolsFor } from '../helpers/pythonEnv.js';
import { repoRoot, runCli } from '../helpers/cli.js';

const spec = path.join(repoRoot, 'experiments/quickstart.yaml');
const MLFLOW_VERSION = '3.17.2';
const serverEnv = path.join(process.env.ABLATE_CACHE ?? path.join(homedir(), '.cache', 'ablate'), `mlflow-server-${MLFLOW_VERSION}`);
const serverBin = path.join(serverEnv, 'bin', 'mlflow');

const tools = await pythonToolsFor(['mlflow', 'wandb', 'llamafactory'], 'the tracking end-to-end test');
const serverReason = `no MLflow server env at ${serverEnv}: run scripts/install-mlflow-server.sh (.ci/run does)`;
if (!existsSync(serverBin) && process.env.CI) throw new Error(`CI is set but ${serverReason}`);
const ready = Boolean(tools.python) && existsSync(serverBin);
const skipReason = tools.python ? serverReason : tools.reason;

const work = mkdtempSync(path.join(tmpdir(), 'ablate-e2e-track-'));
const results = path.join(work, 'results');
const expDir = path.join(results, 'experiments', 'quickstart');
let server: ResultPromise | undefined;
let uri = '';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A local port nothing listens on: W&B's server URL, so any attempt to go online fails at once. */
const closedPort = await freePort();
const env = {
  ...(process.env as Record<string, string>),
  WANDB_BASE_URL: `http://127.0.0.1:${closedPort}`,
  WANDB_API_KEY: '',
  MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR: 'false',
};

async function ablate(args: string[]) {
  const r = await runCli(args, { env });
  if (r.exitCode !== 0) throw new Error(`ablate ${args.join(' ')} failed (${r.exitCode}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

const trackArgs = (): string[] => ['--track', `mlflow=${uri}`, '--track', 'wandb-offline=ablate-e2e'];

interface MlflowRun {
  id: string;
  name: string;
  status: string;
  tags: Record<string, string>;
  params: Record<string, string>;
  metrics: Record<string, Array<[number, number]>>;
  artifacts: Record<string, string>;
}

async function readMlflow(): Promise<MlflowRun[]> {
  const r = await execa(tools.python!, [path.join(repoRoot, 'test/fixtures/read_mlflow.py'), uri, 'quickstart'], { env });
  return (JSON.parse(r.stdout) as { runs: MlflowRun[] }).runs.sort((a, b) => a.name.localeCompare(b.name));
}

interface WandbRun {
  folders: string[];
  name: string;
  group: string;
  tags: string[];
  config: Record<string, unknown>;
  summary: Record<string, number>;
  history: Array<Record<string, number>>;
  files: Record<string, string>;
  exit_codes: number[];
}

async function readWandb(): Promise<Record<string, WandbRun>> {
  const r = await execa(tools.python!, [path.join(repoRoot, 'test/fixtures/read_wandb_offline.py'), expDir], { env });
  return JSON.parse(r.stdout) as Record<string, WandbRun>;
}

interface ResultsRun {
  run: string;
  name: string;
  axes: Record<string, unknown>;
  stages: { materialize?: string; train?: string; eval: Record<string, string> };
  cells: Record<string, { value: number | null; source?: { file?: string } }>;
  evals: Array<{ task: string; problems?: number }>;
}

async function resultsJson(): Promise<ResultsRun[]> {
  const r = await ablate(['results', spec, '--results', results, '--format', 'json']);
  return (JSON.parse(r.stdout) as { runs: ResultsRun[] }).runs;
}

/** The training curve ablate recorded from LLaMA-Factory's trainer_log.jsonl. */
function curveOf(trainStage: string): Array<[number, number]> {
  const m = JSON.parse(readFileSync(path.join(results, 'stages', 'train', trainStage, 'metrics.json'), 'utf8')) as { curve: Array<{ step: number; loss?: number }> };
  return m.curve.filter((p) => p.loss !== undefined).map((p) => [p.step, p.loss!]);
}

const wandbFolders = (): string[] => (existsSync(path.join(expDir, 'wandb')) ? readdirSync(path.join(expDir, 'wandb')).filter((f) => /run-/.test(f)).sort() : []);

let afterTrain: MlflowRun[] = [];
let afterFull: MlflowRun[] = [];
let wandbAfterFull: Record<string, WandbRun> = {};
let foldersAfterFull: string[] = [];
let ledgersAfterFull = '';
let afterCached: MlflowRun[] = [];
let cachedOutput = '';

const ledgers = (): string =>
  readdirSync(path.join(expDir, 'tracking'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readFileSync(path.join(expDir, 'tracking', f), 'utf8'))
    .join('\n');

beforeAll(async () => {
  if (!ready) return;
  const port = await freePort();
  uri = `http://127.0.0.1:${port}`;
  server = execa(serverBin, ['server', '--host', '127.0.0.1', '--port', String(port), '--backend-store-uri', `sqlite:///${path.join(work, 'mlflow.db')}`, '--artifacts-destination', path.join(work, 'mlartifacts'), '--workers', '1'], {
    reject: false,
    detached: true,
    stdio: 'ignore',
  });
  const deadline = Date.now() + 180_000;
  for (;;) {
    const ok = await fetch(`${uri}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`the MLflow server did not come up on ${uri}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  await ablate(['run', spec, '--results', results, '--quiet', '--until', 'train', ...trackArgs()]);
  afterTrain = await readMlflow();
  await ablate(['run', spec, '--results', results, '--quiet', ...trackArgs()]);
  afterFull = await readMlflow();
  wandbAfterFull = await readWandb();
  foldersAfterFull = wandbFolders();
  ledgersAfterFull = ledgers();
  const cached = await ablate(['run', spec, '--results', results, '--quiet', ...trackArgs()]);
  cachedOutput = `${cached.stdout}\n${cached.stderr}`;
  afterCached = await readMlflow();
}, 3_600_000);

afterAll(() => {
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  rmSync(work, { recursive: true, force: true });
});

describe('experiment tracking of the quickstart', () => {
  it('MLflow: one run per arm, with tags, params, the loss curve, pass@1 and the data card, equal to ablate results --format json', async (t) => {
    if (!ready) return t.skip(skipReason);
    const runs = await resultsJson();
    expect(runs).toHaveLength(2);
    expect(afterFull.map((r) => r.name).sort()).toEqual(runs.map((r) => r.name).sort());
    for (const run of runs) {
      const tracked = afterFull.find((r) => r.tags['ablate.run_id'] === run.run);
      expect(tracked, `no MLflow run tagged ${run.run}`).toBeDefined();
      const m = tracked!;
      expect(m.name).toBe(run.name);
      expect(m.status).toBe('FINISHED');
      expect(m.tags['ablate.spec']).toBe('quickstart');
      expect(m.tags['axis.data.filter.complexity.keep']).toBe(run.axes['data.filter.complexity.keep']);
      expect(m.tags['ablate.stage.materialize']).toBe(run.stages.materialize);
      expect(m.tags['ablate.stage.train']).toBe(run.stages.train);
      expect(m.tags['ablate.stage.eval.humaneval']).toBe(run.stages.eval['humaneval']);
      expect(m.params['train.model']).toBe('builtin:tiny-llama');
      expect(m.params['train.args.max_steps']).toBe('4');
      expect(m.params['eval.tool']).toBe('local');
      expect(m.params['data.filter.complexity.keep']).toBe(run.axes['data.filter.complexity.keep']);
      // Every number of the results JSON, under its tracker name, with exactly one value.
      const cells = Object.entries(run.cells).filter(([, c]) => c.value !== null);
      expect(cells.map(([k]) => k).sort()).toEqual(['dataset.size', 'humaneval.pass@1', 'train.loss', 'train.runtime']);
      for (const [key, cell] of cells) expect(m.metrics[trackerMetricName(key)], key).toEqual([[0, cell.value]]);
      expect(m.metrics['humaneval.problems']).toEqual([[0, run.evals.find((e) => e.task === 'humaneval')!.problems]]);
      expect(m.metrics['humaneval.problems']![0]![1]).toBe(8);
      // The loss curve, logged by LLaMA-Factory's MLflowCallback into this same run, step by step.
      const curve = curveOf(run.stages.train!);
      expect(curve.map(([s]) => s)).toEqual([1, 2, 3, 4]);
      expect(m.metrics['loss']).toEqual(curve);
      // The data card is the materialize stage's own file; the results artifact is the JSON entry.
      const card = readFileSync(path.join(results, 'stages', 'materialize', run.stages.materialize!, 'datacard.json'), 'utf8');
      expect(m.artifacts['datacard/datacard.json']).toBe(card);
      expect(JSON.parse(m.artifacts['ablate/results.json']!).cells).toEqual(run.cells);
      expect(m.artifacts['ablate/ablate.lock.json']).toBe(readFileSync(path.join(expDir, 'ablate.lock.json'), 'utf8'));
    }
  });

  it('--until train then the full run: the same tracker runs continue (curve first, scores later)', async (t) => {
    if (!ready) return t.skip(skipReason);
    expect(afterTrain).toHaveLength(2);
    expect(afterTrain.map((r) => r.id).sort()).toEqual(afterFull.map((r) => r.id).sort());
    for (const r of afterTrain) {
      expect(r.metrics['loss']).toHaveLength(4);
      expect(r.metrics['humaneval.pass_at_1']).toBeUndefined();
      expect(r.artifacts['datacard/datacard.json']).toBeDefined();
    }
  });

  it('a cached re-run sends nothing', async (t) => {
    if (!ready) return t.skip(skipReason);
    expect(cachedOutput).toMatch(/0 stage\(s\) ran, 6 cached/);
    expect(afterCached).toEqual(afterFull);
    expect(wandbFolders()).toEqual(foldersAfterFull);
    expect(ledgers()).toBe(ledgersAfterFull);
  });

  it('W&B offline: local run folders with the same content, read back with the wandb package', async (t) => {
    if (!ready) return t.skip(skipReason);
    const runs = await resultsJson();
    // Offline only: no folder of an online run, and the server URL pointed at a closed port.
    expect(foldersAfterFull.length).toBeGreaterThan(0);
    expect(foldersAfterFull.every((f) => f.startsWith('offline-run-'))).toBe(true);
    const wb = Object.values(wandbAfterFull);
    expect(wb).toHaveLength(2);
    for (const run of runs) {
      const w = wb.find((r) => r.config['ablate.run_id'] === run.run);
      expect(w, `no W&B run for ${run.run}`).toBeDefined();
      expect(w!.name).toBe(run.name);
      expect(w!.group).toBe('quickstart');
      expect(w!.tags).toEqual([`data.filter.complexity.keep=${String(run.axes['data.filter.complexity.keep'])}`, 'quickstart']);
      expect(w!.exit_codes.every((c) => c === 0)).toBe(true);
      for (const [key, cell] of Object.entries(run.cells)) if (cell.value !== null) expect(w!.summary[trackerMetricName(key)], key).toBe(cell.value);
      expect(w!.summary['humaneval.problems']).toBe(8);
      expect(w!.config).toMatchObject({ 'ablate.spec': 'quickstart', 'axis.data.filter.complexity.keep': run.axes['data.filter.complexity.keep'], 'ablate.stage.train': run.stages.train, 'train.args.max_steps': '4', 'eval.tool': 'local' });
      // WandbCallback's history: train/loss against train/global_step, equal to the recorded curve.
      const curve = w!.history.filter((h) => h['train/loss'] !== undefined).map((h) => [h['train/global_step'], h['train/loss']]);
      expect(curve).toEqual(curveOf(run.stages.train!));
      const card = readFileSync(path.join(results, 'stages', 'materialize', run.stages.materialize!, 'datacard.json'), 'utf8');
      expect(w!.files['datacard/datacard.json']).toBe(card);
      expect(JSON.parse(w!.files['ablate/results.json']!).cells).toEqual(run.cells);
    }
  });
});
