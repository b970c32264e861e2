/**
 * Where tracking goes: the spec's `track:` block, or `--track` on the command line (which replaces
 * the block; `--track none` turns it off). No block and no flag: no target, nothing is sent.
 */
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { Track } from '../spec/types.generated.js';
import { sha256 } from '../util/hash.js';

export interface MlflowTarget {
  kind: 'mlflow';
  /** Absolute for local stores, so the runner and the training (another cwd) reach the same one. */
  uri: string;
  experiment: string;
}

export interface WandbTarget {
  kind: 'wandb';
  project: string;
  entity?: string;
  mode: 'online' | 'offline';
}

export type TrackTarget = MlflowTarget | WandbTarget;

/** `--track` values: `mlflow=URI`, `wandb=[ENTITY/]PROJECT`, `wandb-offline=[ENTITY/]PROJECT`, `none`. */
export const TRACK_FLAG_HELP = 'send every run to a tracker: mlflow=URI, wandb=[ENTITY/]PROJECT, wandb-offline=[ENTITY/]PROJECT, or none (repeatable; replaces the spec\'s track:)';

/** The `track:` block the `--track` flags stand for; null for `--track none`. */
export function trackFromFlags(values: readonly string[]): Track | null {
  const track: Track = {};
  let none = false;
  for (const raw of values) {
    const value = raw.trim();
    if (value === 'none') {
      none = true;
      continue;
    }
    const eq = value.indexOf('=');
    const kind = eq < 0 ? value : value.slice(0, eq);
    const arg = eq < 0 ? '' : value.slice(eq + 1);
    if (kind === 'mlflow') {
      if (!arg) throw new UsageError(`--track ${raw}: give the tracking URI, e.g. --track mlflow=http://127.0.0.1:5000`);
      track.mlflow = { uri: arg };
    } else if (kind === 'wandb' || kind === 'wandb-offline') {
      const parts = arg.split('/');
      if (!arg || parts.length > 2 || parts.some((p) => p === '')) throw new UsageError(`--track ${raw}: give the project as PROJECT or ENTITY/PROJECT, e.g. --track ${kind}=my-project`);
      track.wandb = { project: parts.at(-1)!, ...(parts.length === 2 ? { entity: parts[0]! } : {}), mode: kind === 'wandb' ? 'online' : 'offline' };
    } else {
      throw new UsageError(`--track ${raw}: unknown tracker "${kind}"; use mlflow=URI, wandb=PROJECT, wandb-offline=PROJECT or none`);
    }
  }
  if (none && (track.mlflow || track.wandb)) throw new UsageError('--track none cannot be combined with a tracker');
  return none ? null : track;
}

/**
 * MLflow resolves a relative local store against the process's working folder; the training runs
 * in its stage folder, so local stores become absolute here. Servers (http, databricks, ...) pass as is.
 */
export function absoluteTrackingUri(uri: string, cwd: string): string {
  const sqlite = /^sqlite:\/\/\/(.*)$/.exec(uri);
  if (sqlite) return sqlite[1]!.startsWith('/') ? uri : `sqlite:///${path.resolve(cwd, sqlite[1]!)}`;
  const file = /^file:(?!\/\/)(.*)$/.exec(uri);
  if (file) return `file://${path.resolve(cwd, file[1]!)}`;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(uri)) return `file://${path.resolve(cwd, uri)}`;
  return uri;
}

/**
 * The targets of a run: `--track` flags when given (a `null` from `--track none` disables), else the
 * spec's block. The MLflow experiment defaults to the spec's name, so the sweep's runs group together.
 */
export function trackTargets(specTrack: Track | undefined, flags: Track | null | undefined, experiment: string, cwd: string): TrackTarget[] {
  const track = flags === undefined ? specTrack : flags;
  if (!track) return [];
  const out: TrackTarget[] = [];
  if (track.mlflow) out.push({ kind: 'mlflow', uri: absoluteTrackingUri(track.mlflow.uri, cwd), experiment: track.mlflow.experiment ?? experiment });
  if (track.wandb) out.push({ kind: 'wandb', project: track.wandb.project, ...(track.wandb.entity ? { entity: track.wandb.entity } : {}), mode: track.wandb.mode ?? 'online' });
  return out;
}

/**
 * Names the ledger of a target. W&B's mode is left out: an offline run synced later is the same
 * run, so going online continues it rather than starting another.
 */
export function targetKey(t: TrackTarget): string {
  const id = t.kind === 'mlflow' ? `${t.uri}\n${t.experiment}` : `${t.entity ?? ''}\n${t.project}`;
  return `${t.kind}-${sha256(id).slice(0, 12)}`;
}

export function describeTarget(t: TrackTarget): string {
  return t.kind === 'mlflow' ? `MLflow ${t.uri} (experiment ${t.experiment})` : `W&B ${t.entity ? `${t.entity}/` : ''}${t.project} (${t.mode})`;
}
