/**
 * Experiment tracking for one `ablate run`: one tracker run per ablate run, opened (or continued)
 * before any stage runs, brought up to date whenever a stage finishes and once more at the end.
 * What is sent is the run's entry of `ablate results --format json` (src/track/content.ts), minus
 * what the ledger says the tracker already has. Training reports its own loss curve into the same
 * tracker run (LLaMA-Factory's report_to, the run id in its environment).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { experimentDir } from '../bundle/lock.js';
import { AblateError, EXIT } from '../errors.js';
import { isDone } from '../exec/cache.js';
import { writeFileAtomic } from '../exec/fsutil.js';
import type { ExecEvent, ExecSummary, StageRunners, ToolTracking } from '../exec/types.js';
import type { Plan, Run, Stage } from '../plan/types.js';
import { collectResults } from '../results/collect.js';
import { runJson } from '../results/table.js';
import { isEmptyRecord, runRecord, unsent } from './content.js';
import { readLedger, trackingDir, writeLedger, type Ledger } from './ledger.js';
import { describeTarget, type TrackTarget } from './targets.js';
import type { RunStatus, Transport, TrackerJobRun } from './transport.js';

export interface SessionOptions {
  /** The runs of this invocation (`--only`); default all. */
  runIds?: readonly string[];
  transport?: Transport;
  /** Warnings (a tracker that failed mid-run); the run goes on and the next sync retries. */
  warn?: (message: string) => void;
}

interface SyncOptions {
  lockFile?: string;
  statuses?: Map<string, RunStatus>;
}

export class TrackingSession {
  private readonly ledgers: Ledger[];
  private readonly runs: Run[];
  private queue: Promise<void> = Promise.resolve();
  private readonly transport: Transport | undefined;
  private readonly warn: (m: string) => void;

  private constructor(
    readonly plan: Plan,
    readonly targets: readonly TrackTarget[],
    opts: SessionOptions,
  ) {
    const wanted = opts.runIds ? new Set(opts.runIds) : undefined;
    this.runs = plan.runs.filter((r) => !wanted || wanted.has(r.id));
    this.ledgers = targets.map((t) => readLedger(plan, t));
    this.transport = opts.transport;
    this.warn = opts.warn ?? ((m) => process.stderr.write(`WARNING: ${m}\n`));
    // The first tracked run that needs a stage owns it: its tool reports there, the others link to it.
    for (const ledger of this.ledgers) {
      for (const run of this.runs) for (const id of run.stages) ledger.owners[id] ??= run.id;
    }
  }

  /**
   * Opens or continues the tracker runs of the selected runs and sends what is finished but not
   * yet logged. A tracker that cannot be reached stops here, before anything runs (exit 2).
   */
  static async open(plan: Plan, targets: readonly TrackTarget[], opts: SessionOptions = {}): Promise<TrackingSession> {
    const { pythonTransport } = await import('./transport.js');
    const session = new TrackingSession(plan, targets, { ...opts, transport: opts.transport ?? pythonTransport });
    const running = new Map<string, RunStatus>();
    for (const run of session.runs) if (!session.stagesOf(run).every((s) => isDone(s))) running.set(run.id, 'RUNNING');
    try {
      const ids = session.runs.map((r) => r.id);
      await session.sync(ids, { statuses: running }, true);
      // Runs created together learn each other's tracker ids only now: the shared-stage links follow.
      await session.sync(ids, {}, false);
    } catch (err) {
      throw new AblateError(`tracking: ${(err as Error).message}\nNothing was run. Fix the tracker settings (track: in the spec, or --track), or run without tracking (--track none).`, EXIT.usage);
    }
    return session;
  }

  /** For a process that runs single stages (SLURM jobs): reads the tracker runs, sends nothing. */
  static forStages(plan: Plan, targets: readonly TrackTarget[]): TrackingSession {
    return new TrackingSession(plan, targets, {});
  }

  /** The trackers a training reports to, with its owner run's ids in the environment. */
  toolTracking(stage: Stage): ToolTracking | undefined {
    if (stage.kind !== 'train') return undefined;
    const reportTo: string[] = [];
    const env: Record<string, string> = {};
    let runName: string | undefined;
    for (const ledger of this.ledgers) {
      const owner = ledger.owners[stage.id];
      const entry = owner ? ledger.runs[owner] : undefined;
      if (!entry) continue;
      runName ??= entry.name;
      const t = ledger.target;
      if (t.kind === 'mlflow') {
        reportTo.push('mlflow');
        // MLFLOW_MAX_LOG_PARAMS=0: ablate logs the resolved settings itself; transformers' own ~300
        // params would clash on a resumed training (MLflow refuses a changed resume_from_checkpoint).
        Object.assign(env, { MLFLOW_TRACKING_URI: t.uri, MLFLOW_EXPERIMENT_NAME: t.experiment, MLFLOW_RUN_ID: entry.id, MLFLOW_MAX_LOG_PARAMS: '0' });
      } else {
        reportTo.push('wandb');
        Object.assign(env, {
          WANDB_PROJECT: t.project,
          ...(t.entity ? { WANDB_ENTITY: t.entity } : {}),
          WANDB_RUN_ID: entry.id,
          WANDB_RESUME: 'allow',
          WANDB_MODE: t.mode,
          WANDB_DIR: this.wandbDir(),
          WANDB_RUN_GROUP: this.plan.experiment,
          WANDB_SILENT: 'true',
          WANDB_CONSOLE: 'off',
          WANDB_DISABLE_GIT: 'true',
          WANDB_DISABLE_CODE: 'true',
          WANDB_WATCH: 'false',
          WANDB_LOG_MODEL: 'false',
        });
      }
    }
    return runName === undefined ? undefined : { reportTo, runName, env };
  }

