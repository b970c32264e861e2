/**
 * Experiment tracking without a tracker: what each tracker run receives (from the results JSON),
 * what a re-run sends (nothing when nothing changed), shared stages linked, resumed runs continued,
 * and what the training is told. The transport here records jobs; the e2e tier sends them to a
 * real MLflow server and to W&B's offline writer (test/e2e/track-quickstart.test.ts).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AblateError } from '../../src/errors.js';
import type { StageRunContext, StageRunners } from '../../src/exec/types.js';
import type { Plan, Stage } from '../../src/plan/types.js';
import { writeCompletion } from '../../src/exec/cache.js';
import { collectResults } from '../../src/results/collect.js';
import { runJson } from '../../src/results/table.js';
import { buildTrainConfig } from '../../src/tools/llamafactory/config.js';
import { flatten, trackerMetricName } from '../../src/track/content.js';
import { ledgerPath, readLedger } from '../../src/track/ledger.js';
import { TrackingSession } from '../../src/track/session.js';
import { absoluteTrackingUri, targetKey, trackFromFlags, trackTargets, type TrackTarget } from '../../src/track/targets.js';
import type { TrackerJob, Transport } from '../../src/track/transport.js';
import { evalResult, makeFixture, type Fixture } from './results-fixture.js';

const MLFLOW: TrackTarget = { kind: 'mlflow', uri: 'http://127.0.0.1:5000', experiment: 'fixture' };
const WANDB: TrackTarget = { kind: 'wandb', project: 'p', mode: 'offline' };

/** Records every job; answers with the run's existing id or a new one. */
function recorder(): { jobs: TrackerJob[]; transport: Transport } {
  const jobs: TrackerJob[] = [];
  let n = 0;
  return {
    jobs,
    transport: async (job) => {
      jobs.push(structuredClone(job));
      return Object.fromEntries(job.runs.map((r) => [r.key, r.id ?? `${job.target.kind}-${++n}`]));
    },
  };
}

/** A stage redone with new outputs: the executor's own completion record, written last. */
async function redone(stage: Stage): Promise<void> {
  await writeCompletion(stage, { startedAt: new Date(), finishedAt: new Date(), executor: 'local' });
}

const fixtures: Fixture[] = [];
afterEach(() => {
  for (const f of fixtures.splice(0)) rmSync(f.dir, { recursive: true, force: true });
});
async function fixture(editSpec?: (s: string) => string): Promise<Fixture> {
  const f = await makeFixture(editSpec ? { editSpec } : {});
  fixtures.push(f);
  return f;
}

