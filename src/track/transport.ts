/**
 * Delivers tracker records through runners/track.py, which uses MLflow's and W&B's own Python
 * clients from the managed tool environment (never hand-written HTTP).
 */
import { execa } from 'execa';
import { AblateError } from '../errors.js';
import { pythonBin, requireToolEnv, runnerScript } from '../tools/pyenv.js';
import type { RunRecord } from './content.js';
import type { TrackTarget } from './targets.js';

export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface TrackerJobRun extends RunRecord {
  /** The tracker run to continue; null creates one. */
  id: string | null;
  status?: RunStatus;
}

export interface TrackerJob {
  target: TrackTarget;
  /** W&B: the folder its `wandb/` run folders go into. */
  dir: string;
  /** The group the runs of one spec share (W&B group; MLflow groups by experiment). */
  group: string;
  runs: TrackerJobRun[];
}

/** Sends a job; resolves to ablate run id → tracker run id. */
export type Transport = (job: TrackerJob) => Promise<Record<string, string>>;

/** Retries and timeouts short enough that an unreachable server is reported in seconds, not minutes. */
const CLIENT_ENV: Record<string, string> = {
  MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2',
  MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '1',
  MLFLOW_HTTP_REQUEST_TIMEOUT: '30',
  MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR: 'false',
  WANDB_SILENT: 'true',
  WANDB_DISABLE_GIT: 'true',
  WANDB_DISABLE_CODE: 'true',
};

/** The job as runners/track.py reads it. */
export function runnerJob(job: TrackerJob): Record<string, unknown> {
  const t = job.target;
  const runs = job.runs.map((r) => ({
    key: r.key,
    id: r.id,
    name: r.name,
    tags: r.tags,
    params: r.params,
    metrics: r.metrics,
    artifacts: r.artifacts,
    status: r.status ?? null,
  }));
  if (t.kind === 'mlflow') return { tracker: 'mlflow', mlflow: { uri: t.uri, experiment: t.experiment }, runs };
  return { tracker: 'wandb', wandb: { project: t.project, entity: t.entity ?? null, mode: t.mode, dir: job.dir, group: job.group }, runs };
}

export const pythonTransport: Transport = async (job) => {
  const python = pythonBin(await requireToolEnv());
  const r = await execa(python, [runnerScript('track.py')], {
    input: JSON.stringify(runnerJob(job)),
    env: CLIENT_ENV,
    reject: false,
    all: true,
  });
  const out = String(r.stdout ?? '').trim().split('\n').at(-1) ?? '';
  if (r.exitCode === 0) {
    try {
      const parsed = JSON.parse(out) as { ids?: Record<string, string> };
      if (parsed.ids) return parsed.ids;
    } catch {
      /* reported below */
    }
  }
  const tail = String(r.all ?? r.stderr ?? '').trim().split('\n').slice(-12).join('\n');
  throw new AblateError(`runners/track.py failed (exit ${r.exitCode ?? r.signal}):\n${tail}`);
};