  /**
   * The stage implementations with tracking: a training waits until pending tracker updates are
   * out (one writer per tracker run at a time) and then reports into its owner's tracker run.
   */
  wrap(runners: StageRunners): StageRunners {
    const train = runners.train;
    return {
      ...runners,
      train: async (ctx) => {
        await this.idle();
        const tracking = this.toolTracking(ctx.stage);
        if (tracking) ctx.log(`tracking: training reports to ${tracking.reportTo.join(', ')} as "${tracking.runName}"`);
        return train(tracking ? { ...ctx, tracking } : ctx);
      },
    };
  }

  /** The executors' events: a stage that really finished (not a cached one) updates its runs. */
  onEvent(e: ExecEvent): void {
    if (e.type !== 'stage-done' || e.cached) return;
    const stage = this.plan.stages.get(e.id);
    if (!stage) return;
    const ids = this.runs.filter((r) => stage.runs.includes(r.id)).map((r) => r.id);
    if (ids.length) this.enqueue(ids, {});
  }

  /** After the run: the lock file, every run's final numbers and its status. */
  async finish(opts: { lockFile?: string; summary?: ExecSummary } = {}): Promise<void> {
    const statuses = new Map<string, RunStatus>();
    for (const run of this.runs) {
      const s = runStatus(this.stagesOf(run), opts.summary?.runs.find((r) => r.id === run.id)?.state, opts.summary?.interrupted === true);
      if (s) statuses.set(run.id, s);
    }
    this.enqueue(this.runs.map((r) => r.id), { ...(opts.lockFile ? { lockFile: opts.lockFile } : {}), statuses });
    await this.idle();
  }

  /** Resolves once every queued update has been attempted. */
  idle(): Promise<void> {
    return this.queue;
  }

  private enqueue(runIds: string[], opts: SyncOptions): void {
    this.queue = this.queue.then(() => this.sync(runIds, opts, false)).catch((err: unknown) => this.warn(`tracking: ${(err as Error).message} (will retry with the next update or run)`));
  }

  private stagesOf(run: Run): Stage[] {
    return run.stages.map((id) => this.plan.stages.get(id)).filter((s): s is Stage => s !== undefined);
  }

  private wandbDir(): string {
    return experimentDir(this.plan.resultsRoot, this.plan.experiment);
  }

  /** Sends, per target, what the runs have that the tracker lacks; creates tracker runs when `create`. */
  private async sync(runIds: readonly string[], opts: SyncOptions, create: boolean): Promise<void> {
    if (!this.transport) return;
    const runs = this.runs.filter((r) => runIds.includes(r.id));
    const rows = new Map(collectResults({ ...this.plan, runs }).rows.map((row) => [row.run, row]));
    const resultsDir = path.join(trackingDir(this.plan), 'runs');
    for (const ledger of this.ledgers) {
      const job: TrackerJobRun[] = [];
      const items = new Map<string, Map<string, string>>();
      for (const run of runs) {
        const entry = ledger.runs[run.id];
        if (!entry && !create) continue;
        const row = rows.get(run.id)!;
        const json = runJson(row);
        const resultsFile = path.join(resultsDir, run.id, 'results.json');
        mkdirSync(path.dirname(resultsFile), { recursive: true });
        writeFileAtomic(resultsFile, `${JSON.stringify(json, null, 2)}\n`);
        const links: Record<string, string> = {};
        for (const stage of this.stagesOf(run)) {
          const owner = ledger.owners[stage.id];
          const ownerRun = owner && owner !== run.id ? ledger.runs[owner] : undefined;
          if (ownerRun) links[stage.kind === 'eval' ? `eval.${stage.task ?? 'eval'}` : stage.kind] = ownerRun.id;
        }
        const record = runRecord({
          plan: this.plan,
          run,
          json,
          ...(row.datacard ? { datacard: row.datacard.source.file } : {}),
          resultsFile,
          ...(opts.lockFile ? { lockFile: opts.lockFile } : {}),
          links,
        });
        const todo = unsent(record, entry?.sent ?? {});
        const status = opts.statuses?.get(run.id);
        const statusChanged = status !== undefined && status !== entry?.status;
        if (entry && isEmptyRecord(todo.record) && !statusChanged) continue;
        job.push({ ...todo.record, id: entry?.id ?? null, ...(statusChanged ? { status } : {}) });
        items.set(run.id, todo.items);
      }
      // Links to runs created in this same job are known only afterwards: the next sync adds them.
      if (job.length === 0) continue;
      const ids = await this.transport({ target: ledger.target, dir: this.wandbDir(), group: this.plan.experiment, runs: job });
      for (const sent of job) {
        const id = ids[sent.key];
        if (!id) throw new Error(`${describeTarget(ledger.target)} returned no run id for ${sent.name}`);
        const entry = (ledger.runs[sent.key] ??= { id, name: sent.name, sent: {} });
        for (const [k, h] of items.get(sent.key) ?? []) entry.sent[k] = h;
        if (sent.status) entry.status = sent.status;
      }
      writeLedger(this.plan, ledger);
    }
  }
}

/** A run's tracker status after an invocation; undefined leaves it as it is (e.g. `--until train`). */
export function runStatus(stages: Stage[], state: string | undefined, interrupted: boolean): RunStatus | undefined {
  if (stages.length > 0 && stages.every((s) => isDone(s))) return 'FINISHED';
  if (state === 'failed' || state === 'skipped') return 'FAILED';
  if (interrupted) return 'KILLED';
  return undefined;
}