describe('track targets', () => {
  it('--track flags replace the spec block; none turns it off; no block, no target', () => {
    expect(trackFromFlags(['mlflow=http://h:5000'])).toEqual({ mlflow: { uri: 'http://h:5000' } });
    expect(trackFromFlags(['wandb=team/proj', 'mlflow=sqlite:///m.db'])).toEqual({ wandb: { project: 'proj', entity: 'team', mode: 'online' }, mlflow: { uri: 'sqlite:///m.db' } });
    expect(trackFromFlags(['wandb-offline=proj'])).toEqual({ wandb: { project: 'proj', mode: 'offline' } });
    expect(trackFromFlags(['none'])).toBeNull();
    for (const bad of ['mlflow', 'wandb=a/b/c', 'wandb=', 'neptune=x', 'wandb=/p']) expect(() => trackFromFlags([bad]), bad).toThrow(/--track/);
    expect(() => trackFromFlags(['none', 'mlflow=x'])).toThrow(/cannot be combined/);

    const spec = { mlflow: { uri: 'http://spec:5000', experiment: 'e' } };
    expect(trackTargets(undefined, undefined, 'x', '/w')).toEqual([]);
    expect(trackTargets(spec, undefined, 'x', '/w')).toEqual([{ kind: 'mlflow', uri: 'http://spec:5000', experiment: 'e' }]);
    expect(trackTargets(spec, null, 'x', '/w')).toEqual([]);
    expect(trackTargets(spec, { wandb: { project: 'p' } }, 'x', '/w')).toEqual([{ kind: 'wandb', project: 'p', mode: 'online' }]);
    // The experiment defaults to the spec's name: one sweep, one MLflow experiment.
    expect(trackTargets({ mlflow: { uri: 'http://h' } }, undefined, 'rq2', '/w')).toEqual([{ kind: 'mlflow', uri: 'http://h', experiment: 'rq2' }]);
  });

  it('local stores become absolute (training runs in its stage folder); servers pass as they are', () => {
    expect(absoluteTrackingUri('sqlite:///m.db', '/work')).toBe('sqlite:////work/m.db');
    expect(absoluteTrackingUri('sqlite:////abs/m.db', '/work')).toBe('sqlite:////abs/m.db');
    expect(absoluteTrackingUri('file:./mlruns', '/work')).toBe('file:///work/mlruns');
    expect(absoluteTrackingUri('mlruns', '/work')).toBe('file:///work/mlruns');
    expect(absoluteTrackingUri('http://127.0.0.1:5000', '/work')).toBe('http://127.0.0.1:5000');
    expect(absoluteTrackingUri('databricks', '/work')).toBe('file:///work/databricks');
    expect(absoluteTrackingUri('databricks://profile', '/work')).toBe('databricks://profile');
  });

  it('ledgers are per tracker and place; W&B online and offline share one (a synced offline run continues)', () => {
    expect(targetKey(MLFLOW)).not.toBe(targetKey({ ...MLFLOW, experiment: 'other' }));
    expect(targetKey(WANDB)).toBe(targetKey({ ...WANDB, mode: 'online' }));
    expect(targetKey(WANDB)).not.toBe(targetKey({ ...WANDB, entity: 'team' }));
  });

  it('metric names MLflow accepts; nested settings flattened', () => {
    expect(trackerMetricName('humaneval.pass@1')).toBe('humaneval.pass_at_1');
    expect(trackerMetricName('lcb.easy.plus_pass@10')).toBe('lcb.easy.plus_pass_at_10');
    expect(trackerMetricName('a(b)')).toBe('a_b_');
    expect(flatten({ args: { lr: 0.001, tasks: ['a', 'b'] }, model: 'm' }, 'train')).toEqual({ 'train.args.lr': '0.001', 'train.args.tasks': '["a","b"]', 'train.model': 'm' });
  });
});

describe('LLaMA-Factory reports only when asked', () => {
  const inputs = { train: { model: 'm', template: 'default' as const, args: {} }, modelPath: '/m', datasetDir: '/d', datasetName: 'ds', outputDir: '/o' };
  it('report_to stays none without tracking', () => {
    expect(buildTrainConfig(inputs).report_to).toBe('none');
    expect(buildTrainConfig(inputs)).not.toHaveProperty('run_name');
  });
  it('with tracking: the trackers (plus what the user reports to), the run name unless the user set one', () => {
    const tracking = { reportTo: ['mlflow', 'wandb'], runName: 'complexity=low' };
    expect(buildTrainConfig({ ...inputs, tracking })).toMatchObject({ report_to: ['mlflow', 'wandb'], run_name: 'complexity=low' });
    const user = { ...inputs, train: { ...inputs.train, args: { report_to: 'tensorboard', run_name: 'mine' } }, tracking };
    expect(buildTrainConfig(user)).toMatchObject({ report_to: ['tensorboard', 'mlflow', 'wandb'], run_name: 'mine' });
  });
  it('a track: block changes no run id and no stage id', async () => {
    const plain = await fixture();
    const tracked = await fixture((s) => `${s}track:\n  mlflow: { uri: http://127.0.0.1:5000 }\n  wandb: { project: p, mode: offline }\n`);
    expect(tracked.plan.runs[0]!.config.track).toEqual({ mlflow: { uri: 'http://127.0.0.1:5000' }, wandb: { project: 'p', mode: 'offline' } });
    expect(tracked.plan.runs.map((r) => r.id)).toEqual(plain.plan.runs.map((r) => r.id));
    expect([...tracked.plan.stages.keys()]).toEqual([...plain.plan.stages.keys()]);
  });
});

