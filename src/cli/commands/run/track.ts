/** `--track` of `ablate run` and `stage-exec`: which trackers, and the session that feeds them. */
import type { Plan } from '../../../plan/types.js';
import type { TrackingSession } from '../../../track/session.js';
import { TRACK_FLAG_HELP, trackFromFlags, trackTargets, type TrackTarget } from '../../../track/targets.js';
import { UsageError } from '../../../errors.js';

export const trackOption = TRACK_FLAG_HELP;

export const collectValues = (v: string, prev: string[] = []): string[] => [...prev, v];

/** The spec's `track:` unless `--track` replaces it. */
export function targetsOf(plan: Plan, flags: string[] | undefined): TrackTarget[] {
  let fromFlags;
  try {
    fromFlags = flags ? trackFromFlags(flags) : undefined;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return trackTargets(plan.runs[0]?.config.track, fromFlags, plan.experiment, process.cwd());
}

/** Opens the tracker runs of the selected runs (the client lives in the Python tool env), or undefined when nothing is tracked. */
export async function openTracking(plan: Plan, flags: string[] | undefined, only: string | undefined): Promise<TrackingSession | undefined> {
  const targets = targetsOf(plan, flags);
  if (targets.length === 0) return undefined;
  const { ensureToolEnv } = await import('../../../tools/pyenv.js');
  await ensureToolEnv({ onProgress: (line) => process.stderr.write(`${line}\n`) });
  const { selectStages } = await import('../../../exec/graph.js');
  const { TrackingSession } = await import('../../../track/session.js');
  const runIds = selectStages(plan, only ? { only } : {}).runs.map((r) => r.id);
  return TrackingSession.open(plan, targets, { runIds });
}

/** For a SLURM job: its training reports into the tracker run the controller opened. */
export async function trackStageRunners<T extends import('../../../exec/types.js').StageRunners>(plan: Plan, flags: string[] | undefined, runners: T): Promise<import('../../../exec/types.js').StageRunners> {
  const targets = targetsOf(plan, flags);
  if (targets.length === 0) return runners;
  const { TrackingSession } = await import('../../../track/session.js');
  return TrackingSession.forStages(plan, targets).wrap(runners);
}