describe('tracking session', () => {
  it('one tracker run per ablate run: tags, params, and exactly the results JSON numbers', async () => {
    const f = await fixture();
    const rec = recorder();
    const session = await TrackingSession.open(f.plan, [MLFLOW], { transport: rec.transport });
    await session.finish();
    const created = rec.jobs[0]!.runs;
    expect(created).toHaveLength(6);
    expect(created.every((r) => r.id === null)).toBe(true);
    const json = collectResults(f.plan).rows.map(runJson);
    const sent = (key: string) => {
      const merged = { tags: {} as Record<string, string>, metrics: {} as Record<string, number>, params: {} as Record<string, string>, artifacts: [] as string[] };
      for (const job of rec.jobs) for (const r of job.runs.filter((x) => x.key === key)) {
        Object.assign(merged.tags, r.tags);
        Object.assign(merged.metrics, r.metrics);
        Object.assign(merged.params, r.params);
        merged.artifacts.push(...r.artifacts.map((a) => `${a.dir}/${path.basename(a.file)}`));
      }
      return merged;
    };
    for (const run of f.plan.runs) {
      const j = json.find((x) => x.run === run.id)!;
      const s = sent(run.id);
      expect(s.tags).toMatchObject({ 'ablate.spec': 'fixture', 'ablate.run_id': run.id, 'ablate.run_name': run.name, 'axis.data.filter.complexity.keep': run.axes['data.filter.complexity.keep'], 'ablate.repeat': String(run.repeat) });
      expect(s.tags['ablate.stage.train']).toBe(j.stages.train);
      expect(s.tags['ablate.stage.eval.mbpp']).toBe(j.stages.eval['mbpp']);
      expect(s.params).toMatchObject({ 'train.model': 'builtin:tiny-llama', 'eval.tool': 'local', 'data.size': '20', 'ablate.seed': '7' });
      const expected: Record<string, number> = {};
      for (const [k, c] of Object.entries(j.cells)) if (c.value !== null) expected[trackerMetricName(k)] = c.value;
      for (const e of j.evals) if (e.problems !== undefined) expected[`${e.task}.problems`] = e.problems;
      expect(s.metrics).toEqual(expected);
      expect(s.artifacts).toEqual(expect.arrayContaining(['datacard/datacard.json', 'ablate/results.json']));
    }
    // The failed training: no loss, no scores, and the run is marked failed.
    const failed = f.plan.runs.find((r) => r.name === 'complexity=medium,r2')!;
    expect(sent(failed.id).metrics).not.toHaveProperty('train.loss');
    expect(sent(failed.id).metrics).not.toHaveProperty('humaneval.pass_at_1');
    expect(sent(f.plan.runs[0]!.id).metrics['humaneval.pass_at_1']).toBe(40);
  });

  it('a re-run with nothing new sends nothing; a changed score sends only that (into the same run)', async () => {
    const f = await fixture();
    const first = recorder();
    await (await TrackingSession.open(f.plan, [MLFLOW, WANDB], { transport: first.transport })).finish();
    const ledgerText = readFileSync(ledgerPath(f.plan, MLFLOW), 'utf8');
    const again = recorder();
    const s2 = await TrackingSession.open(f.plan, [MLFLOW, WANDB], { transport: again.transport });
    await s2.finish();
    expect(again.jobs).toEqual([]);
    expect(readFileSync(ledgerPath(f.plan, MLFLOW), 'utf8')).toBe(ledgerText);

    // A re-evaluation (--force eval) that solves more problems.
    const run = f.plan.runs[0]!;
    const evalStage = f.plan.stages.get(run.stages.find((id) => f.plan.stages.get(id)!.task === 'humaneval')!)!;
    writeFileSync(path.join(evalStage.dir, 'result.json'), JSON.stringify(evalResult('humaneval', 15, 1)));
    await redone(evalStage);
    const third = recorder();
    const s3 = await TrackingSession.open(f.plan, [MLFLOW], { transport: third.transport });
    s3.onEvent({ type: 'stage-done', time: '', id: evalStage.id, kind: 'eval', cached: false, durationMs: 1 });
    await s3.finish();
    const runs = third.jobs.flatMap((j) => j.runs);
    expect(new Set(runs.map((r) => r.key))).toEqual(new Set([run.id]));
    const id = readLedger(f.plan, MLFLOW).runs[run.id]!.id;
    expect(runs.every((r) => r.id === id)).toBe(true);
    expect(Object.assign({}, ...runs.map((r) => r.metrics))).toEqual({ 'humaneval.pass_at_1': 75 });
    expect(runs.flatMap((r) => r.artifacts.map((a) => `${a.dir}/${path.basename(a.file)}`))).toEqual(['ablate/results.json']);
    expect(runs.flatMap((r) => Object.keys(r.params))).toEqual([]);
  });

  it('cached stages (stage-done with cached: true) trigger nothing', async () => {
    const f = await fixture();
    const rec = recorder();
    const s = await TrackingSession.open(f.plan, [MLFLOW], { transport: rec.transport });
    const n = rec.jobs.length;
    for (const stage of f.plan.stages.values()) s.onEvent({ type: 'stage-done', time: '', id: stage.id, kind: stage.kind, cached: true, durationMs: 0 });
    await s.idle();
    expect(rec.jobs.length).toBe(n);
  });

  it('runs that share a dataset and a checkpoint link to the run that produced them; the training reports there', async () => {
    // Two eval settings per arm: both runs of an arm share its materialize and train stages.
    const f = await fixture((s) => s.replace('    data.filter.complexity.keep: [low, medium, high]\n', '    data.filter.complexity.keep: [low, medium, high]\n    eval.args.max_new_tokens: [16, 32]\n'));
    const rec = recorder();
    const session = await TrackingSession.open(f.plan, [MLFLOW], { transport: rec.transport });
    const ledger = readLedger(f.plan, MLFLOW);
    const low = f.plan.runs.filter((r) => r.axes['data.filter.complexity.keep'] === 'low' && r.repeat === 1);
    expect(low).toHaveLength(2);
    const [owner, sharer] = low as [Plan['runs'][0], Plan['runs'][0]];
    expect(owner.stages[1]).toBe(sharer.stages[1]);
    const tagsOf = (key: string) => Object.assign({}, ...rec.jobs.flatMap((j) => j.runs.filter((r) => r.key === key).map((r) => r.tags))) as Record<string, string>;
    expect(tagsOf(sharer.id)).toMatchObject({ 'ablate.shared.materialize': ledger.runs[owner.id]!.id, 'ablate.shared.train': ledger.runs[owner.id]!.id });
    expect(Object.keys(tagsOf(sharer.id)).filter((k) => k.startsWith('ablate.shared.eval'))).toEqual([]);
    expect(Object.keys(tagsOf(owner.id)).filter((k) => k.startsWith('ablate.shared.'))).toEqual([]);
    // Each still gets its own tracker run and the shared numbers, read (not recomputed) from the stage.
    expect(ledger.runs[sharer.id]!.id).not.toBe(ledger.runs[owner.id]!.id);
    const trainStage = f.plan.stages.get(owner.stages[1]!)!;
    const tracking = session.toolTracking(trainStage)!;
    expect(tracking).toEqual({ reportTo: ['mlflow'], runName: owner.name, env: { MLFLOW_TRACKING_URI: MLFLOW.uri, MLFLOW_EXPERIMENT_NAME: 'fixture', MLFLOW_RUN_ID: ledger.runs[owner.id]!.id, MLFLOW_MAX_LOG_PARAMS: '0' } });
  });

  it('the wrapped train runner gets the tracking; other kinds and untracked sessions are untouched', async () => {
    const f = await fixture();
    const rec = recorder();
    const session = await TrackingSession.open(f.plan, [WANDB], { transport: rec.transport });
    const seen: Array<StageRunContext['tracking']> = [];
    const inner: StageRunners = {
      materialize: async (ctx) => void seen.push(ctx.tracking),
      train: async (ctx) => void seen.push(ctx.tracking),
      eval: async (ctx) => void seen.push(ctx.tracking),
    };
    const wrapped = session.wrap(inner);
    const run = f.plan.runs[0]!;
    const ctx = (id: string) => ({ stage: f.plan.stages.get(id)!, log: () => {} }) as unknown as StageRunContext;
    await wrapped.materialize(ctx(run.stages[0]!));
    await wrapped.train(ctx(run.stages[1]!));
    expect(seen[0]).toBeUndefined();
    expect(seen[1]).toMatchObject({ reportTo: ['wandb'], runName: run.name, env: { WANDB_PROJECT: 'p', WANDB_MODE: 'offline', WANDB_RESUME: 'allow', WANDB_RUN_ID: readLedger(f.plan, WANDB).runs[run.id]!.id, WANDB_RUN_GROUP: 'fixture' } });
    // A SLURM job's process reads the same ledger and gives its training the same run.
    expect(TrackingSession.forStages(f.plan, [WANDB]).toolTracking(f.plan.stages.get(run.stages[1]!)!)).toEqual(seen[1]);
    // No ledger for this target yet: nothing to report into.
    expect(TrackingSession.forStages(f.plan, [MLFLOW]).toolTracking(f.plan.stages.get(run.stages[1]!)!)).toBeUndefined();
  });

  it('an unreachable tracker stops the run before anything runs (exit 2), and records nothing', async () => {
    const f = await fixture();
    const failing: Transport = async () => {
      throw new Error('runners/track.py failed (exit 1):\nConnectionRefusedError');
    };
    const err = await TrackingSession.open(f.plan, [MLFLOW], { transport: failing }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AblateError);
    expect((err as AblateError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(/ConnectionRefusedError[\s\S]*Nothing was run[\s\S]*--track none/);
    expect(Object.keys(readLedger(f.plan, MLFLOW).runs)).toEqual([]);
  });

  it('a tracker failing mid-run is a warning, and the next update retries what was not sent', async () => {
    const f = await fixture();
    let fail = false;
    const jobs: TrackerJob[] = [];
    const transport: Transport = async (job) => {
      if (fail) throw new Error('server went away');
      jobs.push(structuredClone(job));
      return Object.fromEntries(job.runs.map((r) => [r.key, r.id ?? `id-${r.key}`]));
    };
    const warnings: string[] = [];
    const s = await TrackingSession.open(f.plan, [MLFLOW], { transport, warn: (m) => warnings.push(m) });
    const run = f.plan.runs[0]!;
    const evalStage = f.plan.stages.get(run.stages[2]!)!;
    writeFileSync(path.join(evalStage.dir, 'result.json'), JSON.stringify(evalResult(evalStage.task!, 1, 1)));
    await redone(evalStage);
    fail = true;
    s.onEvent({ type: 'stage-done', time: '', id: evalStage.id, kind: 'eval', cached: false, durationMs: 1 });
    await s.idle();
    expect(warnings.join('\n')).toMatch(/server went away/);
    fail = false;
    const before = jobs.length;
    await s.finish();
    expect(jobs.slice(before).flatMap((j) => j.runs).find((r) => r.key === run.id)?.metrics).toMatchObject({ [`${evalStage.task}.pass_at_1`]: 5 });
  });
});
